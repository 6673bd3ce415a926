"""Which model a training run saves: one learnt from the table whenever the table can
train one (5,000 rows do), the shipped model with a stricter threshold and the reason
when it cannot, and never a failed run."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from bizdev_assets.dedup.clustering import cluster_contacts
from bizdev_assets.dedup.evaluation import pairwise_scores, truth_for_records
from bizdev_assets.dedup.stored_model import DEFAULT_MATCH_THRESHOLD, match_threshold
from bizdev_assets.dedup.training import (
    BASELINE_MODEL,
    BASELINE_TRAINING_RECORDS,
    FALLBACK_MATCH_THRESHOLD,
    baseline_model,
    fit_match_model,
)
from bizdev_assets.demo.generator import generate_demo
from bizdev_assets.ingest.file_outcome import RAW_TABLE
from resources.warehouse import DuckDBWarehouse
from tests.dedup_support import materialize_ingest_and_normalize, normalized_of

PRIOR = "probability_two_random_records_match"


def test_a_table_too_small_to_learn_from_gets_the_shipped_model_and_a_stricter_threshold():
    fit = fit_match_model(pl.DataFrame({"record_id": ["a", "b"], "first_name": ["Ann", "Bo"]}))
    assert (fit.origin, fit.training_records) == ("baseline", 2)
    assert match_threshold(fit.model) == FALLBACK_MATCH_THRESHOLD > DEFAULT_MATCH_THRESHOLD
    assert "too few to learn from" in fit.notes[0]
    assert fit.settings[PRIOR] == baseline_model(2)[PRIOR]


def test_the_baseline_prior_falls_as_the_table_grows_and_stays_at_most_a_half():
    shipped = json.loads(BASELINE_MODEL.read_text())[PRIOR]
    assert baseline_model(BASELINE_TRAINING_RECORDS)[PRIOR] == pytest.approx(shipped)
    assert baseline_model(2 * BASELINE_TRAINING_RECORDS)[PRIOR] == pytest.approx(shipped / 2)
    assert baseline_model(1)[PRIOR] <= 0.5


@pytest.fixture(scope="module")
def demo_5k(tmp_path_factory) -> tuple[pl.DataFrame, pl.DataFrame]:
    folder = tmp_path_factory.mktemp("demo5k")
    demo = generate_demo(folder / "landing", folder / "labels.csv", n_rows=5_000, seed=11)
    warehouse = materialize_ingest_and_normalize(folder / "landing", folder / "w.duckdb")
    labels = pl.read_csv(demo.labels_path, schema_overrides={"source_sheet": pl.String})
    return normalized_of(warehouse), labels


def test_five_thousand_rows_train_a_model_of_their_own_that_resolves_them(demo_5k):
    normalized, labels = demo_5k
    fit = fit_match_model(normalized)

    assert fit.origin == "trained" and match_threshold(fit.model) == DEFAULT_MATCH_THRESHOLD
    clusters = cluster_contacts(normalized, fit.settings).clusters
    scores = pairwise_scores(clusters, truth_for_records(normalized, labels))
    # Measured 2026-12-02: precision 0.99x, recall 0.9xx on this set.
    assert scores.precision >= 0.99 and scores.recall >= 0.9, scores


def test_the_saved_row_holds_numbers_and_labels_but_no_sql(demo_5k):
    fit = fit_match_model(demo_5k[0])
    row = fit.saved_row(4, datetime(2026, 12, 1)).row(0, named=True)

    assert row["version"] == 4 and row["origin"] == "trained"
    assert row["trained_at"] == datetime(2026, 12, 1) and row["training_records"] == 5_000 - 25
    assert json.loads(row["model_json"]) == fit.model
    assert "sql_condition" not in row["model_json"] and "blocking_rule" not in row["model_json"]


def no_shared_fact_rows(n: int = 25_000) -> str:
    """Issue 18's list: distinct names and addresses, 500 surnames, 900 firms."""
    return "first_name,last_name,email,company\n" + "".join(
        f"Ann{i},Lee{i % 500},u{i}@firm{i % 900}.com,Firm {i % 900}\n" for i in range(n)
    )


def test_a_list_where_no_two_records_share_a_name_or_address_trains_without_failing(
    tmp_path: Path,
):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "clean.csv").write_text(no_shared_fact_rows())
    warehouse = materialize_ingest_and_normalize(landing, tmp_path / "w.duckdb")
    normalized = normalized_of(warehouse)

    fit = fit_match_model(normalized)

    assert (
        fit.training_records == 25_000 == DuckDBWarehouse(path=str(warehouse)).row_count(RAW_TABLE)
    )
    assert any("skipped" in note for note in fit.notes), fit.notes
    result = cluster_contacts(normalized, fit.settings, match_threshold(fit.model))
    assert result.clusters["cluster_id"].n_unique() == 25_000
