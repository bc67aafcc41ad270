"""What happened, told to whoever listens: the way a lower layer lets a higher one react.

The referral's verbs (referrals, consent, review) say what happened with ``emit``; the notices
(portal/notices, a layer above them) listen with ``on``. So the verbs need not know who is told,
and no import points up. Listeners run in the emitter's transaction: a message they write is
committed, or rolled back, with the change that caused it. Standard library only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

_listeners: dict[str, list[Callable[..., None]]] = defaultdict(list)


def on(event: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``@on("referral.withdrawn")``: call the function with the event's data when it happens."""

    def listen(function: Callable[..., None]) -> Callable[..., None]:
        if function not in _listeners[event]:
            _listeners[event].append(function)
        return function

    return listen


def emit(event: str, **data) -> None:
    for listener in _listeners.get(event, ()):
        listener(**data)
