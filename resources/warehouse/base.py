"""What every warehouse is: the `Warehouse` interface the assets call, and what it returns.

Assets read and write whole polars frames through this resource rather than an IO
manager, because the ingest and normalize stages append (they process only new files),
later stages replace, and `contacts` upserts. Both implementations (`duckdb.py`,
`postgres.py`) see the same tables, the same SQL (`?` placeholders) and the same frames.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import dagster as dg
import polars as pl

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def check_identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain table or column name: {name!r}")
    return name


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert did, for the asset's metadata."""

    inserted: int
    updated: int
    unchanged: int
    deleted: int


class Warehouse(dg.ConfigurableResource):
    """The interface every warehouse implements (the assets call only these)."""

    @property
    def location(self) -> str:
        """Where the tables are, for display (never includes a password)."""
        raise NotImplementedError

    @contextmanager
    def session(self) -> Iterator[None]:
        """Calls made inside may share one connection (an asset making many small queries
        then opens the database once); a no-op where connections are cheap."""
        yield

    def table_exists(self, table: str) -> bool:
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
        """Run SQL with `?` placeholders; the result as a frame."""
        raise NotImplementedError

    def read_table(self, table: str) -> pl.DataFrame:
        return self.query(f"select * from {check_identifier(table)}")

    def row_count(self, table: str) -> int:
        raise NotImplementedError

    def replace_table(self, table: str, frame: pl.DataFrame) -> None:
        """Make the table hold exactly `frame`, atomically."""
        raise NotImplementedError

    def append_rows(self, table: str, frame: pl.DataFrame) -> None:
        """Append, creating the table from the frame's schema the first time."""
        raise NotImplementedError

    def append_many(
        self,
        frames: dict[str, pl.DataFrame],
        *,
        sql_after: Sequence[tuple[str, Sequence[Any]]] = (),
    ) -> None:
        """Append to several tables (and run bookkeeping statements) in one transaction."""
        raise NotImplementedError

    def write_many(
        self,
        *,
        replace: Mapping[str, pl.DataFrame] | None = None,
        append: Mapping[str, pl.DataFrame] | None = None,
        replace_rows: Mapping[str, tuple[pl.DataFrame, str]] | None = None,
    ) -> None:
        """Replace some tables, append to others and rewrite rows of others, in one
        transaction: every write lands, or (on any error) none does and each table stays
        as it was.

        Each write means what `replace_table` / `append_rows` / `replace_rows` (frame,
        key column) mean, table creation on the first write included. Replaces run first,
        then row rewrites, then appends, each in the mapping's order; a table may appear
        in only one of the three."""
        raise NotImplementedError

    def replace_rows(
        self, table: str, frame: pl.DataFrame, key: str, remove: Sequence[str] = ()
    ) -> None:
        """Delete the rows whose `key` is in `frame` or in `remove`, then append `frame`, in
        one transaction: an incremental run rewrites only the rows it recomputed. Creates
        the table from the frame the first time."""
        raise NotImplementedError

    def write_parts(
        self,
        table: str,
        parts: Iterable[pl.DataFrame],
        key: str | None = None,
        remove: Sequence[str] = (),
    ) -> int:
        """Write frames made one after another in one transaction, each written before the
        next is made, so only one is in memory (an error in making one rolls all back).
        Without `key` the table becomes exactly the parts (at least one); with `key`
        each part replaces the rows with its keys, the rows whose key is in `remove`
        go, and the others stay. Returns the rows written."""
        raise NotImplementedError

    def upsert(
        self,
        table: str,
        frame: pl.DataFrame,
        key: list[str],
        preserve: tuple[str, ...] = ("created_at",),
        *,
        delete_missing: bool = False,
        delete: Sequence[str] = (),
    ) -> UpsertResult:
        """Insert new keys, update changed rows (`updated_at` = now), keep `preserve` columns
        of existing rows; with `delete_missing`, delete rows whose key is not in `frame`;
        first delete the rows whose (one-column) key is in `delete`. One transaction."""
        raise NotImplementedError


def writes_by_table(
    replace: Mapping[str, pl.DataFrame] | None,
    append: Mapping[str, pl.DataFrame] | None,
    replace_rows: Mapping[str, tuple[pl.DataFrame, str]] | None = None,
) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame], dict[str, tuple[pl.DataFrame, str]]]:
    """`write_many`'s arguments checked: plain table and key names, each table written
    one way only."""
    replace, append, rows = dict(replace or {}), dict(append or {}), dict(replace_rows or {})
    for table in [*replace, *append, *rows]:
        check_identifier(table)
    for _, key in rows.values():
        check_identifier(key)
    both = sorted(set(replace) & set(append))
    if both:
        raise ValueError(
            f"write_many: {', '.join(both)} both replaced and appended; "
            "pass the final contents as one replace instead"
        )
    twice = sorted(set(rows) & (set(replace) | set(append)))
    if twice:
        raise ValueError(
            f"write_many: {', '.join(twice)} both rewritten by key and replaced or appended; "
            "pass the final contents as one replace instead"
        )
    return replace, append, rows


def is_postgres_url(url_or_path: str) -> bool:
    return url_or_path.strip().lower().startswith(POSTGRES_SCHEMES)
