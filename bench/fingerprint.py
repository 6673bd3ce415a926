"""A fingerprint of a warehouse's resolution results, to prove a change left them alone.

    .venv/bin/python bench/fingerprint.py WAREHOUSE.duckdb [OTHER.duckdb]

Prints one hash per table (clusters, links, review queue, ID history, golden contacts,
scores, contacts) over its rows in a canonical order, leaving out the columns that
record when a run happened rather than what it found (`clustered_at`, `created_at`...)
and `freshness`, which decays with the clock. With a second warehouse it prints, per
table, whether the two agree and how many rows only one of them has.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TABLES = (
    "contact_clusters",
    "contact_match_links",
    "match_review_queue",
    "contact_id_history",
    "golden_contacts",
    "contact_quality_scores",
    "contacts",
)
# When a run happened, not what it found; freshness is a function of the clock.
TIME_COLUMNS = frozenset(
    {
        "clustered_at",
        "contact_created_at",
        "changed_at",
        "created_at",
        "updated_at",
        "freshness",
        "golden_run_id",
    }
)


def _rows_sql(con, table: str) -> str | None:
    if not con.execute(
        "select 1 from information_schema.tables where table_name = ?", [table]
    ).fetchall():
        return None
    columns = [
        name for name, *_ in con.execute(f"describe {table}").fetchall() if name not in TIME_COLUMNS
    ]
    row = " || '|' || ".join(f"coalesce(cast(\"{c}\" as varchar), '<null>')" for c in columns)
    return f"select {row} as line from {table}"


def fingerprint(path: Path) -> dict[str, tuple[int, str]]:
    """table -> (rows, md5 of its sorted row lines)."""
    import duckdb

    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        for table in TABLES:
            rows = _rows_sql(con, table)
            if rows is None:
                continue
            n, digest = con.execute(
                f"select count(*), md5(coalesce(string_agg(line, chr(10) order by line), '')) "
                f"from ({rows})"
            ).fetchall()[0]
            out[table] = (n, digest)
    return out


def differences(left: Path, right: Path) -> dict[str, tuple[int, int]]:
    """table -> (rows only in left, rows only in right), compared as row lines."""
    import duckdb

    out = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        for table in TABLES:
            con.execute("use l")
            left_rows = _rows_sql(con, table)
            con.execute("use r")
            right_rows = _rows_sql(con, table)
            if left_rows is None or right_rows is None:
                continue
            left_rows = left_rows.replace(f"from {table}", f"from l.{table}")
            right_rows = right_rows.replace(f"from {table}", f"from r.{table}")
            only_left = con.execute(
                f"select count(*) from ({left_rows} except all {right_rows})"
            ).fetchall()[0][0]
            only_right = con.execute(
                f"select count(*) from ({right_rows} except all {left_rows})"
            ).fetchall()[0][0]
            out[table] = (only_left, only_right)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("other", type=Path, nargs="?")
    args = parser.parse_args()
    for table, (n, digest) in fingerprint(args.warehouse).items():
        print(f"{table:24} {n:>10,} {digest}")
    if args.other:
        diffs = differences(args.warehouse, args.other)
        for table, (left, right) in diffs.items():
            verdict = (
                "same" if left == right == 0 else f"{left:,} rows only left, {right:,} only right"
            )
            print(f"{table:24} {verdict}")
        if any(left or right for left, right in diffs.values()):
            sys.exit(1)


if __name__ == "__main__":
    main()
