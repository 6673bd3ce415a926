"""Which model a training run saves: with too few records, the shipped baseline, its
prior rescaled to the table it will score."""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl

from bizdev_assets.dedup.model import SPLINK_SOURCE_COLUMNS
from bizdev_assets.dedup.training import (
    BASELINE_MODEL,
    BASELINE_TRAINING_RECORDS,
    baseline_model,
    fit_match_model,
)


def test_too_few_records_to_learn_from_give_the_baseline_model():
    normalized = pl.DataFrame(schema={c: pl.String for c in SPLINK_SOURCE_COLUMNS})
    fit = fit_match_model(normalized)
    assert (fit.origin, fit.training_records) == ("baseline", 0)
    assert fit.model == baseline_model(0)


def test_the_baseline_prior_falls_as_the_table_grows_and_stays_at_most_a_half():
    shipped = json.loads(BASELINE_MODEL.read_text())["probability_two_random_records_match"]
    prior = "probability_two_random_records_match"
    assert baseline_model(BASELINE_TRAINING_RECORDS)[prior] == shipped
    assert baseline_model(2 * BASELINE_TRAINING_RECORDS)[prior] == shipped / 2
    assert baseline_model(1)[prior] <= 0.5


def test_the_saved_row_carries_version_origin_and_the_model_json():
    fit = fit_match_model(pl.DataFrame(schema={c: pl.String for c in SPLINK_SOURCE_COLUMNS}))
    row = fit.saved_row(4, datetime(2026, 12, 1)).row(0, named=True)
    assert row["version"] == 4 and row["origin"] == "baseline"
    assert row["trained_at"] == datetime(2026, 12, 1) and row["training_records"] == 0
    assert json.loads(row["model_json"]) == fit.model
