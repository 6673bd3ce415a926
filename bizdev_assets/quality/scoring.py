"""Quality score of golden contacts: five components in [0, 1], weighted by weights.yaml.

Every component is a polars expression over the whole frame, and `quality_notes` says in
a few words what cost points, so a low score can be acted on. The component definitions
are documented in weights.yaml next to the numbers that tune them.
"""

from __future__ import annotations

import hashlib
import inspect
import sys
from datetime import UTC, datetime

import phonenumbers
import polars as pl

import bizdev_assets.quality.weights as weights_module
from bizdev_assets.quality.weights import COMPONENTS, QualityWeights

SCORES_TABLE = "contact_quality_scores"
SCORE_COLUMNS: dict[str, pl.DataType] = {
    "contact_id": pl.String(),
    "quality_score": pl.Decimal(3, 2),
    **{component: pl.Float64() for component in COMPONENTS},
    "quality_notes": pl.String(),  # "; "-joined reasons points were lost, null when none
    # what an incremental run compares (see quality/changes.py)
    "golden_built_at": pl.Datetime("us"),  # built_at of the golden row scored
    "scored_at": pl.Datetime("us"),  # the moment freshness was measured at
    "weights_digest": pl.String(),  # of the weights and the code that scored
}
# The golden_contacts columns scoring reads.
INPUT_COLUMNS = (
    "contact_id", "email", "email_valid", "email_domain", "is_free_email", "is_role_email",
    "is_disposable_email", "first_name", "last_name", "full_name", "name_key", "company",
    "company_key", "title", "phone", "phone_valid", "mobile", "mobile_valid", "country",
    "website_domain", "last_updated_at", "built_at",
)  # fmt: skip
BUCKETS = tuple(f"{i / 10:.1f}-{(i + 1) / 10:.1f}" for i in range(10))

# Country-code TLDs commonly used by companies anywhere, so they say nothing about country.
GENERIC_CCTLDS = frozenset(
    [
        "ac",
        "ad",
        "ai",
        "am",
        "as",
        "at",
        "bz",
        "cc",
        "cd",
        "co",
        "fm",
        "gg",
        "gl",
        "im",
        "io",
        "la",
        "ly",
        "me",
        "ms",
        "nu",
        "sc",
        "sh",
        "so",
        "st",
        "to",
        "tv",
        "vc",
        "ws",
    ]
)
CALLING_CODES = {
    region: str(code)
    for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()
    for region in regions
    if region != "001"
}
TLD_COUNTRIES = {region.lower(): region for region in CALLING_CODES} | {"uk": "GB"}


def score_contacts(
    golden: pl.DataFrame, weights: QualityWeights, now: datetime | None = None
) -> pl.DataFrame:
    """One row per golden contact: contact_id, quality_score, the components,
    quality_notes, and what they were computed from (SCORE_COLUMNS)."""
    missing = sorted(set(INPUT_COLUMNS) - {"built_at"} - set(golden.columns))
    if missing:
        raise ValueError(f"golden contacts lack columns {missing}; see GOLDEN_COLUMNS")
    now = now or datetime.now(UTC)
    now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now

    parts = [
        _completeness(weights),
        _validity(),
        _uniqueness(),
        _freshness(weights, now),
        _consistency(),
    ]
    scored = golden.with_columns(
        *(p[0].alias(name) for name, p in zip(COMPONENTS, parts, strict=True))
    )
    total = pl.sum_horizontal(getattr(weights, name) * pl.col(name) for name in COMPONENTS)
    notes = [note for _, component_notes in parts for note in component_notes]
    joined_notes = pl.concat_str(notes, separator="; ", ignore_nulls=True)
    return scored.select(
        "contact_id",
        total.clip(0, 1).round(2).cast(pl.Decimal(3, 2)).alias("quality_score"),
        *(pl.col(name).cast(pl.Float64) for name in COMPONENTS),
        pl.when(joined_notes != "").then(joined_notes).alias("quality_notes"),
        (pl.col("built_at") if "built_at" in golden.columns else pl.lit(None))
        .cast(pl.Datetime("us"))
        .alias("golden_built_at"),
        pl.lit(now, pl.Datetime("us")).alias("scored_at"),
        pl.lit(weights_digest(weights)).alias("weights_digest"),
    )


def weights_digest(weights: QualityWeights) -> str:
    """A digest of the weights and of the code that applies them. Stored on every score,
    so an incremental run can tell whether scores computed earlier still hold; any edit
    to the weights or to this code forces a full re-score."""
    digest = hashlib.sha256(repr(weights).encode())
    for module in (sys.modules[__name__], weights_module):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()[:16]


