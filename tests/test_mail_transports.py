"""Mail transports against a real SMTP server (aiosmtpd, STARTTLS + AUTH) and the
outbox folder: delivery, refusal, and never the same Message-ID twice."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from resources.mail import MailRejected, OutboxMail
from tests.outreach_support import smtp_mail


def _message(to: str, message_id: str = "<m1.intro@bizdev.example.com>") -> EmailMessage:
    message = EmailMessage()
    message["Message-ID"], message["From"], message["To"] = (
        message_id,
        "owen@bizdev.example.com",
        to,
    )
    message["Subject"] = "Hello"
    message.set_content("Hi")
    return message


def test_smtp_delivers_over_starttls_with_auth_and_never_twice(smtp, tmp_path):
    mail = smtp_mail(smtp, tmp_path)
    first = mail.send(_message("ada@example.com"))
    again = mail.send(_message("ada@example.com"))
    assert (first.already_sent, again.already_sent) == (False, True)
    assert [d.message_id for d in smtp.deliveries] == ["<m1.intro@bizdev.example.com>"]


def test_an_unknown_recipient_is_a_permanent_rejection(smtp, tmp_path):
    smtp.handler.refused.add("nobody@example.com")
    with pytest.raises(MailRejected, match="550"):
        smtp_mail(smtp, tmp_path).send(_message("nobody@example.com"))


def test_the_outbox_writes_one_file_per_message_id(tmp_path):
    outbox = OutboxMail(folder=str(tmp_path / "outbox"))
    receipts = [outbox.send(_message("ada@example.com")) for _ in range(2)]
    assert [r.already_sent for r in receipts] == [False, True]
    (only,) = outbox.sent()
    assert b"Message-ID: <m1.intro@bizdev.example.com>" in only.read_bytes()
