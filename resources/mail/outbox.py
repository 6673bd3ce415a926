"""The embedded default mail transport: each email is a `.eml` file in a folder
(`BIZDEV_OUTBOX`, default `./data/outbox`), named after its Message-ID.

The file name is the idempotency record: a retried send finds the file and writes
nothing. Files appear whole (written aside, then renamed), so a reader never sees half
an email and a crash never leaves one that blocks the retry.
"""

from __future__ import annotations

import os
import re
from email.message import EmailMessage
from pathlib import Path

from resources.mail.base import MailResource, SendReceipt, message_id_of

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


class OutboxMail(MailResource):
    folder: str = "./data/outbox"

    @property
    def location(self) -> str:
        return str(Path(self.folder).resolve())

    def path_for(self, message_id: str) -> Path:
        return Path(self.folder) / (_UNSAFE.sub("_", message_id.strip("<>")) + ".eml")

    def send(self, message: EmailMessage) -> SendReceipt:
        message_id = message_id_of(message)
        target = self.path_for(message_id)
        if target.exists():
            return SendReceipt(message_id, already_sent=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        partial.write_bytes(bytes(message))
        os.replace(partial, target)
        return SendReceipt(message_id, already_sent=False)

    def sent(self) -> list[Path]:
        """The emails in the outbox, oldest first."""
        folder = Path(self.folder)
        return (
            sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime) if folder.exists() else []
        )
