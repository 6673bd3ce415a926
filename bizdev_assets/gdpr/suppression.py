"""The suppression list: erased subjects are not collected again.

`gdpr_suppressions` holds HMAC keys of every email and phone of each erased subject
(`identifiers.py`). Ingest and the CRM pull drop any incoming row whose text holds an
email or phone with a suppressed key, before the row is stored, and count the drops in
the run's metadata (`rows_suppressed`): a later file, CRM pull or API payload cannot
bring the person back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import polars as pl

from bizdev_assets.gdpr.identifiers import (
    EMAIL_PATTERN,
    MIN_PHONE_DIGITS,
    PHONE_PATTERN,
    emails_in,
    keyed_hash,
    phone_tail,
    phones_in,
)
from bizdev_assets.gdpr.sql import in_list
from resources.warehouse import Warehouse

SUPPRESSIONS_TABLE = "gdpr_suppressions"


def load_suppressions(warehouse: Warehouse) -> set[str]:
    if not warehouse.table_exists(SUPPRESSIONS_TABLE):
        return set()
    return set(
        warehouse.query(f"select suppression_key from {SUPPRESSIONS_TABLE}")["suppression_key"]
    )


def row_keys(text: str, key: bytes) -> set[str]:
    """The HMAC keys of every email and phone number a row's text holds."""
    keys = {keyed_hash(key, "email", e) for e in emails_in(text)}
    for phone in phones_in(text):
        tail = phone_tail(phone)
        if len(tail) >= MIN_PHONE_DIGITS:
            keys.add(keyed_hash(key, "phone", tail))
    return keys


def suppressed_mask(frame: pl.DataFrame, suppressed: set[str], key: bytes) -> pl.Series:
    """True for the rows of `frame` that hold a suppressed email or phone in any text
    column. Vectorised: the HMAC is computed once per distinct value, not per row."""
    text_columns = [c for c, t in frame.schema.items() if t == pl.String]
    if not suppressed or frame.height == 0 or not text_columns:
        return pl.Series([False] * frame.height, dtype=pl.Boolean)
    joined = pl.concat_str([pl.col(c).fill_null("") for c in text_columns], separator="\t")
    found = frame.select(
        emails=joined.str.extract_all(EMAIL_PATTERN).list.eval(pl.element().str.to_lowercase()),
        phones=joined.str.extract_all(PHONE_PATTERN).list.eval(
            pl.element().str.replace_all(r"\D", "").str.strip_prefix("00").str.slice(-9)
        ),
    )
    bad_emails = [
        e
        for e in found["emails"].explode().drop_nulls().unique()
        if keyed_hash(key, "email", e) in suppressed
    ]
    bad_tails = [
        t
        for t in found["phones"].explode().drop_nulls().unique()
        if len(t) >= MIN_PHONE_DIGITS and keyed_hash(key, "phone", t) in suppressed
    ]
    return (
        found.select(
            pl.col("emails").list.eval(pl.element().is_in(bad_emails)).list.any()
            | pl.col("phones").list.eval(pl.element().is_in(bad_tails)).list.any()
        )
        .to_series()
        .fill_null(False)
    )


def drop_suppressed(
    frame: pl.DataFrame, suppressed: set[str], secret: Callable[[], bytes]
) -> tuple[pl.DataFrame, int]:
    """`frame` without the rows of suppressed subjects (`load_suppressions`), and how
    many were dropped. The secret is only read when the suppression list is not empty."""
    if not suppressed or frame.height == 0:
        return frame, 0
    mask = suppressed_mask(frame, suppressed, secret())
    return frame.filter(~mask), int(mask.sum())


def add_suppressions(
    warehouse: Warehouse, keys: dict[str, str], request_id: str
) -> list[tuple[str, list[Any]]]:
    """Statements inserting the keys (key -> kind) not already suppressed."""
    existing = load_suppressions(warehouse)
    now = datetime.now(UTC).replace(tzinfo=None)
    return [
        (
            f"insert into {SUPPRESSIONS_TABLE} (suppression_key, kind, request_id, suppressed_at) "
            "values (?, ?, ?, ?)",
            [k, kind, request_id, now],
        )
        for k, kind in sorted(keys.items())
        if k not in existing
    ]


def is_suppressed(warehouse: Warehouse, keys: set[str]) -> bool:
    if not keys or not warehouse.table_exists(SUPPRESSIONS_TABLE):
        return False
    sql, params = in_list("suppression_key", keys)
    return (
        warehouse.query(f"select count(*) as n from {SUPPRESSIONS_TABLE} where {sql}", params)["n"][
            0
        ]
        > 0
    )
