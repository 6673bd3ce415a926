"""Who to enrol (pure, but for `lead_for_contact`): routed qualified leads that pass the
consent gate, are not suppressed, and are not yet in the sequence; and who must be
stopped because their consent is gone.

Suppressed = ever unsubscribed or bounced (read back from the workflows, kept in
`outreach_suppressions`), so a contact who left one sequence is never enrolled again.
"""

from __future__ import annotations

import polars as pl

from bizdev_assets.gdpr.consent import apply_recorded_consent, effective_consent
from bizdev_assets.golden.columns import GOLDEN_TABLE
from bizdev_assets.leads.routing import ROUTING_TABLE
from bizdev_assets.outreach.consent import CONSENT_COLUMNS, outreach_consent
from bizdev_assets.outreach.records import Lead
from resources.warehouse import Warehouse

SUPPRESSIONS_TABLE = "outreach_suppressions"
SUPPRESSING = ("unsubscribed", "bounced")
LEAD_COLUMNS = ["contact_id", "first_name", "last_name", "full_name", "company", "title", *CONSENT_COLUMNS]  # fmt: skip
SNAPSHOT_TABLE = "crm_push_snapshot"


def routed_leads(warehouse: Warehouse, contact_id: str | None = None) -> pl.DataFrame:
    """Routed leads (owner set) with the golden fields a sequence needs, consent gate
    applied, and their CRM ids when pushed before."""
    where = "where r.owner_id is not null" + (" and r.contact_id = ?" if contact_id else "")
    columns = ", ".join(f"g.{c}" for c in LEAD_COLUMNS if c != "contact_id")
    frame = warehouse.query(
        f"select r.*, {columns} from {ROUTING_TABLE} r join {GOLDEN_TABLE} g using (contact_id) {where}",
        [contact_id] if contact_id else None,
    )
    gate = apply_recorded_consent(
        outreach_consent(frame), effective_consent(warehouse, "marketing_email")
    )
    frame = frame.join(gate, on="contact_id")
    for crm in ("hubspot", "salesforce"):
        ids = pl.DataFrame(schema={"contact_id": pl.String, f"{crm}_contact_id": pl.String})
        if warehouse.table_exists(SNAPSHOT_TABLE):
            ids = warehouse.query(
                f"select contact_id, crm_id as {crm}_contact_id from {SNAPSHOT_TABLE} "
                "where crm_type = ? and crm_id is not null",
                [crm],
            ).unique("contact_id")
        frame = frame.join(ids, on="contact_id", how="left")
    return frame


def suppressed_contacts(states: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    """contact_id, reason, suppressed_at: earlier suppressions plus contacts whose
    workflows stopped on an unsubscribe or a bounce."""
    stopped = states.filter(pl.col("stop_reason").is_in(SUPPRESSING)).select(
        "contact_id", pl.col("stop_reason").alias("reason"), pl.col("updated_at").alias("suppressed_at")
    )  # fmt: skip
    frames = [stopped] + ([previous.select(stopped.columns)] if previous is not None else [])
    return (
        pl.concat(frames, how="vertical_relaxed")
        .sort("suppressed_at")
        .unique("contact_id", keep="first")
    )


def to_enrol(
    leads: pl.DataFrame, states: pl.DataFrame, suppressed: pl.DataFrame, sequence_id: str
) -> tuple[pl.DataFrame, dict[str, int]]:
    """The leads to start now, and counts of those held back by each reason."""
    in_sequence = states.filter(pl.col("sequence_id") == sequence_id)["contact_id"]
    allowed = leads.filter(pl.col("outreach_allowed"))
    not_suppressed = allowed.filter(~pl.col("contact_id").is_in(suppressed["contact_id"].implode()))
    new = not_suppressed.filter(~pl.col("contact_id").is_in(in_sequence.implode()))
    counts = {
        "routed": leads.height,
        "blocked_by_consent": leads.height - allowed.height,
        "suppressed": allowed.height - not_suppressed.height,
        "already_enrolled": not_suppressed.height - new.height,
    }
    return new, counts


def consent_withdrawn(leads_all: pl.DataFrame, states: pl.DataFrame) -> list[str]:
    """Contacts with a running sequence whose consent gate now says no."""
    running = states.filter(pl.col("execution_status") == "running")["contact_id"].unique()
    refused = leads_all.filter(~pl.col("outreach_allowed"))["contact_id"]
    return sorted(set(running.to_list()) & set(refused.to_list()))


def to_leads(frame: pl.DataFrame) -> list[Lead]:
    return [
        Lead(
            contact_id=row["contact_id"],
            email=row["email"],
            first_name=row.get("first_name"),
            last_name=row.get("last_name"),
            full_name=row.get("full_name"),
            company=row.get("company"),
            title=row.get("title"),
            timezone=row.get("contact_timezone") or "UTC",
            owner_id=row.get("owner_id"),
            owner_name=row.get("owner_name"),
            owner_email=row.get("owner_email"),
            hubspot_owner_id=row.get("hubspot_owner_id"),
            salesforce_owner_id=row.get("salesforce_owner_id"),
            hubspot_contact_id=row.get("hubspot_contact_id"),
            salesforce_contact_id=row.get("salesforce_contact_id"),
        )
        for row in frame.iter_rows(named=True)
    ]


def lead_for_contact(warehouse: Warehouse, contact_id: str) -> tuple[Lead | None, str]:
    """The contact as a Lead when it may be enrolled now; else None and why not."""
    if not warehouse.table_exists(ROUTING_TABLE):
        return None, "no lead_routing table: materialize lead_scores and lead_routing first"
    frame = routed_leads(warehouse, contact_id)
    if frame.is_empty():
        return None, "not a routed qualified lead (see lead_scores and lead_routing)"
    if not frame["outreach_allowed"][0]:
        return None, f"consent gate: {frame['consent_basis'][0]}"
    if warehouse.table_exists(SUPPRESSIONS_TABLE):
        hit = warehouse.query(
            f"select reason from {SUPPRESSIONS_TABLE} where contact_id = ?", [contact_id]
        )
        if hit.height:
            return None, f"suppressed: {hit['reason'][0]}"
    return to_leads(frame)[0], ""


def withdrawn_since_enrolment(warehouse: Warehouse) -> list[str]:
    """Contacts the last enrolment saw running whose consent gate now refuses (golden
    consent, or a withdrawal recorded in `consent_records`)."""
    if not (
        warehouse.table_exists("outreach_enrollments") and warehouse.table_exists(GOLDEN_TABLE)
    ):
        return []
    running = warehouse.query(
        "select distinct e.contact_id, "
        + ", ".join(f"g.{c}" for c in CONSENT_COLUMNS)
        + f" from outreach_enrollments e join {GOLDEN_TABLE} g using (contact_id)"
        " where e.execution_status = 'running' and e.status in ('active', 'paused', 'starting')"
    )
    gate = apply_recorded_consent(
        outreach_consent(running), effective_consent(warehouse, "marketing_email")
    )
    return sorted(gate.filter(~pl.col("outreach_allowed"))["contact_id"].to_list())
