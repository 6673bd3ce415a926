"""The review queue (pairs the model is unsure of) and people's match decisions.

`match_review_queue` holds pairs whose match probability falls in the review band,
with each comparison's match weight so a reviewer sees why. A reviewer's verdict goes
into `match_decisions` (must_link / cannot_link, by whom, when), through
`bizdev review decide` or a CSV file (`bizdev review import`), and the next clustering
run honours it: a cannot-link pair is never merged again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from bizdev_assets.dedup.graph import canonical_pairs

QUEUE_TABLE = "match_review_queue"
DECISIONS_TABLE = "match_decisions"
DECISIONS = ("must_link", "cannot_link")

DECISION_SCHEMA = {
    "record_id_l": pl.String,
    "record_id_r": pl.String,
    "decision": pl.String,
    "decided_by": pl.String,
    "decided_at": pl.Datetime("us"),
    "note": pl.String,
}


def review_queue(
    scored: pl.DataFrame, low: float, high: float, decisions: pl.DataFrame
) -> pl.DataFrame:
    """Pairs with low <= match_probability < high that nobody has decided yet."""
    band = canonical_pairs(scored).filter(pl.col("match_probability").is_between(low, high, "left"))
    decided = canonical_pairs(decisions).select("record_id_l", "record_id_r")
    return band.join(decided, on=["record_id_l", "record_id_r"], how="anti").sort(
        "match_probability", descending=True
    )


def decision_rows(
    pairs: list[tuple[str, str]], decision: str, decided_by: str, note: str | None = None
) -> pl.DataFrame:
    """Validated decision rows, ready to append to `match_decisions`."""
    frame = pl.DataFrame(
        {
            "record_id_l": [left for left, _ in pairs],
            "record_id_r": [right for _, right in pairs],
            "decision": [decision] * len(pairs),
            "decided_by": [decided_by] * len(pairs),
            "note": [note] * len(pairs),
        },
        schema={k: v for k, v in DECISION_SCHEMA.items() if k != "decided_at"},
    )
    return _validated(frame, "decision")


def decisions_from_csv(path: Path) -> pl.DataFrame:
    """A reviewer's file: record_id_l, record_id_r, decision, decided_by[, note]."""
    frame = pl.read_csv(path, infer_schema=False)
    missing = {"record_id_l", "record_id_r", "decision", "decided_by"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    if "note" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("note"))
    return _validated(frame, str(path))


def _validated(frame: pl.DataFrame, origin: str) -> pl.DataFrame:
    """Check every row (naming the line for files) and stamp the decision time."""
    for line, row in enumerate(frame.iter_rows(named=True), start=2):
        where = f"{origin}: line {line}" if origin.endswith(".csv") else origin
        if row["decision"] not in DECISIONS:
            raise ValueError(
                f"{where}: decision must be one of {', '.join(DECISIONS)}, not {row['decision']!r}"
            )
        if not (row["decided_by"] or "").strip():
            raise ValueError(f"{where}: say who decided (decided_by), so it can be audited")
        if not row["record_id_l"] or row["record_id_l"] == row["record_id_r"]:
            raise ValueError(f"{where}: a decision needs two different record_ids")
    now = datetime.now(UTC).replace(tzinfo=None)
    return canonical_pairs(
        frame.with_columns(pl.lit(now).alias("decided_at")).select(list(DECISION_SCHEMA))
    ).cast(DECISION_SCHEMA)


def latest_decisions(decisions: pl.DataFrame) -> pl.DataFrame:
    """The most recent decision per pair (a reviewer may change their mind)."""
    if decisions.is_empty():
        return pl.DataFrame(schema=DECISION_SCHEMA)
    return (
        canonical_pairs(decisions)
        .sort("decided_at")
        .group_by("record_id_l", "record_id_r", maintain_order=True)
        .last()
    )
