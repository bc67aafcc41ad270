"""The append-only event log: one function writes it, nothing updates or deletes it."""

from portal.audit.operations import record

__all__ = ["record"]
