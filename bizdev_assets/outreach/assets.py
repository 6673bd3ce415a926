"""The `outreach` group: enrolment into Temporal sequences and what came of it.

  outreach_enrollments   starts a workflow per newly qualified, routed, consenting lead
                         (idempotent: Temporal refuses a second one) and reads every
                         workflow's state back; stops sequences whose consent is gone
  outreach_events        sent, opened, replied, bounced, unsubscribed, task created...
  outreach_funnel        ingested -> qualified -> enrolled -> replied -> opportunity
  outreach_reply_rates   by sequence, step and owner
  lead_sla_breaches      routed leads untouched too long: notified once, failing check

Temporal, SMTP or a CRM being down fails these assets only: nothing upstream depends on
them.
"""

from datetime import UTC, datetime

import dagster as dg
import polars as pl

from bizdev_assets.golden.columns import GOLDEN_TABLE
from bizdev_assets.leads.assets import lead_routing, lead_scores
from bizdev_assets.leads.model import OUTCOMES_TABLE
from bizdev_assets.leads.routing import ROUTING_TABLE
from bizdev_assets.leads.scoring import SCORES_TABLE
from bizdev_assets.metadata import markdown_table, table_metadata
from bizdev_assets.outreach import control
from bizdev_assets.outreach.enrollment import SUPPRESSIONS_TABLE, routed_leads, suppressed_contacts
from bizdev_assets.outreach.enrolment_run import enrol_leads
from bizdev_assets.outreach.events import (
    ENROLLMENTS_TABLE,
    EVENTS_TABLE,
    FUNNEL_TABLE,
    REPLY_RATES_TABLE,
    enrollments_frame,
    events_frame,
    funnel,
    reply_rates,
)
from bizdev_assets.outreach.records import RunOptions
from bizdev_assets.outreach.sequence import load_sequences
from bizdev_assets.outreach.sla import (
    BREACH_SCHEMA,
    BREACHES_TABLE,
    new_notifications,
    notification_text,
    sla_status,
)
from resources.notify import Notifier, slack_payload
from resources.outreach_config import OutreachConfig
from resources.temporal import TemporalResource
from resources.warehouse import Warehouse


def _previous(warehouse: Warehouse, table: str) -> pl.DataFrame | None:
    return warehouse.read_table(table) if warehouse.table_exists(table) else None


@dg.asset(
    deps=[lead_routing, GOLDEN_TABLE],
    group_name="outreach",
    kinds={"temporal", "python"},
    check_specs=[
        dg.AssetCheckSpec(
            "enrolled_with_consent",
            asset=ENROLLMENTS_TABLE,
            description="No sequence runs for a contact the consent gate refuses.",
        )
    ],
)
def outreach_enrollments(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    temporal: TemporalResource,
    outreach_config: OutreachConfig,
):
    """One row per outreach workflow (contact x sequence). Starts the configured sequence
    for routed, qualified leads that pass the consent gate and were never unsubscribed or
    bounced; the workflow id is the contact and the sequence, so re-materialising starts
    nothing new. Signals `unsubscribed` to running sequences whose consent is gone."""
    sequence = load_sequences(outreach_config.path("sequences_dir"))[outreach_config.sequence]
    leads = routed_leads(warehouse)
    previous = _previous(warehouse, SUPPRESSIONS_TABLE)
    options = RunOptions(activity_timeout_seconds=temporal.activity_timeout_seconds)
    done = temporal.run(
        lambda client: enrol_leads(
            client, temporal.task_queue, leads, previous, sequence, options,
            outreach_config.settle_seconds,
        )
    )  # fmt: skip
    states, counts = done.states, done.counts
    enrollments = enrollments_frame(states)
    suppressions = suppressed_contacts(enrollments, previous)
    warehouse.write_many(replace={ENROLLMENTS_TABLE: enrollments, SUPPRESSIONS_TABLE: suppressions})
    if counts["started"] and not counts["workers_polling"]:
        context.log.warning(
            f"{counts['started']} sequences started but no worker polls task queue "
            f"{temporal.task_queue}: they wait until `bizdev outreach-worker` runs"
        )
    refused = set(leads.filter(~pl.col("outreach_allowed"))["contact_id"].to_list())
    running = enrollments.filter(pl.col("execution_status") == "running")
    violating = running.filter(
        pl.col("contact_id").is_in(refused) & (pl.col("status") != "stopped")
    )
    yield dg.AssetCheckResult(
        check_name="enrolled_with_consent",
        passed=violating.height <= counts["consent_withdrawn"],
        metadata={"running_without_consent": violating.height, "stopped_now": counts["consent_withdrawn"]},
    )  # fmt: skip
    by_status = enrollments.group_by("status").len().sort("status")
    yield dg.MaterializeResult(
        metadata=table_metadata(enrollments, enrollments.height, ["contact_id", "sequence_id", "status", "current_step", "emails_sent"])
        | counts
        | {
            "sequence": f"{sequence.id} v{sequence.version}",
            "by_status": dg.MetadataValue.md(markdown_table(by_status)),
            "temporal": temporal.location,
        }
    )  # fmt: skip


