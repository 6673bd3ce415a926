"""One clustering run without a warehouse: which path it takes, what it produces, and
which tables it replaces or appends to."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from bizdev_assets.dedup.cluster_run import (
    CLUSTERS_TABLE,
    LINKS_TABLE,
    ModeChoice,
    PreviousRun,
    StoredClustering,
    choose_mode,
    plan_clusters,
)
from bizdev_assets.dedup.review import DECISION_SCHEMA, QUEUE_TABLE
from bizdev_assets.dedup.stable_ids import HISTORY_TABLE, new_contact_id
from bizdev_assets.dedup.training import baseline_model

T0, T1 = datetime(2026, 1, 1), datetime(2026, 2, 1)
NO_DECISIONS = pl.DataFrame(schema=DECISION_SCHEMA)
FIRST_RUN = StoredClustering(assignment=None, review_queue=None, retired_ids=set())


def previous_run(**changes) -> PreviousRun:
    values = dict(
        model_version=1, clustered_at=T0, match_threshold=0.95, review_from=0.5,
        new_records=10, removed_records=0, total_records=1_000, decisions_since=0,
    )  # fmt: skip
    return PreviousRun(**(values | changes))


def mode(previous: PreviousRun | None, **kwargs) -> str:
    return choose_mode(previous, kwargs.pop("version", 1), 0.95, 0.5, **kwargs).mode


def test_a_small_drop_with_nothing_else_changed_is_linked_incrementally():
    choice = choose_mode(previous_run(), 1, 0.95, 0.5)
    assert choice == ModeChoice("incremental", "10 new of 1000 records", 10)


@pytest.mark.parametrize(
    ("previous", "kwargs"),
    [
        (None, {}),
        (previous_run(), {"full_refresh": True}),
        (previous_run(), {"version": 2}),
        (previous_run(match_threshold=0.9), {}),
        (previous_run(decisions_since=1), {}),
        (previous_run(removed_records=1), {}),
        (previous_run(new_records=201), {}),
    ],
    ids=["first", "asked", "new-model", "threshold", "decision", "removed", "big-drop"],
)
def test_anything_that_shaped_the_last_clustering_changing_forces_a_full_run(previous, kwargs):
    assert mode(previous, **kwargs) == "full"


# The columns these records have; the model reads the others as missing.
COLUMNS = ["record_id", "first_name", "last_name", "email_match_key", "is_free_email",
           "email_domain", "phone", "mobile", "company_key", "city", "title"]  # fmt: skip


def people() -> pl.DataFrame:
    rows = [
        ("r1", "Anna", "Berg", "a.berg@nordwind.de", "nordwind"),
        ("r2", "Anna", "Berg", "a.berg@nordwind.de", "nordwind"),
        ("r3", "Carl", "Dahl", "c.dahl@eastwind.se", "eastwind"),
        ("r4", "Eva", "Falk", "eva.falk@southwind.no", "southwind"),
    ]
    return pl.DataFrame(
        [
            {
                "record_id": record_id, "first_name": first, "last_name": last,
                "email_match_key": email, "is_free_email": False,
                "email_domain": email.split("@")[1], "phone": None, "mobile": None,
                "company_key": company, "city": "Oslo", "title": None,
            }
            for record_id, first, last, email, company in rows
        ],
        schema={c: pl.Boolean if c == "is_free_email" else pl.String for c in COLUMNS},
    )  # fmt: skip


def cluster(normalized: pl.DataFrame, choice: ModeChoice, stored: StoredClustering, now):
    model = baseline_model(normalized.height)
    return plan_clusters(normalized, model, 3, NO_DECISIONS, choice, stored, now, 0.95, 0.5)


@pytest.fixture(scope="module")
def first_run():
    return cluster(people(), ModeChoice("full", "first", None), FIRST_RUN, T0)


def test_a_full_run_clusters_every_record_and_stamps_the_run_parameters(first_run):
    assert first_run.complete and first_run.records == 4
    clusters = first_run.clusters.sort("record_id")
    by_record = dict(clusters.select("record_id", "contact_id").iter_rows())
    assert by_record["r1"] == by_record["r2"] == new_contact_id("r1")
    assert len(set(by_record.values())) == 3
    assert clusters["model_version"].unique().to_list() == [3]
    assert clusters["clustered_at"].unique().to_list() == [T0]
    assert clusters["match_threshold"].unique().to_list() == [0.95]
    assert clusters["review_from"].unique().to_list() == [0.5]


def test_a_full_run_replaces_the_links_and_appends_no_history_when_none(first_run):
    replace, append, rows = first_run.tables()
    assert list(replace) == [QUEUE_TABLE, CLUSTERS_TABLE, LINKS_TABLE]
    assert append == {} and rows == {}


def test_an_incremental_run_links_the_new_record_and_keeps_every_contact_id(first_run):
    grown = pl.concat([people(), people().filter(pl.col("record_id") == "r3").with_columns(
        record_id=pl.lit("r5"))])  # fmt: skip
    stored = StoredClustering(
        assignment=first_run.clusters.select(
            "record_id", "cluster_id", "contact_id", "contact_created_at"
        ),
        review_queue=first_run.review,
        retired_ids=set(),
    )
    run = cluster(grown, ModeChoice("incremental", "1 new", 1), stored, T1)
    assert run.complete and run.mode == "incremental"
    before = dict(first_run.clusters.select("record_id", "contact_id").iter_rows())
    after = dict(run.clusters.select("record_id", "contact_id").iter_rows())
    assert {k: after[k] for k in before} == before
    assert after["r5"] == after["r3"]
    replace, append, rows = run.tables()
    assert LINKS_TABLE not in replace and list(append) == [LINKS_TABLE]
    assert HISTORY_TABLE not in append
    # Only the rows of the cluster r5 joined are rewritten; r1, r2 and r4 stay as written.
    rewritten, key = rows[CLUSTERS_TABLE]
    assert key == "record_id" and CLUSTERS_TABLE not in replace
    assert sorted(rewritten["record_id"]) == ["r3", "r5"]
