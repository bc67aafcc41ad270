"""The delivery worker as real processes: two at once send each message exactly once
(PostgreSQL: FOR UPDATE SKIP LOCKED), and the loop stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, insert, select

from portal.notifications.models import OutboxMessage
from tests.accounts.helpers import Mailbox

MESSAGES = 300
COMMAND = [sys.executable, "-m", "portal.cli", "outbox", "deliver"]


class SlowMailbox(Mailbox):
    """Takes a moment over each message, so that two workers are busy at the same time; and
    notes which connection (so which worker) brought each one."""

    def __init__(self):
        super().__init__()
        self.peers: list[tuple] = []

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(0.002)
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_mailbox():
    from aiosmtpd.controller import Controller

    box = SlowMailbox()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def worker_env(url: str, port: int, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
            "SECRET_KEY": "w" * 40, "LEAD_ENV": "development", **extra}


def fill_outbox(url: str, count: int) -> None:
    engine = create_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(OutboxMessage), [
            {"kind": "email", "recipient": f"person{n}@example.org", "subject": f"Message {n}",
             "body": f"Body {n}", "html_body": f"<p>Body {n}</p>", "created_at": now,
             "next_attempt_at": now, "attempts": 0} for n in range(count)])
    engine.dispose()


def test_two_workers_at_once_send_each_message_exactly_once(databases, slow_mailbox):
    """PostgreSQL shows the race (SKIP LOCKED and the lease); SQLite serialises the claims."""
    url = databases.new()
    fill_outbox(url, MESSAGES)
    env = worker_env(url, slow_mailbox.port)
    workers = [subprocess.Popen(COMMAND, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [worker.communicate(timeout=180) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs

    subjects = [message["Subject"] for message in slow_mailbox.messages()]
    assert len(subjects) == MESSAGES, "each message sent"
    assert len(set(subjects)) == MESSAGES, "none twice"
    senders = {peer for peer in slow_mailbox.peers}
    assert len({port for _host, port in senders}) >= 2, "both workers sent some"
    engine = create_engine(url)
    with engine.connect() as connection:
        unsent = connection.scalar(select(func.count()).select_from(OutboxMessage)
                                   .where(OutboxMessage.sent_at.is_(None)))
        attempts = connection.scalar(select(func.sum(OutboxMessage.attempts)))
    engine.dispose()
    assert (unsent, attempts) == (0, MESSAGES)


def test_the_loop_delivers_and_stops_cleanly_on_sigterm(databases, slow_mailbox):
    url = databases.new()
    fill_outbox(url, 3)
    loop = subprocess.Popen([*COMMAND, "--loop"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=worker_env(url, slow_mailbox.port,
                                                      OUTBOX_POLL_SECONDS="0.2"))
    try:
        deadline = time.monotonic() + 60
        while len(slow_mailbox.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(slow_mailbox.received) == 3, "delivered while running"
        fill_outbox(url, 1)  # written while the loop sleeps: picked up on its next pass
        while len(slow_mailbox.received) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(slow_mailbox.received) == 4
        loop.send_signal(signal.SIGTERM)
        _out, err = loop.communicate(timeout=20)
    finally:
        if loop.poll() is None:
            loop.kill()
    assert loop.returncode == 0, err
    assert "Traceback" not in err
