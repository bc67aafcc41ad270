"""URLs that are the same on every request, built once per process.

``url_for`` walks the URL map each time: the chrome of every page (stylesheets, scripts, the
navigation) asked it about fifteen times a request for the same answers. Only paths are cached
(never an external URL), keyed by the root the app is served under, so a URL is exactly what
``url_for`` would have returned."""

from __future__ import annotations

from flask import has_request_context, request, url_for

_built: dict[tuple, str] = {}


def fixed_url(endpoint: str, **values) -> str:
    if not has_request_context():  # a command's render: no root to key on, and no hurry
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, tuple(sorted(values.items())))
    found = _built.get(key)
    if found is None:
        found = _built[key] = url_for(endpoint, **values)
    return found


def init_app(app) -> None:
    app.add_template_global(fixed_url)
