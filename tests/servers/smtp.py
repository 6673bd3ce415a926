"""A real SMTP server for the test session (aiosmtpd): STARTTLS with a private CA (trustme),
AUTH LOGIN/PLAIN, recipients to refuse, and every accepted message kept for counting.

`hold_quit()` makes the server keep a client waiting for the answer to QUIT, i.e. after
the message was accepted: the moment the outreach worker is killed in the
"email sent, step not recorded" test.
"""

from __future__ import annotations

import asyncio
import ssl
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from resources.temporal.dev_server import free_port

USERNAME, PASSWORD = "outreach@bizdev.example.com", "s3cret-smtp"


@dataclass(frozen=True)
class Delivery:
    mail_from: str
    recipients: list[str]
    message_id: str
    subject: str
    raw: bytes


class SmtpHandler:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.deliveries: list[Delivery] = []
        self.refused: set[str] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._release: asyncio.Event | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.content)
        with self._changed:
            self.deliveries.append(
                Delivery(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    str(parsed["Message-ID"]),
                    str(parsed["Subject"]),
                    envelope.content,
                )
            )
            self._changed.notify_all()
        return "250 2.0.0 Ok: queued"

    async def handle_QUIT(self, server, session, envelope):
        if self._release is not None:
            await self._release.wait()
        return "221 Bye"

    def wait_for(self, count: int, timeout: float = 30.0) -> bool:
        """Wait until at least `count` messages were accepted."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.deliveries) >= count, timeout)

    def hold_quit(self) -> None:
        self._release = asyncio.Event()

    def release_quit(self) -> None:
        if self._release is not None and self.loop is not None:
            self.loop.call_soon_threadsafe(self._release.set)

    def reset(self) -> None:
        self.release_quit()
        with self._lock:
            self.deliveries = []
            self.refused = set()
            self._release = None


class SmtpServer:
    def __init__(self) -> None:
        ca = trustme.CA()
        self._tmp = tempfile.TemporaryDirectory(prefix="smtp-ca-")
        self.ca_path = str(Path(self._tmp.name) / "ca.pem")
        ca.cert_pem.write_to_path(self.ca_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self.handler = SmtpHandler()
        self.port = free_port()
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=True,
            authenticator=self._authenticate,
            auth_require_tls=True,
        )
        self.controller.start()
        self.handler.loop = self.controller.loop

    @staticmethod
    def _authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (USERNAME, PASSWORD)
        return AuthResult(success=ok)

    def settings(self, ledger: Path) -> dict:
        """The Settings fields that point bizdev at this server."""
        return {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_username": USERNAME,
            "smtp_password": PASSWORD,
            "smtp_ca_bundle": self.ca_path,
            "smtp_ledger": str(ledger),
        }

    @property
    def deliveries(self) -> list[Delivery]:
        return list(self.handler.deliveries)

    def close(self) -> None:
        self.handler.release_quit()
        self.controller.stop()
        self._tmp.cleanup()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.close()


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> Iterator[SmtpServer]:
    """The session's SMTP server with no messages, refusals or held QUITs."""
    smtp_server.handler.reset()
    yield smtp_server
    smtp_server.handler.reset()
