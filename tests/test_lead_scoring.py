"""Lead scores: explainable rules, company data when present, and the learned model only
when the outcomes allow it (tested on a synthetic outcome table)."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl
import pytest

from bizdev_assets.leads.model import apply_model, model_scores
from bizdev_assets.leads.scoring import lead_parts, score_leads
from bizdev_assets.leads.weights import LeadWeights, LeadWeightsError
from tests.outreach_support import golden_and_scores

WEIGHTS = LeadWeights.load()
NOW = datetime(2026, 12, 1)


def _score(people: list[dict], **company) -> pl.DataFrame:
    frames = golden_and_scores(people)
    parts = lead_parts(frames["golden_contacts"], frames["contact_quality_scores"], WEIGHTS, now=NOW, **company)  # fmt: skip
    return score_leads(parts, WEIGHTS)


def test_a_senior_sales_lead_outscores_a_junior_one_and_says_why():
    scores = _score([
        {"contact_id": "vp", "seniority": "vp", "department": "sales"},
        {"contact_id": "junior", "seniority": "unknown", "department": "hr", "quality_score": 0.4},
    ])  # fmt: skip
    vp, junior = scores.sort("contact_id", descending=True).iter_rows(named=True)
    assert vp["lead_score"] > junior["lead_score"] and vp["qualified"] and not junior["qualified"]
    assert "seniority vp" in vp["top_reasons"] and vp["top_reasons"].count(";") == 2


def test_company_size_and_fresh_signals_count_when_the_tables_exist():
    people = [{"contact_id": "a", "company_id": "acme", "seniority": "manager"}]
    enrichment = pl.DataFrame({"company_id": ["acme"], "domain": ["acme.com"], "employee_band": ["201-500"], "industry": ["Computer Software"]})  # fmt: skip
    signals = pl.DataFrame({"company_id": ["acme"] * 3, "domain": ["acme.com"] * 3, "published_at": [NOW] * 3})  # fmt: skip
    alone = _score(people)
    enriched = _score(people, enrichment=enrichment, signals=signals)
    assert enriched["lead_score"][0] > alone["lead_score"][0]
    assert enriched["engagement"][0] > alone["engagement"][0]


def test_weights_that_do_not_sum_to_one_are_refused_naming_the_file():
    data = {"weights": {"fit": 0.5, "engagement": 0.5, "data_quality": 0.5}}
    with pytest.raises(LeadWeightsError, match="custom.yaml: weights: must sum to 1"):
        LeadWeights.from_dict(data, "custom.yaml")


def _population(n: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    """n contacts whose synthetic won/lost outcome follows seniority and data quality."""
    rng = np.random.default_rng(seed)
    seniority = rng.choice(["c_level", "vp", "manager", "unknown"], n)
    quality = rng.uniform(0.2, 1.0, n)
    people = [{"contact_id": f"c{i}", "seniority": s, "quality_score": float(q)} for i, (s, q) in enumerate(zip(seniority, quality, strict=True))]  # fmt: skip
    frames = golden_and_scores(people)
    parts = lead_parts(frames["golden_contacts"], frames["contact_quality_scores"], WEIGHTS, now=NOW)  # fmt: skip
    logit = -2 + 2.5 * np.isin(seniority, ["c_level", "vp"]) + 2 * quality
    won = rng.uniform(size=n) < 1 / (1 + np.exp(-logit))
    outcomes = pl.DataFrame({"contact_id": [f"c{i}" for i in range(n)], "outcome": np.where(won, "won", "lost")})  # fmt: skip
    return parts, outcomes


def test_enough_outcomes_train_a_calibrated_model_that_ranks_winners_first():
    parts, outcomes = _population(600)
    learned, report = model_scores(parts, outcomes, WEIGHTS)
    assert learned is not None and report.trained
    assert report.auc > 0.7 and report.brier < 0.25
    assert all(abs(b["predicted"] - b["observed"]) < 0.2 for b in report.calibration)
    scores = apply_model(score_leads(parts, WEIGHTS), learned, WEIGHTS)
    assert set(scores["score_source"]) == {"model"}
    assert scores["top_reasons"].str.starts_with("model: ").all()


def test_too_few_outcomes_keep_the_rules_score():
    parts, outcomes = _population(600)
    learned, report = model_scores(parts, outcomes.head(50), WEIGHTS)
    assert learned is None and not report.trained
    assert "50 outcomes" in report.reason and "rules score" in report.reason
