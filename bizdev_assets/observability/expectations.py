"""Great Expectations suites for the published tables: the contract analysts read.

pandera checks rows at ingest; these check what bizdev publishes (`contacts`,
`golden_contacts`, `company_enrichment`, the CRM pull tables): keys present and unique, formats, ranges, and
that every published contact is a golden one. Suites are data (`SUITES`), built into
GX 1.x expectations when validated. GX has no polars datasource, so a suite validates the
pandas view of the columns it names (GX 1.x; `GX_ANALYTICS_ENABLED=false`).

GX takes seconds to import: it is imported only when a suite runs, so loading the code
location stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
COUNTRY = r"^[A-Z]{2}$"

# table -> (GX expectation class, its arguments); `{golden_ids}` is filled at run time.
SUITES: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "contacts": [
        ("ExpectColumnValuesToNotBeNull", {"column": "id"}),
        ("ExpectColumnValuesToBeUnique", {"column": "id"}),
        ("ExpectColumnValuesToBeUnique", {"column": "email"}),
        ("ExpectColumnValuesToMatchRegex", {"column": "email", "regex": EMAIL, "mostly": 0.99}),
        ("ExpectColumnValuesToMatchRegex", {"column": "country", "regex": COUNTRY}),
        (
            "ExpectColumnValuesToBeBetween",
            {"column": "quality_score", "min_value": 0, "max_value": 1},
        ),
        ("ExpectColumnValuesToNotBeNull", {"column": "updated_at"}),
        ("ExpectColumnValuesToBeInSet", {"column": "id", "value_set": "{golden_ids}"}),
    ],
    "golden_contacts": [
        ("ExpectColumnValuesToNotBeNull", {"column": "contact_id"}),
        ("ExpectColumnValuesToBeUnique", {"column": "contact_id"}),
        ("ExpectColumnValuesToMatchRegex", {"column": "email", "regex": EMAIL, "mostly": 0.99}),
        ("ExpectColumnValuesToBeBetween", {"column": "record_count", "min_value": 1}),
    ],
    "company_enrichment": [
        ("ExpectColumnValuesToNotBeNull", {"column": "company_id"}),
        ("ExpectColumnValuesToBeUnique", {"column": "company_id"}),
        ("ExpectColumnValuesToBeUnique", {"column": "domain"}),
        (
            "ExpectColumnValuesToBeInSet",
            {
                "column": "status",
                "value_set": [
                    "complete",
                    "partial",
                    "no_match",
                    "budget_exhausted",
                    "provider_error",
                ],
            },
        ),
    ],
    "crm_hubspot_contacts": [
        ("ExpectColumnValuesToNotBeNull", {"column": "crm_id"}),
        ("ExpectColumnValuesToBeUnique", {"column": "crm_id"}),
        ("ExpectColumnValuesToNotBeNull", {"column": "pulled_at"}),
    ],
    "crm_salesforce_contacts": [
        ("ExpectColumnValuesToNotBeNull", {"column": "crm_id"}),
        ("ExpectColumnValuesToBeUnique", {"column": "crm_id"}),
        ("ExpectColumnValuesToNotBeNull", {"column": "pulled_at"}),
    ],
}


@dataclass(frozen=True)
class SuiteOutcome:
    success: bool
    evaluated: int
    failed: list[str] = field(default_factory=list)  # "expectation(column): n unexpected"

    @property
    def pass_rate(self) -> float:
        return (self.evaluated - len(self.failed)) / self.evaluated if self.evaluated else 1.0


def columns_of(table: str) -> list[str]:
    return sorted({args["column"] for _, args in SUITES[table]})


def validate(table: str, frame: pl.DataFrame, golden_ids: list[str] | None = None) -> SuiteOutcome:
    """Validate `frame` (the table's suite columns) against the table's suite."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no bars in run logs
    batch_definition = (
        context.data_sources.add_pandas("bizdev")
        .add_dataframe_asset(table)
        .add_batch_definition_whole_dataframe("published")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=table))
    for name, args in SUITES[table]:
        if args.get("value_set") == "{golden_ids}":
            args = {**args, "value_set": golden_ids or []}
        suite.add_expectation(getattr(gx.expectations, name)(**args))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame.to_pandas()})
    result = batch.validate(suite, result_format="BASIC")
    failed = [
        f"{r.expectation_config.type}({r.expectation_config.kwargs.get('column')}): "
        f"{r.result.get('unexpected_count', '?')} unexpected"
        for r in result.results
        if not r.success
    ]
    return SuiteOutcome(bool(result.success), len(result.results), failed)
