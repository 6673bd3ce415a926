"""Both warehouses rewrite part of a table in one transaction: `replace_rows` (and
`write_many(replace_rows=...)`) for the rows an incremental run recomputed,
`upsert(delete=...)` for contacts that left; a DuckDB session shares one connection."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from resources.warehouse import DuckDBWarehouse, PostgresWarehouse, Warehouse


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request, tmp_path: Path) -> Warehouse:
    if request.param == "duckdb":
        return DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    return PostgresWarehouse(url=request.getfixturevalue("postgres_url"))


def scores(ids: list[str], value: float) -> pl.DataFrame:
    return pl.DataFrame({"contact_id": ids, "quality_score": [value] * len(ids)})


def test_replace_rows_rewrites_the_given_keys_drops_the_removed_and_keeps_the_rest(
    warehouse: Warehouse,
) -> None:
    warehouse.replace_table("contact_quality_scores", scores(["a", "b", "c", "d"], 0.1))
    warehouse.replace_rows(
        "contact_quality_scores", scores(["b", "e"], 0.9), key="contact_id", remove=["d"]
    )
    after = warehouse.read_table("contact_quality_scores").sort("contact_id")
    assert after.rows() == [("a", 0.1), ("b", 0.9), ("c", 0.1), ("e", 0.9)]


def test_replace_rows_creates_a_missing_table(warehouse: Warehouse) -> None:
    warehouse.replace_rows("contact_quality_scores", scores(["a"], 0.5), key="contact_id")
    assert warehouse.read_table("contact_quality_scores").rows() == [("a", 0.5)]


def test_a_failing_replace_rows_leaves_the_table_as_it_was(warehouse: Warehouse) -> None:
    warehouse.replace_table("contact_quality_scores", scores(["a", "b"], 0.1))
    wrong_type = pl.DataFrame({"contact_id": ["a"], "quality_score": ["not a number"]})
    with pytest.raises(Exception):  # noqa: B017 - each database raises its own error type
        warehouse.replace_rows("contact_quality_scores", wrong_type, key="contact_id")
    after = warehouse.read_table("contact_quality_scores").sort("contact_id")
    assert after.rows() == [("a", 0.1), ("b", 0.1)]


def test_upsert_deletes_the_given_keys_before_another_row_takes_their_unique_email(
    warehouse: Warehouse,
) -> None:
    if isinstance(warehouse, PostgresWarehouse):
        warehouse.migrate()
    first = pl.DataFrame(
        {
            "id": ["00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"],
            "email": ["x@example.com", "y@example.com"],
        }
    )
    warehouse.upsert("contacts", first, key=["id"])
    # b merged into a: a takes b's address in the same write that removes b.
    second = first.head(1).with_columns(pl.lit("y@example.com").alias("email"))
    result = warehouse.upsert("contacts", second, key=["id"], delete=[first["id"][1]])
    assert (result.updated, result.deleted) == (1, 1)
    after = warehouse.query("select cast(id as varchar) as id, email from contacts")
    assert after.rows() == [("00000000-0000-0000-0000-00000000000a", "y@example.com")]


def test_write_many_rewrites_rows_by_key_in_the_same_transaction_as_the_other_writes(
    warehouse: Warehouse,
) -> None:
    clusters = pl.DataFrame({"record_id": ["r1", "r2", "r3"], "cluster_id": ["r1", "r1", "r3"]})
    warehouse.replace_table("contact_clusters", clusters)
    warehouse.append_rows("contact_id_history", pl.DataFrame({"old": ["a"], "n": [1]}))
    moved = pl.DataFrame({"record_id": ["r2", "r4"], "cluster_id": ["r2", "r2"]})
    broken = pl.DataFrame({"old": ["b"], "n": ["not a number"]})
    with pytest.raises(Exception):  # noqa: B017 - each database raises its own error type
        warehouse.write_many(
            replace_rows={"contact_clusters": (moved, "record_id")},
            append={"contact_id_history": broken},
        )
    assert warehouse.read_table("contact_clusters").sort("record_id").equals(clusters)

    warehouse.write_many(
        replace_rows={"contact_clusters": (moved, "record_id")},
        append={"contact_id_history": pl.DataFrame({"old": ["b"], "n": [2]})},
    )
    after = warehouse.read_table("contact_clusters").sort("record_id")
    assert after.rows() == [("r1", "r1"), ("r2", "r2"), ("r3", "r3"), ("r4", "r2")]
    assert warehouse.row_count("contact_id_history") == 2


def test_calls_in_a_duckdb_session_share_one_connection_and_a_failed_write_rolls_back(
    tmp_path: Path,
) -> None:
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.replace_table("contact_quality_scores", scores(["a", "b"], 0.1))
    with warehouse.session():
        with warehouse.connect() as first, warehouse.connect() as second:
            assert first is second
        wrong_type = pl.DataFrame({"contact_id": ["a"], "quality_score": ["not a number"]})
        with pytest.raises(Exception):  # noqa: B017 - DuckDB's conversion error
            warehouse.replace_rows("contact_quality_scores", wrong_type, key="contact_id")
        warehouse.replace_rows("contact_quality_scores", scores(["b"], 0.7), key="contact_id")
    after = warehouse.read_table("contact_quality_scores").sort("contact_id")
    assert after.rows() == [("a", 0.1), ("b", 0.7)]


def test_write_parts_replaces_the_table_with_parts_made_one_after_another(
    warehouse: Warehouse,
) -> None:
    warehouse.replace_table("contact_quality_scores", scores(["old"], 0.3))
    parts = (scores([f"p{n}a", f"p{n}b"], n / 10) for n in range(3))
    assert warehouse.write_parts("contact_quality_scores", parts) == 6
    after = warehouse.read_table("contact_quality_scores").sort("contact_id")
    assert after["contact_id"].to_list() == ["p0a", "p0b", "p1a", "p1b", "p2a", "p2b"]


def test_write_parts_by_key_replaces_and_removes_rows_and_keeps_the_rest(
    warehouse: Warehouse,
) -> None:
    warehouse.replace_table("contact_quality_scores", scores(["a", "b", "c", "d"], 0.1))
    parts = [scores(["a", "x"], 0.8), scores(["c"], 0.9)]
    warehouse.write_parts("contact_quality_scores", parts, key="contact_id", remove=["d"])
    after = warehouse.read_table("contact_quality_scores").sort("contact_id")
    assert after.rows() == [("a", 0.8), ("b", 0.1), ("c", 0.9), ("x", 0.8)]


@pytest.mark.parametrize("key", [None, "contact_id"])
def test_a_part_that_fails_to_be_made_rolls_back_the_parts_already_written(
    warehouse: Warehouse, key: str | None
) -> None:
    warehouse.replace_table("contact_quality_scores", scores(["a", "b"], 0.1))

    def parts():
        yield scores(["a", "c"], 0.5)
        raise RuntimeError("the second part could not be built")

    with pytest.raises(RuntimeError, match="second part"):
        warehouse.write_parts("contact_quality_scores", parts(), key=key)
    after = warehouse.read_table("contact_quality_scores").sort("contact_id")
    assert after.rows() == [("a", 0.1), ("b", 0.1)]
    assert not warehouse.table_exists("contact_quality_scores__parts")


def test_a_side_table_a_crash_left_behind_does_not_reach_the_next_write(tmp_path: Path):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.replace_table("contact_quality_scores__parts", scores(["stale"], 0.9))
    warehouse.write_parts("contact_quality_scores", [scores(["a"], 0.1), scores(["b"], 0.2)])
    after = warehouse.read_table("contact_quality_scores").sort("contact_id")
    assert after.rows() == [("a", 0.1), ("b", 0.2)]
    assert not warehouse.table_exists("contact_quality_scores__parts")
