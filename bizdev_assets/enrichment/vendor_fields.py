"""What each vendor's record means, field by field (the records of `resources/enrichment/`).

Only the mapping lives here; whether a value is valid is `fields.clean`'s decision, taken
the same way for every provider. Apollo's organization: `name`, `industry`,
`estimated_num_employees`, `annual_revenue`, `country`/`city`, `linkedin_url`,
`technology_names` (or `current_technologies[].name`); its person: `title`, `seniority`,
`linkedin_url`. PDL's company: `display_name`, `industry`, `size` (else
`employee_count`), `inferred_revenue`, `location.country`/`locality`, `linkedin_url`; its
person: `job_title`, `job_title_levels`, `linkedin_url`.
"""

from __future__ import annotations

from typing import Any

from bizdev_assets.enrichment.fields import EMPLOYEE_BANDS, REVENUE_BANDS, band, clean

# Apollo's seniority / PDL's job_title_levels -> golden's seniority vocabulary.
SENIORITY = {
    "owner": "c_level",
    "founder": "c_level",
    "c_suite": "c_level",
    "cxo": "c_level",
    "partner": "c_level",
    "vp": "vp",
    "head": "director",
    "director": "director",
    "manager": "manager",
    "senior": "senior",
    "entry": "individual",
    "intern": "individual",
    "training": "individual",
    "unpaid": "individual",
}
RANK = ("c_level", "vp", "director", "manager", "senior", "individual")
_SMALL_WORDS = frozenset({"and", "of", "the", "for", "in", "at", "to", "a", "an", "&"})


def _title_case(value: Any) -> Any:
    """PDL writes values in lower case: "chief executive officer and founder" -> "Chief
    Executive Officer and Founder"; anything already cased is left as it is."""
    if not isinstance(value, str) or value != value.lower():
        return value
    words = value.split()
    return " ".join(
        w if i and w in _SMALL_WORDS else "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
        for i, w in enumerate(words)
    )


def _highest(levels: Any) -> str | None:
    if isinstance(levels, str):
        levels = [levels]
    mapped = {SENIORITY.get(str(level).lower()) for level in levels or []} - {None}
    return next((s for s in RANK if s in mapped), None)


def _apollo_company(org: dict[str, Any]) -> dict[str, Any]:
    technologies = org.get("technology_names")
    if not technologies and isinstance(org.get("current_technologies"), list):
        technologies = [t.get("name") for t in org["current_technologies"] if isinstance(t, dict)]
    return {
        "name": org.get("name"),
        "industry": org.get("industry"),
        "employee_band": band(org.get("estimated_num_employees"), EMPLOYEE_BANDS),
        "revenue_band": band(org.get("annual_revenue"), REVENUE_BANDS),
        "hq_country": org.get("country"),
        "hq_city": org.get("city"),
        "linkedin_url": org.get("linkedin_url"),
        "technologies": technologies,
    }


def _pdl_company(record: dict[str, Any]) -> dict[str, Any]:
    location = record.get("location") if isinstance(record.get("location"), dict) else {}
    size = record.get("size") or band(record.get("employee_count"), EMPLOYEE_BANDS)
    return {
        "name": _title_case(record.get("display_name") or record.get("name")),
        "industry": record.get("industry"),
        "employee_band": size,
        "revenue_band": record.get("inferred_revenue"),
        "hq_country": location.get("country"),
        "hq_city": location.get("locality"),
        "linkedin_url": record.get("linkedin_url"),
    }


def _apollo_person(person: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": person.get("title"),
        "seniority": _highest(person.get("seniority")),
        "linkedin_url": person.get("linkedin_url"),
    }


def _pdl_person(person: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": _title_case(person.get("job_title")),
        "seniority": _highest(person.get("job_title_levels")),
        "linkedin_url": person.get("linkedin_url"),
    }


MAPPERS = {
    ("apollo", "company"): _apollo_company,
    ("pdl", "company"): _pdl_company,
    ("apollo", "person"): _apollo_person,
    ("pdl", "person"): _pdl_person,
}


def fields_of(provider: str, kind: str, record: dict[str, Any] | None) -> dict[str, Any]:
    """The valid fields of a vendor record (fields without a valid value left out)."""
    if not record:
        return {}
    mapped = MAPPERS[(provider, kind)](record)
    cleaned = {field: clean(kind, field, value) for field, value in mapped.items()}
    return {field: value for field, value in cleaned.items() if value is not None}
