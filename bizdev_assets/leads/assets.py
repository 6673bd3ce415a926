"""The `leads` group: `lead_scores` (an explainable score per golden contact; a learned
model when the CRMs hold enough outcomes) and `lead_routing` (an owner per qualified lead).

Company data (`company_enrichment`, `company_signals`) and outcomes (`lead_outcomes`)
are read when those tables exist; without them the score uses what the contact has.
"""

from datetime import UTC, datetime

import dagster as dg
import polars as pl

from bizdev_assets.golden.columns import GOLDEN_TABLE
from bizdev_assets.leads.model import OUTCOMES_TABLE, apply_model, model_scores
from bizdev_assets.leads.routing import ROUTING_TABLE, Territories, route_leads
from bizdev_assets.leads.scoring import SCORES_TABLE, lead_parts, score_distribution, score_leads
from bizdev_assets.leads.weights import LeadWeights
from bizdev_assets.metadata import markdown_table, table_metadata
from bizdev_assets.quality.scoring import SCORES_TABLE as QUALITY_TABLE
from resources.outreach_config import OutreachConfig
from resources.warehouse import Warehouse

ENRICHMENT_TABLE, SIGNALS_TABLE = "company_enrichment", "company_signals"
# Pulled CRM company tables and their owner column (when the pull includes it).
ACCOUNT_OWNER_COLUMNS = {"crm_hubspot_companies": "hubspot_owner_id", "crm_salesforce_accounts": "ownerid"}  # fmt: skip


def _optional(warehouse: Warehouse, table: str, columns: list[str]) -> pl.DataFrame | None:
    """The table's columns when the table exists with all of them, else None."""
    if not warehouse.table_exists(table):
        return None
    frame = warehouse.query(f"select * from {table} limit 0")
    if not set(columns) <= set(frame.columns):
        return None
    return warehouse.query(f"select {', '.join(columns)} from {table}")


@dg.asset(
    deps=[GOLDEN_TABLE, QUALITY_TABLE],
    group_name="leads",
    kinds={"polars", "scikitlearn"},
    check_specs=[
        dg.AssetCheckSpec(
            "scores_in_range",
            asset=SCORES_TABLE,
            blocking=True,
            description="Every golden contact has a lead score from 0 to 100 with reasons.",
        )
    ],
)
def lead_scores(warehouse: Warehouse, outreach_config: OutreachConfig):
    """Lead score 0-100 per golden contact: fit (seniority, department; company size and
    industry from company_enrichment when present), engagement (company_signals, lead
    source), data quality; weights in YAML; `top_reasons` names what added most. A
    logistic regression on won/lost outcomes (lead_outcomes) takes over when there are
    enough; its AUC and calibration are in the metadata."""
    weights = LeadWeights.load(outreach_config.path("lead_weights"))
    golden = warehouse.read_table(GOLDEN_TABLE)
    quality = warehouse.query(f"select contact_id, quality_score from {QUALITY_TABLE}")
    enrichment = _optional(warehouse, ENRICHMENT_TABLE, ["company_id", "domain", "employee_band", "industry"])  # fmt: skip
    signals = _optional(warehouse, SIGNALS_TABLE, ["company_id", "domain", "published_at"])
    outcomes = _optional(warehouse, OUTCOMES_TABLE, ["contact_id", "outcome"])
    parts = lead_parts(
        golden, quality, weights, now=datetime.now(UTC).replace(tzinfo=None),
        enrichment=enrichment, signals=signals,
    )  # fmt: skip
    scores = score_leads(parts, weights)
    learned, report = model_scores(parts, outcomes, weights)
    if learned is not None:
        scores = apply_model(scores, learned, weights)
    ok = (
        scores.height == golden.height
        and bool(scores["lead_score"].is_between(0, 100).all())
        and scores["lead_score"].null_count() == 0
    )
    yield dg.AssetCheckResult(
        check_name="scores_in_range", passed=ok, metadata={"scored": scores.height}
    )
    if not ok:
        raise dg.Failure("lead_scores not written: a score is missing or outside 0-100")
    warehouse.replace_table(SCORES_TABLE, scores.with_columns(scored_at=pl.lit(datetime.now(UTC).replace(tzinfo=None))))  # fmt: skip
    model_metadata = {"scored_by": report.reason, "outcomes": report.outcomes, "outcomes_won": report.won}  # fmt: skip
    if report.trained:
        model_metadata |= {
            "model_auc": report.auc,
            "model_brier": report.brier,
            "model_calibration": dg.MetadataValue.md(markdown_table(pl.DataFrame(report.calibration))),
        }  # fmt: skip
    yield dg.MaterializeResult(
        metadata=table_metadata(scores, scores.height, ["contact_id", "lead_score", "qualified", "top_reasons"])
        | {
            "qualified": int(scores["qualified"].sum()),
            "with_company_data": enrichment is not None,
            "with_signals": signals is not None,
            "score_distribution": dg.MetadataValue.md(markdown_table(score_distribution(scores))),
        }
        | model_metadata
    )  # fmt: skip


def _account_owners(warehouse: Warehouse) -> pl.DataFrame | None:
    """company_id -> CRM owner id, from pulled companies/accounts that carry an owner."""
    frames = []
    for table, column in ACCOUNT_OWNER_COLUMNS.items():
        domain = "domain" if "hubspot" in table else "website"
        pulled = _optional(warehouse, table, [domain, column])
        if pulled is not None:
            frames.append(pulled.select(
                pl.col(domain).str.to_lowercase().str.replace(r"^https?://(www\.)?", "").str.strip_chars("/").alias("domain"),
                pl.col(column).cast(pl.String).alias("crm_owner_id"),
            ))  # fmt: skip
    if not frames:
        return None
    golden = warehouse.query(f"select company_id, website_domain as domain from {GOLDEN_TABLE}")
    return golden.join(pl.concat(frames), on="domain").select("company_id", "crm_owner_id")


@dg.asset(deps=[lead_scores, GOLDEN_TABLE], group_name="leads", kinds={"polars"})
def lead_routing(warehouse: Warehouse, outreach_config: OutreachConfig) -> dg.MaterializeResult:
    """An owner per qualified lead: the CRM owner of its account, else its country's
    territory, else round-robin within each owner's capacity (rules in YAML). A routed
    lead keeps its owner and `routed_at` (the SLA clock) on later runs."""
    rules = Territories.load(outreach_config.path("territories"))
    leads = warehouse.query(
        f"select s.contact_id, s.lead_score, g.country, g.company_id from {SCORES_TABLE} s "
        f"join {GOLDEN_TABLE} g using (contact_id) where s.qualified"
    )
    previous = (
        warehouse.read_table(ROUTING_TABLE) if warehouse.table_exists(ROUTING_TABLE) else None
    )
    routing = route_leads(
        leads, rules, previous=previous, account_owners=_account_owners(warehouse),
        now=datetime.now(UTC).replace(tzinfo=None),
    )  # fmt: skip
    warehouse.replace_table(ROUTING_TABLE, routing)
    by_owner = routing.group_by("owner_id").len().sort("owner_id", nulls_last=True)
    return dg.MaterializeResult(
        metadata=table_metadata(routing, routing.height, ["contact_id", "owner_id", "route_rule", "territory"])
        | {
            "routed": int(routing["owner_id"].is_not_null().sum()),
            "over_capacity": int(routing["owner_id"].is_null().sum()),
            "leads_per_owner": dg.MetadataValue.md(markdown_table(by_owner)),
            "rules": dict(routing.group_by("route_rule").len().iter_rows()),
        }
    )  # fmt: skip
