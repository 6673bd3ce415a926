"""The API's own state: a SQLite file in `BIZDEV_API_STATE` (default `./data/api/`).

What lives here, and why not in the warehouse: API keys (hashed), idempotency keys and
the upload index (which batch and lines an upload id is, and where they were rolled up),
webhook deliveries waiting to be written to the warehouse, and the ids of deliveries
seen (replay protection). A DuckDB warehouse allows one writer process, the pipeline's:
writing these there on every request would take its lock hundreds of times a second.
SQLite in WAL mode lets the API write while `bizdev api key ...` reads or writes, and a
commit (fsync of the WAL) makes an idempotency key durable before its payload is written.
The payloads themselves are never here: they are in the landing zone.

Each thread gets its own connection (sqlite3 connections are not shared across threads).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
create table if not exists uploads (
    upload_id text primary key,
    client text not null,
    kind text not null,                -- contacts | file
    idempotency text unique,           -- sha256 of client, route and Idempotency-Key
    body_hash text not null,
    batch_id text,                     -- contacts: the spool batch holding its lines
    first_line integer,                -- contacts: its first line in the batch (1-based)
    records integer not null,
    landing_key text,                  -- file: where it landed
    filename text,
    state text not null,               -- writing | landed
    received_at real not null,
    response text                      -- the 202 body, replayed for a repeated key
);
create index if not exists uploads_batch on uploads (batch_id);
create table if not exists batches (
    batch_id text primary key,
    spool_key text not null,
    state text not null,               -- writing | landed | compacted
    rollup_key text,
    rollup_first_line integer,
    created_at real not null
);
create index if not exists batches_state on batches (state);
create table if not exists api_keys (
    key_id text primary key,
    name text not null,
    secret_sha256 text not null,
    scopes text not null,
    created_at real not null,
    last_used_at real,
    revoked_at real
);
create table if not exists webhook_outbox (
    id integer primary key autoincrement,
    target text not null,              -- crm_webhook_events | signal_inbox
    crm_type text,
    object_type text,
    payload text not null,
    received_at real not null,
    forwarded_at real,
    attempts integer not null default 0,
    last_error text
);
create index if not exists outbox_pending on webhook_outbox (forwarded_at);
create table if not exists webhook_seen (
    source text not null,
    key text not null,
    seen_at real not null,
    primary key (source, key)
);
"""


@dataclass(frozen=True)
class NewUpload:
    """An upload about to be written: its row in `uploads`."""

    upload_id: str
    client: str
    kind: str
    idempotency: str | None
    body_hash: str
    records: int
    response: str
    first_line: int | None = None
    landing_key: str | None = None
    filename: str | None = None


class StateDB:
    """The SQLite file and its tables; see the module docstring."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "api_state.sqlite"
        self._local = threading.local()
        self._connection().executescript(_SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            con.row_factory = sqlite3.Row
            con.execute("pragma journal_mode = wal")
            con.execute("pragma synchronous = full")  # a commit is on disk when it returns
            self._local.con = con
        return con

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        con = self._connection()
        con.execute("begin immediate")
        try:
            yield con
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self._connection().execute(sql, params).fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    # Uploads and batches

    def begin_batch(self, batch_id: str, spool_key: str, uploads: Iterable[NewUpload]) -> None:
        """The batch and its uploads, committed before a byte of it is written: a key seen
        again after a crash finds them, and the landing zone says whether they landed."""
        now = time.time()
        with self.transaction() as con:
            con.execute(
                "insert into batches (batch_id, spool_key, state, created_at) values (?,?,?,?)",
                (batch_id, spool_key, "writing", now),
            )
            _insert_uploads(con, uploads, batch_id, now)

    def begin_file(self, upload: NewUpload) -> None:
        with self.transaction() as con:
            _insert_uploads(con, [upload], None, time.time())

    def batch_landed(self, batch_id: str) -> None:
        with self.transaction() as con:
            con.execute(
                "update batches set state = 'landed' where batch_id = ? and state = 'writing'",
                (batch_id,),
            )
            con.execute("update uploads set state = 'landed' where batch_id = ?", (batch_id,))

    def file_landed(self, upload_id: str) -> None:
        with self.transaction() as con:
            con.execute("update uploads set state = 'landed' where upload_id = ?", (upload_id,))

    def forget_batch(self, batch_id: str) -> None:
        """A batch whose write failed: its uploads never happened (their keys are free)."""
        with self.transaction() as con:
            con.execute("delete from uploads where batch_id = ?", (batch_id,))
            con.execute("delete from batches where batch_id = ?", (batch_id,))

    def forget_upload(self, upload_id: str) -> None:
        with self.transaction() as con:
            con.execute("delete from uploads where upload_id = ?", (upload_id,))

    def batches_compacted(self, rollups: Iterable[tuple[str, str, int]]) -> None:
        """(batch id, rollup key, first line of the batch in the rollup) for each batch."""
        with self.transaction() as con:
            con.executemany(
                "update batches set state = 'compacted', rollup_key = ?, rollup_first_line = ? "
                "where batch_id = ?",
                [(key, line, batch) for batch, key, line in rollups],
            )
            con.executemany(
                "update uploads set state = 'landed' where batch_id = ?",
                [(batch,) for batch, _, _ in rollups],
            )

    def compacted(self, batch_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(batch_ids), 500):
            chunk = batch_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found |= {
                r["batch_id"]
                for r in self.rows(
                    f"select batch_id from batches where state = 'compacted' "
                    f"and batch_id in ({marks})",
                    chunk,
                )
            }
        return found

    def upload(self, upload_id: str) -> dict[str, Any] | None:
        return self.one(
            "select u.*, b.spool_key, b.state as batch_state, b.rollup_key, b.rollup_first_line "
            "from uploads u left join batches b using (batch_id) where u.upload_id = ?",
            (upload_id,),
        )

    def upload_by_key(self, idempotency: str) -> dict[str, Any] | None:
        found = self.one("select upload_id from uploads where idempotency = ?", (idempotency,))
        return self.upload(found["upload_id"]) if found else None

    def unfinished(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Batches and file uploads left `writing` by a process that stopped mid-write."""
        batches = self.rows("select * from batches where state = 'writing'")
        files = self.rows("select * from uploads where kind = 'file' and state = 'writing'")
        return batches, files

    # Replay protection

    def first_sighting(self, source: str, key: str, keep_seconds: float) -> bool:
        """Record a delivery's id (or signature); False when it was seen before."""
        now = time.time()
        with self.transaction() as con:
            con.execute("delete from webhook_seen where seen_at < ?", (now - keep_seconds,))
            cursor = con.execute(
                "insert or ignore into webhook_seen (source, key, seen_at) values (?,?,?)",
                (source, key, now),
            )
            return cursor.rowcount == 1


def _insert_uploads(
    con: sqlite3.Connection, uploads: Iterable[NewUpload], batch_id: str | None, now: float
) -> None:
    con.executemany(
        "insert into uploads (upload_id, client, kind, idempotency, body_hash, batch_id, "
        "first_line, records, landing_key, filename, state, received_at, response) "
        "values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                u.upload_id,
                u.client,
                u.kind,
                u.idempotency,
                u.body_hash,
                batch_id,
                u.first_line,
                u.records,
                u.landing_key,
                u.filename,
                "writing",
                now,
                u.response,
            )
            for u in uploads
        ],
    )
