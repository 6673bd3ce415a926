"""contact_clusters writes its four tables in one transaction: all of them or none.

`write_many` is checked on both warehouses with the tables the asset writes; then the
asset itself, on a warehouse whose links table can no longer take the run's rows.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import psycopg
import pytest

from bizdev_assets.dedup.cluster_run import CLUSTERS_TABLE, LINKS_TABLE
from bizdev_assets.dedup.review import QUEUE_TABLE
from bizdev_assets.dedup.stable_ids import HISTORY_TABLE
from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from resources.settings import Settings, build_resources
from resources.warehouse import DuckDBWarehouse, PostgresWarehouse, Warehouse

TABLES = (CLUSTERS_TABLE, HISTORY_TABLE, LINKS_TABLE, QUEUE_TABLE)
# What a write that the database (or the frame's conversion) refuses raises.
WRITE_ERRORS = (duckdb.Error, psycopg.Error, pl.exceptions.ComputeError, TypeError)
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request, tmp_path: Path) -> Warehouse:
    if request.param == "duckdb":
        return DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb"))
    return PostgresWarehouse(url=request.getfixturevalue("postgres_url"))


def clusters(*records: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"record_id": [r for r, _ in records], "contact_id": [c for _, c in records]}
    )


def history(*changes: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "old_contact_id": [old for old, _ in changes],
            "new_contact_id": [new for _, new in changes],
            "changed_at": [datetime(2026, 11, 2, 9, 30)] * len(changes),
        }
    )


def pairs(*links: tuple[str, str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "record_id_l": [left for left, _, _ in links],
            "record_id_r": [right for _, right, _ in links],
            "match_probability": [p for _, _, p in links],
        }
    )


def seed(warehouse: Warehouse) -> None:
    """The four tables as a previous clustering run left them."""
    warehouse.write_many(
        replace={
            CLUSTERS_TABLE: clusters(("r1", "c1"), ("r2", "c1"), ("r3", "c3")),
            LINKS_TABLE: pairs(("r1", "r2", 0.99)),
            QUEUE_TABLE: pairs(("r2", "r3", 0.6)),
        },
        append={HISTORY_TABLE: history(("c2", "c1"))},
    )


def snapshot(warehouse: Warehouse) -> dict[str, pl.DataFrame | None]:
    return {
        table: warehouse.read_table(table).sort(pl.all()) if warehouse.table_exists(table) else None
        for table in TABLES
    }


def assert_unchanged(before: dict, after: dict) -> None:
    assert before.keys() == after.keys()
    for table, frame in before.items():
        if frame is None:
            assert after[table] is None, f"{table} was created by a failed write"
        else:
            assert after[table].equals(frame), f"{table} changed by a failed write"


def test_one_call_creates_every_table_on_the_first_write(warehouse: Warehouse) -> None:
    seed(warehouse)
    after = snapshot(warehouse)
    assert after[CLUSTERS_TABLE]["record_id"].to_list() == ["r1", "r2", "r3"]
    assert after[HISTORY_TABLE]["old_contact_id"].to_list() == ["c2"]
    assert after[LINKS_TABLE].height == 1
    assert after[QUEUE_TABLE]["match_probability"].to_list() == [0.6]


def test_one_call_replaces_some_tables_and_appends_to_others(warehouse: Warehouse) -> None:
    seed(warehouse)
    warehouse.write_many(
        replace={
            CLUSTERS_TABLE: clusters(("r1", "c1"), ("r3", "c1"), ("r4", "c4")),
            QUEUE_TABLE: pairs(("r3", "r4", 0.55), ("r1", "r4", 0.5)).head(0),
        },
        append={
            HISTORY_TABLE: history(("c3", "c1")),
            LINKS_TABLE: pairs(("r1", "r3", 0.97)),
        },
    )
    after = snapshot(warehouse)
    assert after[CLUSTERS_TABLE].rows() == [("r1", "c1"), ("r3", "c1"), ("r4", "c4")]
    assert after[HISTORY_TABLE].select("old_contact_id", "new_contact_id").rows() == [
        ("c2", "c1"),
        ("c3", "c1"),
    ]
    assert after[LINKS_TABLE].select("record_id_l", "record_id_r").rows() == [
        ("r1", "r2"),
        ("r1", "r3"),
    ]
    assert after[QUEUE_TABLE].height == 0


def test_a_frame_that_does_not_fit_its_table_leaves_every_table_as_before(
    warehouse: Warehouse,
) -> None:
    seed(warehouse)
    before = snapshot(warehouse)
    # The last write fails, after the three replaces have run inside the transaction.
    unfit = history(("c3", "c1")).with_columns(pl.lit("half past nine").alias("changed_at"))
    with pytest.raises(WRITE_ERRORS):
        warehouse.write_many(
            replace={
                CLUSTERS_TABLE: clusters(("r9", "c9")),
                LINKS_TABLE: pairs(("r9", "r8", 0.9)),
                QUEUE_TABLE: pairs(),
            },
            append={HISTORY_TABLE: unfit},
        )
    assert_unchanged(before, snapshot(warehouse))
    # Nothing half-done stands in the way of the re-run.
    warehouse.write_many(
        replace={CLUSTERS_TABLE: clusters(("r9", "c9"))}, append={HISTORY_TABLE: history()}
    )
    assert snapshot(warehouse)[CLUSTERS_TABLE].rows() == [("r9", "c9")]


def test_a_failure_after_a_table_was_created_removes_it_again(warehouse: Warehouse) -> None:
    warehouse.replace_table(CLUSTERS_TABLE, clusters(("r1", "c1")))
    before = snapshot(warehouse)
    unwritable = pl.DataFrame(
        {"old_contact_id": ["c1"], "note": [object()]},
        schema={"old_contact_id": pl.String, "note": pl.Object},
    )
    with pytest.raises(WRITE_ERRORS):
        warehouse.write_many(
            replace={CLUSTERS_TABLE: clusters(("r2", "c2")), QUEUE_TABLE: pairs()},
            append={LINKS_TABLE: pairs(("r1", "r2", 0.9)), HISTORY_TABLE: unwritable},
        )
    assert_unchanged(before, snapshot(warehouse))


def test_views_on_the_tables_keep_working(warehouse: Warehouse) -> None:
    seed(warehouse)
    warehouse.query(
        f"create view contact_sizes as select contact_id, count(*) as n from {CLUSTERS_TABLE} group by contact_id"
    )
    warehouse.write_many(
        replace={CLUSTERS_TABLE: clusters(("r1", "c7"), ("r2", "c7"), ("r5", "c7"))},
        append={HISTORY_TABLE: history(("c1", "c7"))},
    )
    assert warehouse.query("select contact_id, n from contact_sizes").rows() == [("c7", 3)]


def test_a_table_both_replaced_and_appended_is_refused(warehouse: Warehouse) -> None:
    with pytest.raises(ValueError, match="contact_clusters both replaced and appended"):
        warehouse.write_many(
            replace={CLUSTERS_TABLE: clusters(("r1", "c1"))},
            append={CLUSTERS_TABLE: clusters(("r2", "c2"))},
        )
    assert not warehouse.table_exists(CLUSTERS_TABLE)


def cluster_run(
    settings: Settings, *, raise_on_error: bool = True, with_model: bool = False
) -> dg.ExecuteInProcessResult:
    model = ["contact_match_model"] if with_model else []
    with dg.instance_for_test() as instance:
        return dg.materialize(
            ASSETS,
            selection=[
                "raw_contact_files",
                "contacts_normalized",
                "contacts_quarantine",
                *model,
                "contact_clusters",
            ],
            instance=instance,
            resources=build_resources(settings),
            run_config=QUIET,
            raise_on_error=raise_on_error,
        )


def test_a_clustering_run_whose_links_cannot_be_written_changes_no_table(tmp_path: Path) -> None:
    generate_demo(tmp_path / "generated", tmp_path / "labels.csv", n_rows=600, seed=4)
    landing = tmp_path / "landing"
    later = "webform_submissions.ndjson"
    shutil.copytree(tmp_path / "generated", landing, ignore=shutil.ignore_patterns(later))
    settings = Settings(landing=str(landing), warehouse=str(tmp_path / "warehouse.duckdb"))
    # A saved model, so the next run links the new file incrementally (appends links);
    # without one, each run trains its own model and re-clusters everything.
    assert cluster_run(settings, with_model=True).success
    warehouse = DuckDBWarehouse(path=settings.warehouse)
    # The links table loses a column the next run writes: its append must fail.
    warehouse.query(f"alter table {LINKS_TABLE} rename column match_weight to weight_v1")
    before = snapshot(warehouse)

    shutil.copy(tmp_path / "generated" / later, landing / later)
    result = cluster_run(settings, raise_on_error=False)

    assert not result.success
    assert "match_weight" in str(result.failure_data_for_node("contact_clusters").error)
    assert_unchanged(before, snapshot(warehouse))
