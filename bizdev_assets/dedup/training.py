"""Learning the match model from the contacts at hand, without labels, and never failing.

Training adapts to what the table holds: each EM session blocks on one strong fact
(same personal e-mail, same full name, same mobile, same postal address) and learns how
the other facts behave among those pairs. A session whose fact no two records share
(a list without e-mails, 25,000 people with distinct names) is skipped and said so;
the name comparison is learnt from whichever other session runs, the rest from the
name session. The prior (the chance that two random records are one person) comes
from near-certain pairs (same e-mail; same name and address, birth date or profile;
same mobile and surname), whichever the table has.

When no session can run, or the table is too small to learn from, the shipped model
(`baseline_model.json`, trained the same way on generated data) is used with its prior
rescaled to the table and a stricter threshold, and the reason is kept with the model.
Levels EM could not estimate from this table (no record has a LinkedIn profile, say)
keep the shipped model's values.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
from splink import DuckDBAPI, Linker
from splink.internals.exceptions import EMTrainingException

from bizdev_assets.dedup import estimates, prior
from bizdev_assets.dedup.model import model_settings, scoring_input, splink_connection
from bizdev_assets.dedup.stored_model import (
    DEFAULT_MATCH_THRESHOLD,
    StoredModelRejected,
    parameters_from_settings,
    settings_from_parameters,
)

MODEL_TABLE = "contact_match_model"
# Trained on the 100k demo set (seed 42, labels unused) by `bench/baseline_model.py`.
BASELINE_MODEL = Path(__file__).with_name("baseline_model.json")
BASELINE_TRAINING_RECORDS = 99_500
# Below this there are too few pairs of any kind to learn the rarer levels from.
MIN_TRAINING_RECORDS = 1_000
# A session needs this many pairs sharing its fact for EM to have something to learn from.
MIN_SESSION_PAIRS = 50
# Without a model learnt from the table, only surer pairs are linked.
FALLBACK_MATCH_THRESHOLD = 0.99
U_SAMPLE_PAIRS = 2e6
EM_MAX_PAIRS = 1e6


@dataclass(frozen=True)
class Session:
    """One EM session: block on `rule`, learn every comparison that does not use it."""

    name: str
    key: str  # the capped blocking key the session blocks on
    rule: str  # names the comparison keys too, so Splink leaves their comparison out


SESSIONS = (
    Session("same e-mail", "b_email", "l.email_match_key = r.email_match_key and l.b_email = r.b_email"),
    Session("same full name", "b_name", "l.name_concat = r.name_concat and l.b_name = r.b_name"),
    Session("same mobile", "b_mobile", "l.mobile = r.mobile and l.b_mobile = r.b_mobile"),
    # Without a personal identifier: the same address and initials. The address alone
    # would not do: colleagues share the premises, and EM would learn them as matches.
    Session(
        "same postal address and initials", "b_address_initials",
        "l.address_key = r.address_key and l.b_address_initials = r.b_address_initials",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class MatchModelFit:
    """A model ready to save as the next version of `contact_match_model`."""

    model: dict[str, Any]  # stored parameters (stored_model): numbers and labels, no SQL
    origin: Literal["trained", "baseline"]
    training_records: int
    notes: tuple[str, ...] = field(default=())

    @property
    def settings(self) -> dict[str, Any]:
        """Splink settings for scoring."""
        return settings_from_parameters(self.model)

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


def baseline_parameters(records: int = BASELINE_TRAINING_RECORDS) -> dict[str, Any]:
    """The shipped model's parameters, its prior rescaled to a table of `records` records.

    Each person has about the same number of duplicates whatever the table size, so the
    chance that two random records match falls as 1/records."""
    model = json.loads(BASELINE_MODEL.read_text())
    scaled = model["probability_two_random_records_match"] * BASELINE_TRAINING_RECORDS
    model["probability_two_random_records_match"] = min(scaled / max(records, 2), 0.5)
    return model


def baseline_model(records: int = BASELINE_TRAINING_RECORDS) -> dict[str, Any]:
    """The shipped model as Splink settings, for a table of `records` records."""
    return settings_from_parameters(baseline_parameters(records))


def fit_match_model(normalized: pl.DataFrame, seed: int = 42) -> MatchModelFit:
    """Train on the normalized contacts (no labels); the shipped model, with a stricter
    threshold and the reason, when the table cannot train one."""
    records = normalized.height
    if records < MIN_TRAINING_RECORDS:
        return _fallback(
            records, f"{records} records (< {MIN_TRAINING_RECORDS}) are too few to learn from"
        )
    settings, notes = train_model(normalized, seed)
    if settings is None:
        return _fallback(records, "; ".join(notes))
    try:
        parameters = parameters_from_settings(settings)
        settings_from_parameters(parameters)
    except StoredModelRejected as error:  # what scoring would refuse is not saved
        return _fallback(records, f"the trained model failed its own check: {error}")
    return MatchModelFit(parameters, "trained", records, tuple(notes))


def _fallback(records: int, reason: str) -> MatchModelFit:
    model = baseline_parameters(records) | {"match_threshold": FALLBACK_MATCH_THRESHOLD}
    note = (
        f"not trained: {reason}; using the shipped model with threshold {FALLBACK_MATCH_THRESHOLD}"
    )
    return MatchModelFit(model, "baseline", records, (note,))


def _pairs_sharing(records: pl.DataFrame, key: str) -> int:
    sizes = records.group_by(key).len("n").filter(pl.col(key).is_not_null())
    return int(sizes.select((pl.col("n") * (pl.col("n") - 1) // 2).sum()).item() or 0)


def plan_sessions(records: pl.DataFrame) -> tuple[list[Session], list[str]]:
    """The sessions to run (the full-name one, and the first other one with enough
    pairs), and a note for each one skipped."""
    usable, notes = [], []
    for session in SESSIONS:
        pairs = _pairs_sharing(records, session.key)
        if pairs >= MIN_SESSION_PAIRS:
            usable.append(session)
        else:
            notes.append(f"EM session '{session.name}' skipped: {pairs} pairs share it")
    named = [s for s in usable if s.key == "b_name"]
    others = [s for s in usable if s.key != "b_name"]
    return named + others[:1], notes


def train_model(
    normalized: pl.DataFrame, seed: int = 42
) -> tuple[dict[str, Any] | None, list[str]]:
    """Splink settings learnt from the table, and notes on what could not be learnt;
    (None, notes) when no EM session can run."""
    records = scoring_input(normalized)
    sessions, notes = plan_sessions(records)
    if not sessions:
        return None, notes + ["no fact is shared by enough records to learn from"]
    con = splink_connection()
    try:
        registered = DuckDBAPI(connection=con).register(records, dataset_display_name="contacts")
        linker = Linker(registered, model_settings(), log_level=logging.WARNING)
        prior.first_guess(linker, records.height, notes)
        linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
        ran = [s for s in sessions if _run_session(linker, s, notes)]
        if not ran:
            return None, notes
        settings = linker.misc.save_model_to_json()
    finally:
        con.close()
    settings, filled = estimates.filled_in(settings, _shipped_settings(), U_SAMPLE_PAIRS)
    settings = estimates.without_true_pairs_in_u(settings, U_SAMPLE_PAIRS)
    settings["probability_two_random_records_match"] = prior.settle(settings, records, seed)
    return settings, notes + filled


def _run_session(linker: Linker, session: Session, notes: list[str]) -> bool:
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            session.rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
        )
    except EMTrainingException as error:
        notes.append(f"EM session '{session.name}' failed: {error}")
        return False
    return True


def _shipped_settings() -> dict[str, Any] | None:
    try:
        return baseline_model()
    except (OSError, ValueError):
        return None


__all__ = [
    "DEFAULT_MATCH_THRESHOLD",
    "MODEL_TABLE",
    "MatchModelFit",
    "baseline_model",
    "baseline_parameters",
    "fit_match_model",
]
