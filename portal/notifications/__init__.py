"""The outbox: email is written in the request's transaction and sent only after it commits."""

from portal.notifications.operations import deliver_pending, queue_email

__all__ = ["deliver_pending", "queue_email"]
