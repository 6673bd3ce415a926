"""Quality scores of golden contacts."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import polars as pl
import pytest

from bizdev_assets.golden.columns import GOLDEN_COLUMNS
from bizdev_assets.quality.scoring import BUCKETS, SCORE_COLUMNS, score_contacts, score_distribution
from bizdev_assets.quality.weights import QualityWeights

NOW = datetime(2025, 6, 1)
WEIGHTS = QualityWeights.load()
COMPLETE = dict(
    email="jo.smith@acme.co.uk", email_valid=True, email_domain="acme.co.uk",
    is_free_email=False, is_role_email=False, is_disposable_email=False,
    first_name="Jo", last_name="Smith", full_name="Jo Smith", name_key="jo smith",
    company="Acme Ltd", company_key="acme", website="https://acme.co.uk",
    website_domain="acme.co.uk", title="Head of Sales", phone="+442071234567",
    phone_valid=True, mobile="+447700900123", mobile_valid=True, country="GB",
    last_updated_at=NOW - timedelta(days=10),
)  # fmt: skip


def contact(contact_id: str = "c1", **values: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(GOLDEN_COLUMNS)
    row.update({"contact_id": contact_id, "gdpr_consent": False, "record_count": 1, **values})
    return row


def scores_of(*contacts: dict[str, object]) -> pl.DataFrame:
    return score_contacts(pl.DataFrame(list(contacts), schema=GOLDEN_COLUMNS), WEIGHTS, now=NOW)


def score_of(**values: object) -> dict[str, object]:
    return scores_of(contact(**values)).row(0, named=True)


def test_a_complete_valid_fresh_contact_scores_at_least_0_9():
    score = score_of(**COMPLETE)
    assert score["quality_score"] >= Decimal("0.90")
    assert [score[c] for c in ("completeness", "validity", "uniqueness", "consistency")] == [
        1.0
    ] * 4
    assert score["quality_notes"] is None


def test_an_empty_old_contact_scores_low_and_says_why():
    score = score_of(email_valid=False, last_updated_at=NOW - timedelta(days=3 * 365))
    assert score["quality_score"] <= Decimal("0.40")
    assert score["completeness"] == 0.0
    assert score["validity"] == 0.0
    assert score["freshness"] == pytest.approx(0.125)
    notes = score["quality_notes"]
    assert "email invalid" in notes and "no phone" in notes and "no email" not in notes
    assert "not updated for 1095 days" in notes


def test_completeness_is_the_weighted_share_of_key_fields():
    # email 0.25 + name 0.20 present; phone, company, title, country missing
    score = score_of(email="jo@x.com", email_valid=True, first_name="Jo", last_name="Smith")
    assert score["completeness"] == pytest.approx(0.45)
    assert score["quality_notes"].startswith("no phone; no company; no title; no country")


def test_a_mobile_alone_counts_as_a_phone():
    assert score_of(mobile="+447700900123", mobile_valid=True)["completeness"] == pytest.approx(0.2)


def test_role_and_disposable_emails_lower_validity():
    base = {**COMPLETE}
    role = score_of(**{**base, "is_role_email": True})
    disposable = score_of(**{**base, "is_disposable_email": True})
    # checks: email, phone, mobile, country
    assert role["validity"] == pytest.approx((0.5 + 3) / 4)
    assert disposable["validity"] == pytest.approx(3 / 4)
    assert "email is role address" in role["quality_notes"]
    assert "email is disposable" in disposable["quality_notes"]


def test_invalid_phones_and_unknown_country_lower_validity():
    score = score_of(phone="+441", phone_valid=False)
    assert score["validity"] == 0.0  # phone invalid, country unknown
    assert "phone invalid" in score["quality_notes"]


def test_uniqueness_falls_with_each_lookalike_contact():
    scores = scores_of(
        contact("a", email="jo@acme.com", name_key="jo smith", company_key="acme"),
        contact("b", email="jo@acme.com", name_key="jo smith", company_key="acme"),
        contact("c", email="other@acme.com", name_key="jo smith", company_key="acme"),
        contact("d", email="alone@acme.com", name_key="al ng", company_key="acme"),
        contact("e", email="pair@acme.com"),
        contact("f", email="pair@acme.com"),
    )
    uniqueness = dict(zip(scores["contact_id"], scores["uniqueness"], strict=True))
    assert uniqueness["a"] == pytest.approx(1 / 3)  # b shares both keys, c the name+company
    assert uniqueness["c"] == pytest.approx(1 / 3)
    assert uniqueness["d"] == 1.0
    assert uniqueness["e"] == 0.5
    assert "email shared with 1 other contact(s)" in scores.row(4, named=True)["quality_notes"]


def test_freshness_halves_every_half_life_and_is_half_when_unknown():
    assert score_of(last_updated_at=NOW)["freshness"] == 1.0
    assert score_of(last_updated_at=NOW - timedelta(days=365))["freshness"] == pytest.approx(0.5)
    assert score_of(last_updated_at=NOW + timedelta(days=30))["freshness"] == 1.0
    unknown = score_of()
    assert unknown["freshness"] == 0.5 and "no update date" in unknown["quality_notes"]


def test_consistency_averages_the_checks_that_apply():
    mismatched = score_of(**{**COMPLETE, "website_domain": "acme.com", "mobile": "+33612345678"})
    # domain fails, phone passes, mobile fails, .uk TLD matches GB
    assert mismatched["consistency"] == pytest.approx(0.5)
    assert "email domain differs from website" in mismatched["quality_notes"]
    assert "mobile country code does not match country" in mismatched["quality_notes"]
    assert score_of(email="jo@acme.de", email_domain="acme.de", country="FR")["consistency"] == 0.0


def test_consistency_is_full_when_no_check_applies():
    free_email = score_of(email="jo@gmail.com", email_domain="gmail.com", is_free_email=True,
                          website_domain="acme.com")  # fmt: skip
    assert free_email["consistency"] == 1.0
    assert score_of(email="jo@acme.io", email_domain="acme.io", country="DE")["consistency"] == 1.0


def test_score_is_a_decimal_3_2_between_0_and_1_with_the_contract_columns():
    scores = scores_of(contact("a", **COMPLETE), contact("b"), contact("c", email_valid=False))
    assert scores.schema == pl.Schema(SCORE_COLUMNS)
    assert all(Decimal("0") <= s <= Decimal("1") for s in scores["quality_score"])
    assert all(s == s.quantize(Decimal("0.01")) for s in scores["quality_score"])


def test_distribution_buckets_sum_to_the_row_count():
    scores = pl.DataFrame(
        {"quality_score": ["0.00", "0.09", "0.10", "0.55", "0.99", "1.00"]},
        schema={"quality_score": pl.String},
    ).with_columns(pl.col("quality_score").cast(pl.Decimal(3, 2)))
    distribution = score_distribution(scores)
    assert list(distribution) == list(BUCKETS)
    assert sum(distribution.values()) == scores.height
    assert distribution["0.0-0.1"] == 2 and distribution["0.1-0.2"] == 1
    assert distribution["0.9-1.0"] == 2