@dg.asset(deps=[outreach_enrollments], group_name="outreach", kinds={"temporal", "polars"})
def outreach_events(temporal: TemporalResource, warehouse: Warehouse) -> dg.MaterializeResult:
    """Every event of every outreach workflow: sent (with its Message-ID), opened (when an
    inbound hook reports it), replied, bounced, unsubscribed, task_created / task_skipped,
    paused, resumed, completed, stopped; read from the workflows' memos."""
    events = events_frame(temporal.run(control.read_states))
    warehouse.replace_table(EVENTS_TABLE, events)
    kinds = events.group_by("event").len().sort("event")
    return dg.MaterializeResult(
        metadata=table_metadata(events.tail(5), events.height, ["contact_id", "event", "step", "at"])
        | {"events_by_kind": dg.MetadataValue.md(markdown_table(kinds))}
    )  # fmt: skip


@dg.asset(deps=[outreach_events, lead_scores], group_name="outreach", kinds={"polars"})
def outreach_funnel(warehouse: Warehouse) -> dg.MaterializeResult:
    """ingested (golden contacts) -> qualified -> enrolled -> replied -> opportunity (contacts
    with an outcome in lead_outcomes; null until a CRM deals pull fills it)."""
    count = lambda sql: int(warehouse.query(sql)[0, 0])  # noqa: E731
    events = warehouse.read_table(EVENTS_TABLE)
    opportunities = (
        count(f"select count(distinct contact_id) from {OUTCOMES_TABLE}")
        if warehouse.table_exists(OUTCOMES_TABLE)
        else None
    )
    frame = funnel(
        count(f"select count(*) from {GOLDEN_TABLE}"),
        count(f"select count(*) from {SCORES_TABLE} where qualified"),
        events,
        count(f"select count(distinct contact_id) from {ENROLLMENTS_TABLE}"),
        opportunities,
    )
    warehouse.replace_table(FUNNEL_TABLE, frame)
    return dg.MaterializeResult(metadata={"funnel": dg.MetadataValue.md(markdown_table(frame))})


@dg.asset(deps=[outreach_events], group_name="outreach", kinds={"polars"})
def outreach_reply_rates(warehouse: Warehouse) -> dg.MaterializeResult:
    """Emails sent, replies and reply rate per sequence, step and owner (a reply counts
    for the last email sent before it)."""
    rates = reply_rates(warehouse.read_table(EVENTS_TABLE))
    warehouse.replace_table(REPLY_RATES_TABLE, rates)
    return dg.MaterializeResult(metadata=table_metadata(rates, rates.height))


@dg.asset(
    deps=[lead_routing, outreach_events],
    group_name="outreach",
    kinds={"polars", "slack"},
    check_specs=[
        dg.AssetCheckSpec(
            "routed_leads_touched_within_sla",
            asset=BREACHES_TABLE,
            description="No routed lead waits untouched for more than the SLA's business hours.",
        )
    ],
)
def lead_sla_breaches(warehouse: Warehouse, notifier: Notifier, outreach_config: OutreachConfig):
    """Routed leads not touched (no email sent, no task created) within the SLA's business
    hours of their owner (BIZDEV_SLA_BUSINESS_HOURS): each breach, and its escalation at
    twice the hours, notified once (Slack-compatible webhook, or the notifications file)."""
    hours = outreach_config.sla_business_hours
    now = datetime.now(UTC).replace(tzinfo=None)
    status = sla_status(warehouse.read_table(ROUTING_TABLE), warehouse.read_table(EVENTS_TABLE), now, hours)  # fmt: skip
    notified = _previous(warehouse, BREACHES_TABLE)
    due = new_notifications(status, notified)
    if due.height:
        notifier.send(slack_payload(*notification_text(due, hours)))
    # Recorded after the send: a failed send is tried again next run, a sent one never.
    rows = due.select(list(BREACH_SCHEMA)[:-1]).with_columns(notified_at=pl.lit(now))
    warehouse.append_rows(BREACHES_TABLE, rows.cast(BREACH_SCHEMA))  # type: ignore[arg-type]
    open_breaches = status.filter(
        pl.col("first_touch_at").is_null() & pl.col("level").is_not_null()
    )
    yield dg.AssetCheckResult(
        check_name="routed_leads_touched_within_sla",
        passed=open_breaches.height == 0,
        metadata={"untouched_past_sla": open_breaches.height, "sla_business_hours": hours},
    )
    yield dg.MaterializeResult(
        metadata={
            "notified_now": due.height,
            "escalations_now": due.filter(pl.col("level") == "escalation").height,
            "untouched_past_sla": open_breaches.height,
            "notifier": notifier.location,
        }
    )


OUTREACH_ASSETS = [
    lead_scores,
    lead_routing,
    outreach_enrollments,
    outreach_events,
    outreach_funnel,
    outreach_reply_rates,
    lead_sla_breaches,
]
