"""The Zoom meeting benchmark's email backend: each message is rendered to bytes, the work
an SMTP backend does before it sends, and then noted (when, to whom, subject and text) as
one JSON line in a file per process under `BENCH_MAIL_DIR`, which the benchmark reads.

Not the demo's outbox (`slotlink.notifications.outbox.OutboxBackend`): that one parses
every message back into the database for its page, which costs about 100 ms of CPU per
email, so on a 2-CPU machine the benchmark would measure the demo's outbox instead of
production's work.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

BACKEND = "benchmarks.zoom_mailbox.JsonLinesBackend"
_lock = threading.Lock()


class JsonLinesBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        lines = []
        for message in email_messages:
            if not message.recipients():
                continue
            message.message().as_bytes(linesep="\r\n")  # what SMTP puts on the wire
            note = {
                "at": time.time(),
                "to": [parseaddr(r)[1] for r in message.recipients()],
                "subject": message.subject,
                "text": message.body,
            }
            lines.append(json.dumps(note) + "\n")
        path = Path(os.environ["BENCH_MAIL_DIR"]) / f"{os.getpid()}.jsonl"
        with _lock, path.open("a") as mailbox:
            mailbox.write("".join(lines))
        return len(lines)


def emails(mail_dir: Path) -> Iterator[dict[str, Any]]:
    """Every email sent so far, oldest first."""
    notes = []
    for path in mail_dir.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            if line.endswith("}"):  # a line still being written is left for the next look
                notes.append(json.loads(line))
    yield from sorted(notes, key=lambda note: note["at"])


def by_recipient(mail_dir: Path) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for note in emails(mail_dir):
        for address in note["to"]:
            found.setdefault(address, []).append(note)
    return found
