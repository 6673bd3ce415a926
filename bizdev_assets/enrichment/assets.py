"""The `enrichment` group: company data by domain through a provider waterfall, cached,
budgeted and costed (docs/enrichment.md).

  company_domains      one row per registrable domain of the golden contacts
  company_enrichment   one row per company domain: the waterfall's fields and provenance
  person_enrichment    consented contacts looked up by email (off by default)
  contacts_enriched    a view: golden contacts with their company's and their own enrichment

A provider that is down, refuses its key or is out of budget does not fail these assets:
its lookups are flagged (`provider_error`, `budget_exhausted`), asked again next run, and
the `every_lookup_answered` check warns. The contact chain never waits for any of this.
"""

from datetime import UTC, datetime

import dagster as dg
import polars as pl

from bizdev_assets.enrichment.columns import (
    CONTACTS_VIEW,
    DOMAINS_TABLE,
    ENRICHMENT_TABLE,
    PERSON_COLUMNS,
    PERSON_TABLE,
)
from bizdev_assets.enrichment.domains import GOLDEN_INPUT, build_company_domains
from bizdev_assets.enrichment.people import GOLDEN_INPUT as PEOPLE_INPUT
from bizdev_assets.enrichment.results import status_counts
from bizdev_assets.enrichment.runs import EnrichmentRun, enrich_companies, enrich_people
from bizdev_assets.golden.columns import GOLDEN_TABLE
from bizdev_assets.metadata import markdown_table, table_metadata
from resources.enrichment import EnrichmentProviders
from resources.landing import LandingZone
from resources.warehouse import Warehouse

UNANSWERED = ("budget_exhausted", "provider_error")


def _golden(warehouse: Warehouse, columns: tuple[str, ...]) -> pl.DataFrame:
    if not warehouse.table_exists(GOLDEN_TABLE):
        raise dg.Failure(
            f"{GOLDEN_TABLE} does not exist in {warehouse.location} yet: materialize the "
            "contact chain first (job contacts_refresh, or `bizdev run`)"
        )
    return warehouse.query(f"select {', '.join(columns)} from {GOLDEN_TABLE}")


@dg.asset(deps=[GOLDEN_TABLE], group_name="enrichment", kinds={"polars", "duckdb"})
def company_domains(warehouse: Warehouse) -> dg.MaterializeResult:
    """One row per registrable domain of the golden contacts (website, then work email;
    IDN as punycode), with contact counts, kind (company / free_mail / disposable /
    invalid) and the names, countries and departments the contacts give. Only `company`
    domains are ever sent to a paid provider."""
    frame = build_company_domains(_golden(warehouse, GOLDEN_INPUT))
    warehouse.replace_table(DOMAINS_TABLE, frame)
    kinds = frame.group_by("kind").len().sort("kind")
    return dg.MaterializeResult(
        metadata=table_metadata(
            frame, frame.height, ["domain", "kind", "contact_count", "company_names"]
        )
        | {f"{kind}_domains": int(n) for kind, n in kinds.iter_rows()}
    )


def _settings_usable(enrichment: EnrichmentProviders) -> None:
    """A wrong enrichment setting fails the enrichment assets, not the code location."""
    if enrichment.setting_problem:
        raise dg.Failure(
            f"enrichment settings: {enrichment.setting_problem}. Fix the setting and run "
            "the enrichment group again; the contact chain is not affected"
        )


def _run_metadata(run: EnrichmentRun) -> dict:
    costs = run.ledger.costs()
    return {
        **{f"provider_{name}": line for name, line in run.lines.items()},
        "status_counts": dg.MetadataValue.json(status_counts(run.frame)),
        "cache_hit_ratio": run.cache_hit_ratio,
        "costs_today": dg.MetadataValue.md(markdown_table(costs))
        if costs.height
        else "no paid lookups",
        "exchanges_archived": run.ledger.archived_exchanges,
        "archive_errors": len(run.ledger.archive_errors),
    }


def _unanswered_check(run: EnrichmentRun, check: str) -> dg.AssetCheckResult:
    counts = status_counts(run.frame)
    left = {status: counts.get(status, 0) for status in UNANSWERED}
    return dg.AssetCheckResult(
        check_name=check,
        passed=not any(left.values()),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={**left, **{f"provider_{n}": line for n, line in run.lines.items()}},
    )


