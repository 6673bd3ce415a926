"""What every mail transport is: `send(message)` that never sends a Message-ID twice."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

import dagster as dg

DEFAULT_SENDER = "bizdev outreach <outreach@bizdev.invalid>"


class MailRejected(RuntimeError):
    """The server refused the message for good (e.g. 550 unknown recipient): do not retry;
    for the sequence this is a bounce."""


@dataclass(frozen=True)
class SendReceipt:
    message_id: str
    already_sent: bool  # found sent before (a retry): nothing went out now


class MailResource(dg.ConfigurableResource):
    """The interface the outreach activities call."""

    sender: str = DEFAULT_SENDER  # BIZDEV_MAIL_FROM

    @property
    def location(self) -> str:
        raise NotImplementedError

    @property
    def sender_domain(self) -> str:
        """The domain of the sender address: the right-hand side of every Message-ID."""
        return parseaddr(self.sender)[1].rpartition("@")[2] or "bizdev.invalid"

    def send(self, message: EmailMessage) -> SendReceipt:
        """Deliver `message` (it must carry a Message-ID) unless that Message-ID was sent
        before. Raises MailRejected for a permanent refusal; anything else is worth a retry."""
        raise NotImplementedError


def message_id_of(message: EmailMessage) -> str:
    message_id = str(message.get("Message-ID") or "").strip()
    if not message_id:
        raise ValueError("an outreach email needs a Message-ID (its idempotency key)")
    return message_id
