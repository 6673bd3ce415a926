"""Email over SMTP (`BIZDEV_SMTP_HOST`): STARTTLS when the server offers it or when
required, AUTH when a username is set, implicit TLS on `ssl=True` (port 465).

Idempotent through the ledger (`ledger.py`): a Message-ID the server accepted once is
never sent again. A permanent refusal of the recipient or the message (5xx) raises
`MailRejected`; connection trouble and 4xx raise the original error, for a retry.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from resources.mail.base import MailRejected, MailResource, SendReceipt, message_id_of
from resources.mail.ledger import SentLedger


class SmtpMail(MailResource):
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True  # require STARTTLS; False: use it only when the server offers it
    ssl: bool = False  # implicit TLS (port 465)
    ca_bundle: str | None = None  # PEM of a private CA
    timeout_seconds: float = 30.0
    ledger_path: str = "./data/outreach/smtp_sent.sqlite"

    @property
    def location(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_bundle)

    def _connect(self) -> smtplib.SMTP:
        if self.ssl:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout_seconds, context=self._context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout_seconds)
        client.ehlo()
        if not self.ssl and (self.starttls or client.has_extn("starttls")):
            if not client.has_extn("starttls"):
                client.close()
                raise MailRejected(
                    f"{self.location} does not offer STARTTLS; set BIZDEV_SMTP_STARTTLS=0 "
                    "only for a server on a trusted network"
                )
            client.starttls(context=self._context())
            client.ehlo()
        if self.username:
            client.login(self.username, self.password or "")
        return client

    def send(self, message: EmailMessage) -> SendReceipt:
        message_id = message_id_of(message)
        ledger = SentLedger(Path(self.ledger_path))
        if ledger.seen(message_id):
            return SendReceipt(message_id, already_sent=True)
        client = self._connect()
        try:
            try:
                client.send_message(message)  # one recipient: a refusal raises
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _ in exc.recipients.values()]
                if codes and all(500 <= code < 600 for code in codes):
                    raise MailRejected(f"recipient refused: {exc.recipients!r}") from exc
                raise
            except smtplib.SMTPResponseException as exc:
                if 500 <= exc.smtp_code < 600:
                    raise MailRejected(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
                raise
            # Accepted: remember it before anything else can go wrong.
            ledger.record(message_id, str(message.get("To")))
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
        return SendReceipt(message_id, already_sent=False)
