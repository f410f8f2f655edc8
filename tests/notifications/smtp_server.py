"""A real SMTP server for tests: on a free local port, in a background thread.

It speaks the part of RFC 5321 that Django's SMTP backend (smtplib) uses: EHLO/HELO, MAIL,
RCPT, DATA, RSET, NOOP, QUIT. It keeps every message it accepts, and refuses the recipients
a test names with "450 try again later", as a real server does when a mailbox is full or
greylisted; or holds them unanswered, so the sender is caught mid-send. `smtp_server_for`
points Django's SMTP backend at it.
"""

import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from tests.fixtures.mail_text import plain_text_checked

_ADDRESS = re.compile(r"<([^>]*)>")


@dataclass(frozen=True)
class Received:
    """One message the server accepted, as it came over the wire."""

    mail_from: str
    recipients: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)  # policy.default parses into the modern class
        return parsed

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        """The plain-text body, as a mail client shows it."""
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None
        content = body.get_content()
        assert isinstance(content, str)
        return content


class SMTPServer:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._refused: set[str] = set()
        self._held: set[str] = set()
        self.holding = threading.Event()  # set once a sender waits on a held recipient
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Session)
        self._server.owner = self
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "SMTPServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def refuse(self, address: str) -> None:
        """Answer RCPT TO for this address with 450, until `accept`."""
        with self._lock:
            self._refused.add(address.lower())

    def accept(self, address: str) -> None:
        with self._lock:
            self._refused.discard(address.lower())

    def is_refused(self, address: str) -> bool:
        with self._lock:
            return address.lower() in self._refused

    def hold(self, address: str) -> None:
        """Leave RCPT TO for this address unanswered until `release`: the sender hangs
        mid-send."""
        with self._lock:
            self._held.add(address.lower())
        self._released.clear()

    def release(self) -> None:
        with self._lock:
            self._held.clear()
        self._released.set()

    def wait_if_held(self, address: str) -> None:
        with self._lock:
            held = address.lower() in self._held
        if held:
            self.holding.set()
            self._released.wait(timeout=60)

    def keep(self, message: Received) -> None:
        with self._lock:
            self.received.append(message)

    def to(self, address: str) -> list[Received]:
        """The messages accepted for `address`, oldest first."""
        with self._lock:
            return [m for m in self.received if address.lower() in m.recipients]


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False
    owner: SMTPServer


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        owner = self.server.owner
        self._reply("220 localhost test SMTP server ready")
        mail_from, recipients = "", []
        while line := self.rfile.readline():
            verb, _, argument = line.decode("utf-8", "replace").strip().partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self._reply("250-localhost", "250 8BITMIME")
            elif verb in ("HELO", "NOOP"):
                self._reply("250 OK")
            elif verb == "RSET":
                mail_from, recipients = "", []
                self._reply("250 OK")
            elif verb == "MAIL":
                mail_from, recipients = _address(argument), []
                self._reply("250 OK")
            elif verb == "RCPT":
                address = _address(argument).lower()
                owner.wait_if_held(address)
                if owner.is_refused(address):
                    self._reply(f"450 4.2.1 <{address}>: mailbox unavailable, try again later")
                else:
                    recipients.append(address)
                    self._reply("250 OK")
            elif verb == "DATA":
                if not recipients:
                    self._reply("503 5.5.1 No valid recipients")
                    continue
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                owner.keep(Received(mail_from, tuple(recipients), self._read_data()))
                mail_from, recipients = "", []
                self._reply("250 OK: queued")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 5.5.2 Command not recognized")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b".") else line)  # RFC 5321 4.5.2
        return b"".join(lines)

    def _reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())


def _address(argument: str) -> str:
    match = _ADDRESS.search(argument)
    return match.group(1) if match else ""


@contextmanager
def closed_port() -> Iterator[int]:
    """A local port where no mail server listens: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as reserved:
        reserved.bind(("127.0.0.1", 0))  # bound, never listening: held, so nobody else takes it
        yield reserved.getsockname()[1]


@contextmanager
def smtp_server_for(settings: Any) -> Iterator[SMTPServer]:
    """Run a server, with Django's SMTP backend sending through it (pytest-django's
    `settings` fixture undoes the settings afterwards)."""
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server
        for received in server.received:
            plain_text_checked(received.subject, received.data)
