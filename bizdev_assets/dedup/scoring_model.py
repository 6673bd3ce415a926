"""Which model scores a clustering run, and why.

The newest saved model is read as data (`stored_model`): only its numbers, checked,
with the SQL rebuilt from this code. When there is none, or it does not fit this code
(saved by another version of bizdev, or a forged row), the run does not guess and does
not fall back to the shipped model: it trains one on the records at hand
(`fit_match_model`, which itself falls back, with a stricter threshold, only when the
table cannot train one). The reason is kept for the run's metadata and log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import polars as pl

from bizdev_assets.dedup.stored_model import (
    StoredModelRejected,
    match_threshold,
    settings_from_parameters,
)
from bizdev_assets.dedup.training import fit_match_model


@dataclass(frozen=True)
class ScoringModel:
    settings: dict[str, Any]  # Splink settings, built by this code
    version: int  # the saved version; 0 when trained for this run
    threshold: float  # the threshold the model was saved with
    origin: str  # for people: "saved version 3" / "trained for this run: ..."
    notes: tuple[str, ...] = ()

    @property
    def trained_now(self) -> bool:
        return self.version == 0


def scoring_model(saved: tuple[str, int] | None, normalized: pl.DataFrame) -> ScoringModel:
    """saved: the newest row's (model_json, version), or None when no model is saved."""
    if saved is not None:
        text, version = saved
        try:
            parameters = json.loads(text)
            return ScoringModel(
                settings_from_parameters(parameters),
                version,
                match_threshold(parameters),
                f"saved version {version}",
            )
        except (StoredModelRejected, ValueError, TypeError, AttributeError) as error:
            reason = f"saved model version {version} rejected: {error}"
    else:
        reason = "no model saved yet"
    fit = fit_match_model(normalized)
    return ScoringModel(
        fit.settings,
        0,
        match_threshold(fit.model),
        f"{fit.origin} for this run ({reason})",
        (reason, *fit.notes),
    )