@dg.asset(
    deps=[DOMAINS_TABLE],
    group_name="enrichment",
    kinds={"python", "duckdb"},
    check_specs=[
        dg.AssetCheckSpec(
            "one_row_per_company_domain",
            asset=ENRICHMENT_TABLE,
            blocking=True,
            description="company_id and domain are unique; every company domain has a row.",
        ),
        dg.AssetCheckSpec(
            "every_lookup_answered",
            asset=ENRICHMENT_TABLE,
            description="No domain left `budget_exhausted` or `provider_error` (they are "
            "asked again next run; a warning, not a failure).",
        ),
    ],
)
def company_enrichment(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    landing: LandingZone,
    enrichment: EnrichmentProviders,
):
    """Company data per domain (name, industry, employee and revenue band, HQ country and
    city, LinkedIn, technologies): providers in the order of BIZDEV_ENRICHMENT_PROVIDERS,
    the first valid value per field kept with its provider and fetch time. Paid answers
    are cached (enrichment_cache), budgeted per day and costed (enrichment_costs); raw
    responses are archived under enrichment/ in the landing zone."""
    _settings_usable(enrichment)
    run = enrich_companies(
        warehouse, landing, enrichment, run_id=context.run_id, now=datetime.now(UTC)
    )
    frame = run.frame
    expected = warehouse.query(f"select count(*) as n from {DOMAINS_TABLE} where enrichable")["n"][
        0
    ]
    unique = (
        frame["domain"].n_unique() == frame["company_id"].n_unique() == frame.height == expected
    )
    yield dg.AssetCheckResult(
        check_name="one_row_per_company_domain",
        passed=unique,
        metadata={"rows": frame.height, "company_domains": int(expected)},
    )
    if not unique:
        raise dg.Failure(
            f"{ENRICHMENT_TABLE} not written: {frame.height} rows for {expected} domains"
        )
    warehouse.replace_table(ENRICHMENT_TABLE, frame)
    for line in run.ledger.archive_errors:
        context.log.error(line)
    yield _unanswered_check(run, "every_lookup_answered")
    yield dg.MaterializeResult(
        metadata=table_metadata(
            frame, frame.height, ["domain", "name", "industry", "employee_band", "status"]
        )
        | _run_metadata(run)
    )


@dg.asset(
    # After company_enrichment: both spend the same daily budgets, one after the other.
    deps=[ENRICHMENT_TABLE, GOLDEN_TABLE],
    group_name="enrichment",
    kinds={"python", "duckdb"},
    check_specs=[
        dg.AssetCheckSpec(
            "every_person_lookup_answered",
            asset=PERSON_TABLE,
            description="No contact left `budget_exhausted` or `provider_error`.",
        )
    ],
)
def person_enrichment(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    landing: LandingZone,
    enrichment: EnrichmentProviders,
):
    """Title, seniority and LinkedIn of contacts whose consent allows a lookup
    (`may_enrich_person`), through the same waterfall. Off unless
    BIZDEV_ENRICHMENT_PEOPLE=1; while off, the table is written empty."""
    _settings_usable(enrichment)
    if not enrichment.people:
        frame = pl.DataFrame(schema=PERSON_COLUMNS)
        warehouse.replace_table(PERSON_TABLE, frame)
        yield dg.AssetCheckResult(
            check_name="every_person_lookup_answered",
            passed=True,
            severity=dg.AssetCheckSeverity.WARN,
        )
        yield dg.MaterializeResult(
            metadata=table_metadata(frame, 0)
            | {"skipped": True, "reason": "off: set BIZDEV_ENRICHMENT_PEOPLE=1"}
        )
        return
    golden = _golden(warehouse, PEOPLE_INPUT)
    run = enrich_people(
        warehouse, landing, enrichment, golden, run_id=context.run_id, now=datetime.now(UTC)
    )
    warehouse.replace_table(PERSON_TABLE, run.frame)
    yield _unanswered_check(run, "every_person_lookup_answered")
    yield dg.MaterializeResult(
        metadata=table_metadata(
            run.frame, run.frame.height, ["contact_id", "title", "seniority", "status"]
        )
        | _run_metadata(run)
        | {"contacts_without_consent": run.not_allowed}
    )


CONTACTS_VIEW_SQL = f"""
create or replace view {CONTACTS_VIEW} as
select g.contact_id, g.full_name, g.email, g.title, g.seniority, g.company, g.country,
       g.company_id, e.domain as company_domain, e.name as company_name, e.industry,
       e.employee_band, e.revenue_band, e.hq_country, e.hq_city,
       e.linkedin_url as company_linkedin_url, e.status as company_enrichment_status,
       p.title as enriched_title, p.seniority as enriched_seniority,
       p.linkedin_url as person_linkedin_url
from {GOLDEN_TABLE} g
left join {ENRICHMENT_TABLE} e on e.company_id = g.company_id
left join {PERSON_TABLE} p on p.contact_id = g.contact_id
"""


@dg.asset(
    deps=[GOLDEN_TABLE, ENRICHMENT_TABLE, PERSON_TABLE],
    group_name="enrichment",
    kinds={"sql", "duckdb"},
)
def contacts_enriched(warehouse: Warehouse) -> dg.MaterializeResult:
    """A view for analysts: every golden contact with its company's enrichment (joined on
    `company_id`) and its own person enrichment, when there is any."""
    warehouse.query(CONTACTS_VIEW_SQL)
    counts = warehouse.query(
        f"select count(*) as contacts, count(company_name) as with_company, "
        f"count(industry) as with_industry from {CONTACTS_VIEW}"
    ).row(0, named=True)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": int(counts["contacts"]),
            **{k: int(v) for k, v in counts.items()},
        }
    )


COMPANY_ASSETS = [company_domains, company_enrichment, person_enrichment, contacts_enriched]
