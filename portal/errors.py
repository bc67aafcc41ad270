"""The one error an operation raises when it will not do what was asked.

Every package's verbs raise ``Refused`` with a message in words for the person who asked (the
view shows it in the form, beside ``field`` when one is named, or as a flash); subclasses say why
when a view must tell them apart. It imports nothing, so every layer can use it.
"""

from __future__ import annotations


class Refused(Exception):
    """Not done: the record is not in a state, or the actor not in a place, to do this."""

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
