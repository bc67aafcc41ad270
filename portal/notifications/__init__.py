"""The outbox and its notices: email is written in the transaction of the change that causes it
(``queue_email``, and one function per event in ``notices``), and sent by a worker
(``lead-portal outbox deliver``), never inside a request."""

from portal.notifications.outbox import queue_email

__all__ = ["queue_email"]
