"""The outbox: email is written in the transaction of the change that causes it (``queue_email``)
and sent by a worker (``lead-portal outbox deliver``), never inside a request. Who is told what
(the notices, the digest, each user's choices) is portal/notices, a layer above."""

from portal.notifications.outbox import queue_email

__all__ = ["queue_email"]
