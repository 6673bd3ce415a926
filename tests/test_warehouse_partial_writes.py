"""Both warehouses rewrite part of a table in one transaction: `replace_rows` for the rows
an incremental run recomputed, `upsert(delete=...)` for contacts that left."""

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
