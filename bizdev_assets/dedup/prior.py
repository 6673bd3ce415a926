"""The prior: the chance that two records picked at random are one person.

It shifts every pair's probability by the same number of bits, so it decides, with the
threshold, how much evidence a link needs. EM within blocks does not learn it (each
block has its own share of duplicates), so it is estimated over the whole table:

1. a first guess from near-certain pairs (same personal e-mail; same full name and
   address, birth date or profile; same mobile and surname), whichever the table has;
2. then, once m and u are learnt, the value the model itself implies: score the
   candidate pairs of (a sample of) the table, and take as the prior the expected
   number of true pairs, the sum of their match probabilities, over all pairs. Since
   the probabilities depend on the prior, repeat until it settles: this is EM for the
   prior with m and u held fixed, over every pair (pairs no rule proposes have
   probabilities near zero). It needs no guess of how many true pairs the first rules
   catch, which depends on the columns a table has.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import polars as pl
from splink import DuckDBAPI, Linker

from bizdev_assets.dedup.model import register_term_frequencies, splink_connection

# Near-certain duplicates, for the first guess; their assumed share of all true pairs.
FIRST_GUESS_RULES = (
    "l.b_email = r.b_email",
    "l.b_name = r.b_name and l.address_key = r.address_key",
    "l.b_name = r.b_name and l.birth_date = r.birth_date",
    "l.b_linkedin = r.b_linkedin",
    "l.b_mobile = r.b_mobile and l.surname = r.surname",
)
FIRST_GUESS_RECALL = 0.7
# With no near-certain pair at all: a few duplicates in a hundred records.
NO_EVIDENCE_DUPLICATES_PER_RECORD = 0.01
# Records scored to settle the prior (a uniform sample keeps the share of true pairs).
PRIOR_SAMPLE_RECORDS = 50_000
ITERATIONS = 100


def first_guess(linker: Linker, records: int, notes: list[str]) -> None:
    """Set the linker's prior from near-certain pairs (step 1 above)."""
    prior = 0.0
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(FIRST_GUESS_RULES), recall=FIRST_GUESS_RECALL
        )
        prior = linker._settings_obj._probability_two_random_records_match
    except ValueError as error:
        notes.append(f"prior: {error}")
    if not prior or prior <= 0:
        prior = 2 * NO_EVIDENCE_DUPLICATES_PER_RECORD / max(records, 2)
        linker._settings_obj._probability_two_random_records_match = prior
        notes.append("prior: no near-certain pairs found; started from 1 duplicate in 100")


def settle(settings: dict[str, Any], records: pl.DataFrame, seed: int) -> float:
    """The prior the trained model implies for `records` (step 2 above)."""
    sample = records
    if records.height > PRIOR_SAMPLE_RECORDS:
        sample = records.sample(PRIOR_SAMPLE_RECORDS, seed=seed)
    weights = _candidate_bayes_factors(settings, sample)
    all_pairs = sample.height * (sample.height - 1) / 2
    prior = settings["probability_two_random_records_match"]
    if weights.is_empty() or all_pairs <= 0:
        return prior
    log2_bf = weights.to_numpy()
    for _ in range(ITERATIONS):
        odds = prior / (1 - prior)
        expected = float((1 / (1 + 1 / (odds * 2.0**log2_bf))).sum())
        settled = min(max(expected / all_pairs, 1e-12), 0.5)
        if math.isclose(settled, prior, rel_tol=1e-4):
            return settled
        prior = settled
    return prior


def _candidate_bayes_factors(settings: dict[str, Any], sample: pl.DataFrame) -> pl.Series:
    """log2 Bayes factor (match weight without the prior) of every candidate pair."""
    prior = settings["probability_two_random_records_match"]
    prior_weight = math.log2(prior / (1 - prior))
    con = splink_connection()
    try:
        db_api = DuckDBAPI(connection=con)
        registered = db_api.register(sample, dataset_display_name="sample")
        linker = Linker(registered, settings, log_level=logging.WARNING)
        register_term_frequencies(linker, db_api, sample, settings)
        scored = linker.inference.predict()
        weights = con.sql(f"select match_weight from {scored.physical_name}").pl()
    finally:
        con.close()
    return weights["match_weight"] - prior_weight
