"""One batch of new raw rows, split into normalized and quarantined rows, with the files
whose rows break the pandera contract held back.

Kept apart from the asset (which reads the pending rows and writes the result) so the
split and the contract decision can be checked on a frame. A file is held back whole:
none of its rows is stored, it stays pending in `landing_file_log`, and the operator is
told which contract rule it broke.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import polars as pl

from bizdev_assets.ingest.canonical import RAW_COLUMNS
from bizdev_assets.normalize.columns import NORMALIZED_COLUMNS, QUARANTINE_COLUMNS
from bizdev_assets.normalize.contacts import normalize_contacts
from bizdev_assets.normalize.schema import validate_normalized

CHUNK_ROWS = 250_000


@dataclass(frozen=True)
class NormalizedBatch:
    """What to store from one batch, and which files were held back and why."""

    normalized: pl.DataFrame  # NORMALIZED_COLUMNS, rows of the files that passed
    quarantined: pl.DataFrame  # QUARANTINE_COLUMNS (without quarantined_at)
    failures: dict[str, list[str]]  # source_file -> pandera failures, for held-back files
    file_hashes: list[str]  # the files stored: to be marked normalized

    @property
    def held_back(self) -> list[str]:
        return list(self.failures)


def normalize_batch(raw: pl.DataFrame) -> NormalizedBatch:
    """Raw rows (of `raw_contact_files`) -> the rows to store and the files to mark done."""
    if raw.is_empty():
        return NormalizedBatch(
            pl.DataFrame(schema=NORMALIZED_COLUMNS), pl.DataFrame(schema=QUARANTINE_COLUMNS), {}, []
        )
    normalized, quarantined = split_batch(raw)
    failures = contract_failures_by_file(normalized)
    held_back = list(failures)
    if held_back:
        normalized = normalized.filter(~pl.col("source_file").is_in(held_back))
        quarantined = quarantined.filter(~pl.col("source_file").is_in(held_back))
        raw = raw.filter(~pl.col("source_file").is_in(held_back))
    file_hashes = raw["file_hash"].unique().to_list() if not raw.is_empty() else []
    return NormalizedBatch(normalized, quarantined, failures, file_hashes)


def split_batch(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Raw rows -> (normalized, quarantined): unreadable lines and unusable rows go to
    quarantine, every other row is normalized, CHUNK_ROWS at a time (every rule is a
    rule on one row, so chunks change no result; the memory they need stays bounded)."""
    readable = raw.filter(pl.col("read_error").is_null()).select(RAW_COLUMNS)
    chunks = [normalize_contacts(c) for c in readable.iter_slices(CHUNK_ROWS)]
    normalized, quarantined = normalize_contacts(readable) if not chunks else chunks[0]
    if len(chunks) > 1:
        normalized = pl.concat([n for n, _ in chunks])
        quarantined = pl.concat([q for _, q in chunks])
    quarantined = pl.concat([quarantine_unreadable(raw), quarantined.cast(QUARANTINE_COLUMNS)])
    return normalized, quarantined


@dataclass
class BatchTotals:
    """What the batches of one run (one per file) stored, added up as they come, for the
    checks and the metadata: the batches themselves are not kept."""

    normalized: int = 0
    quarantined: int = 0
    failures: dict[str, list[str]] = field(default_factory=dict)
    previews: list[pl.DataFrame] = field(default_factory=list)  # first rows of each kind
    reasons: list[pl.DataFrame] = field(default_factory=list)  # reason, rows

    def add(self, batch: NormalizedBatch) -> None:
        self.normalized += batch.normalized.height
        self.quarantined += batch.quarantined.height
        self.failures |= batch.failures
        if not self.previews:  # copies: a slice would keep the whole batch in memory
            self.previews = [
                pl.DataFrame(f.head(5).rows(), schema=f.schema, orient="row")
                for f in (batch.normalized, batch.quarantined)
            ]
        self.reasons.append(batch.quarantined.group_by("reason").len("rows"))


def quarantine_unreadable(raw: pl.DataFrame) -> pl.DataFrame:
    """Lines the reader could not parse, in the quarantine's shape."""
    bad = raw.filter(pl.col("read_error").is_not_null())
    return bad.select(
        "file_hash",
        "source_file",
        "source_sheet",
        "source_row",
        pl.col("read_error").alias("reason"),
        pl.col("attributes")
        .map_elements(lambda a: json.loads(a).get("_raw_line"), return_dtype=pl.String)
        .alias("raw_content"),
    ).cast(QUARANTINE_COLUMNS)


def contract_failures_by_file(normalized: pl.DataFrame) -> dict[str, list[str]]:
    """source_file -> pandera failures, for the files whose rows break the contract."""
    failures = {}
    for (source_file,), part in normalized.group_by("source_file"):
        problems = validate_normalized(part)
        if problems:
            failures[source_file] = problems
    return failures
