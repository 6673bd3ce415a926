"""SLA monitoring of routed leads (pure): a lead untouched for `hours` business hours of
its owner's time zone is a breach, for twice that an escalation.

Touched = the first email sent or CRM task created for the contact. Each (lead, level)
is notified once: `new_notifications` leaves out what `lead_sla_breaches` already holds.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from bizdev_assets.outreach.business_time import business_hours_between

BREACHES_TABLE = "lead_sla_breaches"
TOUCHES = ("sent", "task_created")
LEVELS = ("breach", "escalation")
BREACH_SCHEMA = {
    "contact_id": pl.String, "owner_id": pl.String, "level": pl.String,
    "routed_at": pl.Datetime("us"), "business_hours_waiting": pl.Float64,
    "notified_at": pl.Datetime("us"),
}  # fmt: skip


def sla_status(
    routing: pl.DataFrame, events: pl.DataFrame, now: datetime, hours: float
) -> pl.DataFrame:
    """Per routed lead: first touch, business hours waiting (until the touch, or now), level."""
    touches = (
        events.filter(pl.col("event").is_in(TOUCHES))
        .group_by("contact_id")
        .agg(pl.col("at").min().alias("first_touch_at"))
    )
    leads = routing.filter(pl.col("owner_id").is_not_null() & pl.col("routed_at").is_not_null())
    leads = leads.join(touches, on="contact_id", how="left")
    waited = [
        business_hours_between(
            routed.replace(tzinfo=UTC), (touched or now).replace(tzinfo=UTC), tz or "UTC"
        )
        for routed, touched, tz in leads.select("routed_at", "first_touch_at", "owner_timezone").iter_rows()
    ]  # fmt: skip
    return (
        leads.select("contact_id", "owner_id", "owner_name", "routed_at", "first_touch_at")
        .with_columns(
            business_hours_waiting=pl.Series(waited, dtype=pl.Float64).round(2),
        )
        .with_columns(
            level=pl.when(pl.col("business_hours_waiting") >= 2 * hours)
            .then(pl.lit("escalation"))
            .when(pl.col("business_hours_waiting") >= hours)
            .then(pl.lit("breach"))
        )
    )


def new_notifications(status: pl.DataFrame, notified: pl.DataFrame | None) -> pl.DataFrame:
    """Untouched leads at a level not notified before (a breach, then its escalation)."""
    due = status.filter(pl.col("first_touch_at").is_null() & pl.col("level").is_not_null())
    rows = []
    done = set() if notified is None else set(notified.select("contact_id", "level").iter_rows())
    for row in due.iter_rows(named=True):
        for level in LEVELS[: LEVELS.index(row["level"]) + 1]:
            if (row["contact_id"], level) not in done:
                rows.append({**row, "level": level})
    return pl.DataFrame(rows, schema=status.schema) if rows else status.clear()


def notification_text(rows: pl.DataFrame, hours: float) -> tuple[str, list[str]]:
    """Title and lines of one notification: each lead once, at its highest new level."""
    leads = rows.sort("level").unique("contact_id", keep="last")  # escalation > breach
    escalations = leads.filter(pl.col("level") == "escalation").height
    title = f"Lead SLA: {leads.height} routed lead(s) untouched for {hours:g}+ business hours" + (
        f" ({escalations} escalated: {2 * hours:g}+ h)" if escalations else ""
    )
    lines = [
        f"{'ESCALATION' if r['level'] == 'escalation' else 'breach'}: lead {r['contact_id']} "
        f"(owner {r['owner_name'] or r['owner_id']}) waiting {r['business_hours_waiting']:g} business hours"
        for r in leads.sort("business_hours_waiting", descending=True).head(20).iter_rows(named=True)
    ]  # fmt: skip
    if leads.height > 20:
        lines.append(f"... and {leads.height - 20} more (table lead_sla_breaches)")
    return title, lines
