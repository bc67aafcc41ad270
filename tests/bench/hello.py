"""The benchmark baseline: the least a WSGI app can do, served by the same gunicorn set-up.

Every HTTP benchmark of the portal is reported as a ratio to this app measured in the same
run, so that a shared, noisy 2-core machine still gives comparable numbers.
"""

BODY = b"Hello, world!\n"
HEADERS = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
