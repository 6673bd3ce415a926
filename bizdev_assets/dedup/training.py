"""Which match model a training run saves: one learnt from the data, or the shipped one.

Below `MIN_TRAINING_RECORDS` EM has too few duplicate pairs to learn from, and the
model shipped with bizdev (trained on generated data) does better; its prior is rescaled
to the size of the table it will score.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl

from bizdev_assets.dedup.model import train_model

MODEL_TABLE = "contact_match_model"
# Trained on 100k generated rows (99,500 usable records); regenerate with
# `bench/pipeline.py --rows 100000 --train` then `bizdev export-model` (see README).
BASELINE_MODEL = Path(__file__).with_name("baseline_model.json")
BASELINE_TRAINING_RECORDS = 99_500
# Below this, EM has too few duplicate pairs to learn from; the baseline does better.
MIN_TRAINING_RECORDS = 20_000


def baseline_model(records: int = BASELINE_TRAINING_RECORDS) -> dict[str, Any]:
    """The shipped model, its prior rescaled to a table of `records` records.

    Each person has about the same number of duplicates whatever the table size, so the
    chance that two random records match falls as 1/records.
    """
    model = json.loads(BASELINE_MODEL.read_text())
    prior = model["probability_two_random_records_match"]
    scaled = prior * BASELINE_TRAINING_RECORDS / max(records, 2)
    model["probability_two_random_records_match"] = min(scaled, 0.5)
    return model


@dataclass(frozen=True)
class MatchModelFit:
    """A model ready to save as the next version of `contact_match_model`."""

    model: dict[str, Any]  # Splink settings JSON
    origin: Literal["trained", "baseline"]
    training_records: int

    def saved_row(self, version: int, trained_at: datetime) -> pl.DataFrame:
        """The model's row in `contact_match_model`."""
        saved = {
            "version": version,
            "trained_at": trained_at,
            "origin": self.origin,
            "training_records": self.training_records,
            "model_json": json.dumps(self.model),
        }
        return pl.DataFrame([saved])


def fit_match_model(normalized: pl.DataFrame) -> MatchModelFit:
    """Train on the normalized contacts (no labels), or take the baseline when there are
    fewer than MIN_TRAINING_RECORDS of them."""
    if normalized.height < MIN_TRAINING_RECORDS:
        return MatchModelFit(baseline_model(normalized.height), "baseline", normalized.height)
    return MatchModelFit(train_model(normalized), "trained", normalized.height)