def score_distribution(scores: pl.DataFrame) -> dict[str, int]:
    """Count of contacts per 0.1 bucket of quality_score, "0.0-0.1" ... "0.9-1.0" (1.00 in the last)."""
    cents = (pl.col("quality_score").cast(pl.Float64) * 100).round(0).cast(pl.Int64)
    counts = scores.select(bucket=(cents // 10).clip(0, 9)).group_by("bucket").len()
    found = dict(counts.drop_nulls().iter_rows())
    return {label: found.get(i, 0) for i, label in enumerate(BUCKETS)}


Component = tuple[pl.Expr, list[pl.Expr]]  # the score in [0, 1], and notes (null = no note)


def _note(condition: pl.Expr, text: str | pl.Expr) -> pl.Expr:
    return pl.when(condition).then(pl.lit(text) if isinstance(text, str) else text)


def _completeness(weights: QualityWeights) -> Component:
    email_invalid = pl.col("email").is_null() & pl.col("email_valid").eq_missing(False)
    present = {
        "email": (pl.col("email").is_not_null(), "no email"),
        "phone": (pl.col("phone").is_not_null() | pl.col("mobile").is_not_null(), "no phone"),
        "name": (pl.col("first_name").is_not_null() & pl.col("last_name").is_not_null(), "no name"),
        "company": (pl.col("company").is_not_null(), "no company"),
        "title": (pl.col("title").is_not_null(), "no title"),
        "country": (pl.col("country").is_not_null(), "no country"),
    }
    score = pl.sum_horizontal(
        w * present[f][0].cast(pl.Float64) for f, w in weights.completeness_fields
    )
    # "email invalid" says more than "no email" when the only emails given were invalid
    present["email"] = (present["email"][0] | email_invalid, "no email")
    notes = [
        _note(~present[field][0], present[field][1])
        for field, weight in weights.completeness_fields
        if weight > 0
    ]
    return score, [_note(email_invalid, "email invalid"), *notes]


def _validity() -> Component:
    role = pl.col("is_role_email").fill_null(False)
    disposable = pl.col("is_disposable_email").fill_null(False)
    has_email = pl.col("email").is_not_null()
    email = (
        pl.when(~has_email | pl.col("email_valid").eq_missing(False) | disposable)
        .then(0.0)
        .when(role)
        .then(0.5)
        .otherwise(1.0)
    )
    email = pl.when(has_email | pl.col("email_valid").eq_missing(False)).then(email)
    phone = pl.when(pl.col("phone").is_not_null()).then(
        pl.col("phone_valid").cast(pl.Float64).fill_null(0.5)
    )
    mobile = pl.when(pl.col("mobile").is_not_null()).then(
        pl.col("mobile_valid").cast(pl.Float64).fill_null(0.5)
    )
    country = pl.col("country").is_not_null().cast(pl.Float64)
    notes = [
        _note(has_email & role, "email is role address"),
        _note(has_email & disposable, "email is disposable"),
        _note(pl.col("phone_valid").eq_missing(False), "phone invalid"),
        _note(pl.col("mobile_valid").eq_missing(False), "mobile invalid"),
    ]
    return pl.mean_horizontal(email, phone, mobile, country), notes


def _uniqueness() -> Component:
    """1 / (1 + others sharing the email or name+company), counted without double counting."""
    name_key = pl.coalesce(pl.col("name_key"), pl.col("full_name").str.to_lowercase())
    email, company = pl.col("email"), pl.col("company_key")

    def sharing(*keys: pl.Expr) -> pl.Expr:
        return (
            pl.when(pl.all_horizontal(k.is_not_null() for k in keys))
            .then(pl.len().over(*keys) - 1)
            .otherwise(0)
        )

    by_email, by_name = sharing(email), sharing(name_key, company)
    others = by_email + by_name - sharing(email, name_key, company)
    notes = [
        _note(by_email > 0, pl.format("email shared with {} other contact(s)", by_email)),
        _note(by_name > 0, pl.format("name+company shared with {} other contact(s)", by_name)),
    ]
    return 1.0 / (1.0 + others.cast(pl.Float64)), notes


def _freshness(weights: QualityWeights, now: datetime) -> Component:
    age_days = (pl.lit(now) - pl.col("last_updated_at")).dt.total_seconds() / 86_400
    age_days = age_days.clip(lower_bound=0)
    score = (0.5 ** (age_days / weights.half_life_days)).fill_null(weights.unknown_freshness)
    stale = age_days > weights.half_life_days
    notes = [
        _note(pl.col("last_updated_at").is_null(), "no update date"),
        _note(stale, pl.format("not updated for {} days", age_days.floor().cast(pl.Int64))),
    ]
    return score, notes


def _consistency() -> Component:
    email_domain, site = pl.col("email_domain"), pl.col("website_domain")
    business_domain = pl.when(~pl.col("is_free_email").fill_null(False)).then(email_domain)
    domain_ok = (
        (business_domain == site)
        | business_domain.str.ends_with(pl.concat_str(pl.lit("."), site))
        | site.str.ends_with(pl.concat_str(pl.lit("."), business_domain))
    )
    calling_code = pl.col("country").replace_strict(
        CALLING_CODES, default=None, return_dtype=pl.String
    )

    def calling_code_ok(number: str) -> pl.Expr:
        return pl.col(number).str.starts_with(pl.concat_str(pl.lit("+"), calling_code))

    tld = business_domain.str.extract(r"\.([a-z]{2})$")
    tld_country = pl.when(~tld.is_in(list(GENERIC_CCTLDS))).then(
        tld.replace_strict(TLD_COUNTRIES, default=None, return_dtype=pl.String)
    )
    tld_ok = tld_country == pl.col("country")
    checks = [domain_ok, calling_code_ok("phone"), calling_code_ok("mobile"), tld_ok]
    score = pl.mean_horizontal(c.cast(pl.Float64) for c in checks).fill_null(1.0)
    notes = [
        _note(~domain_ok, "email domain differs from website"),
        _note(~calling_code_ok("phone"), "phone country code does not match country"),
        _note(~calling_code_ok("mobile"), "mobile country code does not match country"),
        _note(~tld_ok, pl.format("email domain .{} does not match country", tld)),
    ]
    return score, notes
