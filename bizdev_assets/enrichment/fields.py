"""What a valid value of each enrichment field is, in one vocabulary whatever the provider.

The waterfall takes the first *valid* value per field (`clean`): a name that is blank, a
country that is not ISO 3166, a LinkedIn URL that is not a company page, a band outside
the list are not values, and the next provider gets its chance. Bands are PDL's (the
industry's usual ones); Apollo's counts are put into them here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pycountry

EMPLOYEE_BANDS = (
    (10, "1-10"),
    (50, "11-50"),
    (200, "51-200"),
    (500, "201-500"),
    (1_000, "501-1000"),
    (5_000, "1001-5000"),
    (10_000, "5001-10000"),
    (None, "10001+"),
)
REVENUE_BANDS = (
    (1e6, "$0-$1M"),
    (1e7, "$1M-$10M"),
    (2.5e7, "$10M-$25M"),
    (5e7, "$25M-$50M"),
    (1e8, "$50M-$100M"),
    (2.5e8, "$100M-$250M"),
    (5e8, "$250M-$500M"),
    (1e9, "$500M-$1B"),
    (1e10, "$1B-$10B"),
    (None, "$10B+"),
)
SENIORITIES = ("c_level", "vp", "director", "manager", "senior", "individual")
_LINKEDIN = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(company|in|school)/([^/?#\s]+)/?", re.I
)
# Country names vendors write that pycountry's lookup does not know.
_COUNTRY_ALIASES = {
    "south korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "vietnam": "VN",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "taiwan": "TW",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "czech republic": "CZ",
    "macedonia": "MK",
    "ivory coast": "CI",
    "uk": "GB",
    "usa": "US",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
}


def band(value: Any, bands: tuple[tuple[float | None, str], ...]) -> str | None:
    """The band a number falls in (None for anything that is not a positive number)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return next(label for ceiling, label in bands if ceiling is None or value <= ceiling)


@lru_cache(maxsize=2_000)
def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 of a code or a country name in English ("germany" -> "DE")."""
    if not value or not value.strip():
        return None
    text = value.strip()
    alias = _COUNTRY_ALIASES.get(text.lower())
    if alias:
        return alias
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def linkedin_url(value: Any, kind: str) -> str | None:
    """`https://www.linkedin.com/<kind>/<slug>` from the forms vendors write it in."""
    if not isinstance(value, str):
        return None
    match = _LINKEDIN.match(value.strip())
    if not match or match.group(1).lower() != kind:
        return None
    return f"https://www.linkedin.com/{kind}/{match.group(2)}"


def _text(value: Any, limit: int = 255) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text[:limit] if text else None


def _city(value: Any) -> str | None:
    text = _text(value, 100)
    return text.title() if text and text == text.lower() else text


def _technologies(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    names = [t for t in (_text(v, 100) for v in value) if t]
    return list(dict.fromkeys(names))[:50] or None


CLEANERS: dict[str, Callable[[Any], Any]] = {
    "name": _text,
    "industry": lambda v: (_text(v, 100) or "").lower() or None,
    "employee_band": lambda v: v if v in {label for _, label in EMPLOYEE_BANDS} else None,
    "revenue_band": lambda v: v if v in {label for _, label in REVENUE_BANDS} else None,
    "hq_country": lambda v: country_code(v) if isinstance(v, str) else None,
    "hq_city": _city,
    "company_linkedin_url": lambda v: linkedin_url(v, "company"),
    "person_linkedin_url": lambda v: linkedin_url(v, "in"),
    "technologies": _technologies,
    "title": lambda v: _text(v, 200),
    "seniority": lambda v: v if v in SENIORITIES else None,
}


def clean(kind: str, field: str, value: Any) -> Any:
    """The field's value if it is valid, cleaned; else None."""
    if field == "linkedin_url":
        field = f"{kind}_linkedin_url"
    return CLEANERS[field](value) if value is not None else None
