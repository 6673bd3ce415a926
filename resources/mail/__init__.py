"""Outgoing email as a resource: SMTP (`smtp.py`, STARTTLS and auth when configured) or, the
embedded default, a folder of `.eml` files (`outbox.py`). Both never send one Message-ID
twice (`base.py`), so a retried or replayed send is harmless."""

from resources.mail.base import MailRejected, MailResource, SendReceipt
from resources.mail.outbox import OutboxMail
from resources.mail.smtp import SmtpMail

__all__ = ["MailRejected", "MailResource", "OutboxMail", "SendReceipt", "SmtpMail"]
