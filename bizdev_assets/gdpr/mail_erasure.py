"""Erasing a subject from what outreach leaves on disk: the `.eml` outbox (embedded
default), the SMTP sent-ledger's recipient column, the notifications file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bizdev_assets.gdpr.identifiers import Subject
from bizdev_assets.gdpr.sql import in_list


def erase_outbox(folder: Path, subject: Subject) -> int:
    """Delete the outbox emails sent to or naming the subject."""
    removed = 0
    for path in sorted(folder.glob("*.eml")) if folder.is_dir() else []:
        if subject.matches_text(path.read_text("utf-8", "replace")):
            path.unlink()
            removed += 1
    return removed


def erase_ledger(path: Path, subject: Subject) -> int:
    """Blank the recipient of their sent messages; the message ids stay, so nothing is
    ever sent twice."""
    if not path.is_file() or not subject.emails:
        return 0
    where, params = in_list("lower(recipient)", subject.emails)
    with closing(sqlite3.connect(path, timeout=30)) as con, con:
        return con.execute(
            f"update sent_messages set recipient = null where {where}", params
        ).rowcount


def erase_notifications(path: Path, subject: Subject) -> int:
    """Rewrite the notifications file without the lines naming the subject."""
    if not path.is_file():
        return 0
    lines = path.read_text("utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not subject.matches_text(line)]
    if len(kept) != len(lines):
        path.write_text("".join(kept), "utf-8")
    return len(lines) - len(kept)
