"""The ADR-013 `contacts` table: derived from golden contacts, upserted, email kept unique."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from bizdev_assets.golden.assets import contacts
from bizdev_assets.golden.columns import GOLDEN_COLUMNS
from bizdev_assets.golden.contacts_table import CONTACTS_COLUMNS, adr_contacts
from resources.warehouse import DuckDBWarehouse, PostgresWarehouse, Warehouse
from resources.warehouse.migrations import upgrade_database


def _id(n: int) -> str:
    return f"00000000-0000-0000-0000-{n:012d}"


def golden_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(
        [{c: row.get(c) for c in GOLDEN_COLUMNS} for row in rows], schema=GOLDEN_COLUMNS
    )


def scores_frame(scores: dict[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {"contact_id": list(scores), "quality_score": list(scores.values())}
    ).with_columns(pl.col("quality_score").cast(pl.Decimal(3, 2)))


def test_a_shared_email_stays_with_the_best_scored_contact() -> None:
    golden = golden_frame(
        [
            {"contact_id": _id(1), "email": "a@x.com", "record_count": 5},
            {"contact_id": _id(2), "email": "a@x.com", "record_count": 1},
            {"contact_id": _id(3), "email": "b@x.com", "record_count": 1},
            {"contact_id": _id(4), "email": "b@x.com", "record_count": 2},
            {"contact_id": _id(5), "email": "c@x.com", "record_count": 1},
            {"contact_id": _id(6), "email": "c@x.com", "record_count": 1},
            {"contact_id": _id(7), "email": None, "record_count": 1},
        ]
    )
    scores = scores_frame({_id(1): 0.5, _id(2): 0.9, _id(3): 0.7, _id(4): 0.7, _id(5): 0.6})
    frame, nulled = adr_contacts(golden, scores)
    emails = dict(zip(frame["id"], frame["email"], strict=True))
    assert emails == {
        _id(1): None,  # a lower score loses, whatever the record count
        _id(2): "a@x.com",
        _id(3): None,
        _id(4): "b@x.com",  # same score: more records wins
        _id(5): "c@x.com",  # a scored contact beats an unscored one
        _id(6): None,
        _id(7): None,
    }
    assert nulled == 3
    shuffled, again = adr_contacts(golden.sample(fraction=1, shuffle=True, seed=1), scores)
    assert shuffled.equals(frame) and again == nulled


def test_contacts_rows_have_the_adr_columns_and_lengths() -> None:
    golden = golden_frame(
        [
            {
                "contact_id": _id(1),
                "cluster_id": "c1",
                "email": "x" * 300,
                "first_name": "F" * 120,
                "last_name": "Ł" * 101,
                "mobile": "+4915112345678",
                "gdpr_consent": None,
                "gdpr_consent_date": datetime(2025, 1, 2, 3, 4, 5),
                "record_count": 1,
            }
        ]
    )
    frame, _ = adr_contacts(golden, scores_frame({_id(1): 0.83}))
    assert frame.schema == pl.Schema(CONTACTS_COLUMNS)
    row = frame.row(0, named=True)
    assert (len(row["email"]), len(row["first_name"]), len(row["last_name"])) == (255, 100, 100)
    assert row["phone"] == "+4915112345678" and row["gdpr_consent"] is False
    assert str(row["quality_score"]) == "0.83"


def _seed(warehouse: Warehouse, golden: pl.DataFrame, scores: pl.DataFrame) -> None:
    warehouse.replace_table("golden_contacts", golden)
    warehouse.replace_table("contact_quality_scores", scores)


def _materialize(warehouse: Warehouse) -> dict:
    result = dg.materialize([contacts], resources={"warehouse": warehouse})
    assert result.success
    event = result.get_asset_materialization_events()[0]
    return {k: v.value for k, v in event.materialization.metadata.items()}


@pytest.fixture(params=["postgres", "duckdb"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Warehouse:
    if request.param == "duckdb":
        return DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    url = request.getfixturevalue("postgres_url")
    upgrade_database(url)
    return PostgresWarehouse(url=url)


def test_the_contacts_asset_upserts_and_removes_contacts_no_longer_golden(
    warehouse: Warehouse,
) -> None:
    people = [
        {"contact_id": _id(1), "email": "a@x.com", "first_name": "Ann", "record_count": 1},
        {"contact_id": _id(2), "email": "b@x.com", "first_name": "Bob", "record_count": 1},
        {"contact_id": _id(3), "email": "a@x.com", "first_name": "Al", "record_count": 1},
    ]
    _seed(warehouse, golden_frame(people), scores_frame({_id(1): 0.9, _id(2): 0.5, _id(3): 0.1}))
    first = _materialize(warehouse)
    assert (first["inserted"], first["emails_nulled"]) == (3, 1)
    before = warehouse.read_table("contacts").sort("id")

    # Bob leaves, Al's score rises above Ann's: the email moves within one upsert.
    people[0]["first_name"] = "Anne"
    _seed(
        warehouse,
        golden_frame([people[0], people[2]]),
        scores_frame({_id(1): 0.2, _id(3): 0.95}),
    )
    second = _materialize(warehouse)
    assert (second["inserted"], second["updated"], second["deleted"]) == (0, 2, 1)
    after = warehouse.read_table("contacts").sort("id")
    assert after["id"].to_list() == [_id(1), _id(3)]
    assert after["email"].to_list() == [None, "a@x.com"]
    assert after["first_name"].to_list() == ["Anne", "Al"]
    kept = before.filter(pl.col("id") != _id(2))
    assert after["created_at"].to_list() == kept["created_at"].to_list()
    assert all(a > b for a, b in zip(after["updated_at"], kept["updated_at"], strict=True))

    third = _materialize(warehouse)
    assert (third["inserted"], third["updated"], third["unchanged"]) == (0, 0, 2)
    assert warehouse.read_table("contacts").sort("id")["updated_at"].equals(after["updated_at"])
