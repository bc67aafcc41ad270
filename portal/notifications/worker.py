"""The long-running delivery worker (`lead-portal outbox deliver --loop`).

It polls the outbox, sleeps a short interval between passes, and stops cleanly on SIGTERM or
SIGINT: the message being sent is finished and recorded first. With ``digest`` it also sends the
coordinators' weekday digest once the program's day has reached ``DIGEST_HOUR`` (the digest
itself is safe to run twice, so the loop and a cron job can both run it).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from portal.config import Settings
from portal.db import Database
from portal.notifications.delivery import deliver_pending

log = logging.getLogger(__name__)
DIGEST_HOUR = 7


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Loop:
    def __init__(self, settings: Settings, database: Database,
                 digest: Callable[[], int] | None = None):
        self.settings, self.database, self.digest = settings, database, digest
        self.stopping = threading.Event()
        self.name = worker_name()
        self.digest_sent_on = None  # this process's last digest day: check once a day, not a pass

    def stop(self, *_signal) -> None:
        self.stopping.set()

    def run(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.stop)
        log.info("outbox worker %s started", self.name)
        while not self.stopping.is_set():
            self.once()
            self.stopping.wait(self.settings.outbox_poll_seconds)
        log.info("outbox worker %s stopped", self.name)

    def once(self) -> None:
        try:
            if self.settings.smtp_host:
                deliver_pending(self.settings, self.database, self.name)
            if self.digest is not None and self._digest_due():
                self.digest()
                self.digest_sent_on = self._today()
        except Exception:  # a database restart must not end the worker: log, wait, try again
            log.exception("outbox pass failed; trying again in %ss",
                          self.settings.outbox_poll_seconds)

    def _today(self):
        return datetime.now(ZoneInfo(self.settings.timezone)).date()

    def _digest_due(self) -> bool:
        local = datetime.now(ZoneInfo(self.settings.timezone))
        return (local.weekday() < 5 and local.hour >= DIGEST_HOUR
                and self.digest_sent_on != local.date())
