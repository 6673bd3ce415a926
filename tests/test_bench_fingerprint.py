"""bench/fingerprint.py: the evidence that an optimisation left the results alone."""

from datetime import datetime
from pathlib import Path

import duckdb

from bench.fingerprint import differences, fingerprint


def _warehouse(path: Path, rows: list[tuple[str, str, datetime]]) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table contact_clusters "
            "(record_id varchar, cluster_id varchar, clustered_at timestamp)"
        )
        con.executemany("insert into contact_clusters values (?, ?, ?)", rows)
    return path


def test_tables_that_differ_only_in_row_order_and_run_times_fingerprint_the_same(tmp_path):
    early, late = datetime(2026, 12, 1), datetime(2026, 12, 2)
    left = _warehouse(tmp_path / "l.duckdb", [("r1", "c1", early), ("r2", "c1", early)])
    right = _warehouse(tmp_path / "r.duckdb", [("r2", "c1", late), ("r1", "c1", late)])

    assert fingerprint(left) == fingerprint(right)
    assert differences(left, right) == {"contact_clusters": (0, 0)}


def test_a_record_placed_in_another_cluster_is_counted_on_both_sides(tmp_path):
    moment = datetime(2026, 12, 1)
    left = _warehouse(tmp_path / "l.duckdb", [("r1", "c1", moment), ("r2", "c1", moment)])
    right = _warehouse(tmp_path / "r.duckdb", [("r1", "c1", moment), ("r2", "c2", moment)])

    assert fingerprint(left) != fingerprint(right)
    assert differences(left, right) == {"contact_clusters": (1, 1)}
