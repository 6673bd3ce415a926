"""A fingerprint of a warehouse's resolution results, to prove a change left them alone.

    .venv/bin/python bench/fingerprint.py run FOLDER OUT.duckdb [--at 2026-12-01T00:00:00]
    .venv/bin/python bench/fingerprint.py show WAREHOUSE.duckdb [OTHER.duckdb]

`run` materializes the `contacts_refresh` job's assets (raw files to `contacts`) on
FOLDER/landing into a fresh OUT warehouse with the clock of the pipeline's modules
frozen at `--at`, so scores (whose freshness decays with the clock) come out the same on
every run; run it once with the code before a change (PYTHONPATH pointing at a copy of
it) and once after. `show` prints one hash per table (clusters, links, review queue, ID
history, golden contacts, scores, contacts) over its rows in a canonical order, leaving
out the columns that record when a run happened rather than what it found
(`clustered_at`, `created_at`...) and the stamps incremental runs compare (`built_at`,
`scored_at`, the digests). With a second warehouse it prints, per table, whether the two
agree and how many rows only one of them has, and exits 1 if any differ.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
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
# When a run happened, not what it found, and the bookkeeping of incremental runs (which
# version of a row was built from what).
TIME_COLUMNS = frozenset(
    {
        "clustered_at",
        "contact_created_at",
        "changed_at",
        "created_at",
        "updated_at",
        "built_at",
        "rules_digest",
        "golden_built_at",
        "scored_at",
        "weights_digest",
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


# The modules that read the clock for what they compute or stamp.
CLOCK_MODULES = (
    "bizdev_assets.golden.assets",
    "bizdev_assets.golden.survivorship",
    "bizdev_assets.quality.assets",
    "bizdev_assets.quality.scoring",
    "bizdev_assets.dedup.assets",
    "bizdev_assets.dedup.review",
    "resources.warehouse.duckdb",
)


def run_frozen(folder: Path, out: Path, at: datetime) -> None:
    """The contacts_refresh assets on folder/landing into a fresh `out`, clock frozen."""
    import importlib

    import dagster as dg

    from bizdev_assets.definitions import ASSETS
    from jobs.contacts import CONTACT_CHAIN  # not bench.pipeline: older code has no such helper
    from resources.settings import Settings, build_resources

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206 - datetime.now's own signature
            return at if tz is None else at.replace(tzinfo=UTC).astimezone(tz)

    for name in CLOCK_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "datetime", None) is datetime:
            module.datetime = Frozen
    out.unlink(missing_ok=True)
    settings = Settings(landing=str(folder / "landing"), warehouse=str(out))
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            ASSETS,
            selection=CONTACT_CHAIN,
            instance=instance,
            resources=build_resources(settings),
        )
    if not result.success:
        sys.exit("the run failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run")
    run.add_argument("folder", type=Path)
    run.add_argument("out", type=Path)
    run.add_argument("--at", type=datetime.fromisoformat, default=datetime(2026, 12, 1))
    show = commands.add_parser("show")
    show.add_argument("warehouse", type=Path)
    show.add_argument("other", type=Path, nargs="?")
    args = parser.parse_args()
    if args.command == "run":
        run_frozen(args.folder, args.out, args.at)
        args.warehouse, args.other = args.out, None
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
