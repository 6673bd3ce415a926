"""The record of Message-IDs an SMTP server accepted: a small SQLite file.

SMTP cannot be asked whether it already has a message, so the sender remembers: a
Message-ID goes into the ledger the moment the server accepts it (before QUIT), and a
retried send that finds it there sends nothing. The one window left is a crash between
the server's "250 OK" and this insert (microseconds); a crash anywhere after it, the
worker killed before the workflow recorded the step included, is safe.

All workers that send for one sender must share one ledger file (one host, or a shared
volume with working locks).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path


class SentLedger:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con, con:
            con.execute("pragma journal_mode=wal")
            con.execute(
                "create table if not exists sent_messages "
                "(message_id text primary key, recipient text, sent_at text)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def seen(self, message_id: str) -> bool:
        with closing(self._connect()) as con:
            row = con.execute(
                "select 1 from sent_messages where message_id = ?", (message_id,)
            ).fetchone()
        return row is not None

    def record(self, message_id: str, recipient: str) -> None:
        with closing(self._connect()) as con, con:
            con.execute(
                "insert or ignore into sent_messages values (?, ?, ?)",
                (message_id, recipient, datetime.now(UTC).isoformat()),
            )

    def count(self) -> int:
        with closing(self._connect()) as con:
            return con.execute("select count(*) from sent_messages").fetchone()[0]
