"""The email of one sequence step, as the recipient gets it (pure: no sending here).

The Message-ID is made from the idempotency key (workflow id + step), so every retry or
replay of the step builds the same Message-ID and the transport can refuse to send it
twice. A List-Unsubscribe header lets mail clients offer a one-click way out.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, formatdate
from urllib.parse import quote

from bizdev_assets.outreach.records import EmailRequest


def message_id(idempotency_key: str, domain: str) -> str:
    return f"<{idempotency_key}@{domain}>"


def build_email(request: EmailRequest, sender: str, domain: str) -> EmailMessage:
    lead = request.lead
    message = EmailMessage()
    message["Message-ID"] = message_id(request.idempotency_key, domain)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["From"] = sender
    message["To"] = formataddr((lead.full_name or "", lead.email))
    if lead.owner_email:
        message["Reply-To"] = formataddr((lead.owner_name or "", lead.owner_email))
    message["Subject"] = request.subject
    unsubscribe = quote(f"unsubscribe {lead.contact_id}")
    message["List-Unsubscribe"] = f"<mailto:unsubscribe@{domain}?subject={unsubscribe}>"
    message["X-Bizdev-Contact-Id"] = lead.contact_id
    message.set_content(request.body)
    return message
