"""The outreach tables, from the workflows' read-back states (pure).

`enrollments_frame`: one row per workflow; `events_frame`: one row per event; the funnel
(ingested -> qualified -> enrolled -> replied -> opportunity) and reply rates by
sequence, step and owner. A reply is credited to the last email sent before it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl

ENROLLMENTS_TABLE = "outreach_enrollments"
EVENTS_TABLE = "outreach_events"
FUNNEL_TABLE = "outreach_funnel"
REPLY_RATES_TABLE = "outreach_reply_rates"
ENDED = ("terminated", "failed", "timed_out", "canceled")
EVENT_KINDS = ("sent", "opened", "replied", "bounced", "unsubscribed", "task_created")

ENROLLMENT_SCHEMA = {
    "workflow_id": pl.String, "contact_id": pl.String, "sequence_id": pl.String,
    "sequence_version": pl.Int64, "owner_id": pl.String, "status": pl.String,
    "stop_reason": pl.String, "current_step": pl.String, "emails_sent": pl.Int64,
    "enrolled_at": pl.Datetime("us"), "updated_at": pl.Datetime("us"),
    "execution_status": pl.String,
}  # fmt: skip
EVENT_SCHEMA = {
    "workflow_id": pl.String, "contact_id": pl.String, "sequence_id": pl.String,
    "sequence_version": pl.Int64, "owner_id": pl.String, "event": pl.String,
    "step": pl.String, "at": pl.Datetime("us"), "detail": pl.String,
}  # fmt: skip


def _naive(moment: Any) -> datetime | None:
    """UTC without a zone, as every warehouse timestamp is."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def enrollments_frame(states: list[dict[str, Any]]) -> pl.DataFrame:
    rows = []
    for s in states:
        events = s.get("events") or []
        status = s.get("status") or "starting"
        if s.get("execution_status") in ENDED:
            status = s["execution_status"]
        rows.append({
            "workflow_id": s["workflow_id"], "contact_id": s.get("contact_id"),
            "sequence_id": s.get("sequence_id"), "sequence_version": s.get("sequence_version"),
            "owner_id": s.get("owner_id"), "status": status, "stop_reason": s.get("stop_reason"),
            "current_step": s.get("current_step"), "emails_sent": s.get("emails_sent") or 0,
            "enrolled_at": _naive(s.get("started_at")),
            "updated_at": _naive(events[-1][2]) if events else _naive(s.get("started_at")),
            "execution_status": s.get("execution_status"),
        })  # fmt: skip
    return pl.DataFrame(rows, schema=ENROLLMENT_SCHEMA)


def events_frame(states: list[dict[str, Any]]) -> pl.DataFrame:
    rows = [
        {
            "workflow_id": s["workflow_id"],
            "contact_id": s.get("contact_id"),
            "sequence_id": s.get("sequence_id"),
            "sequence_version": s.get("sequence_version"),
            "owner_id": s.get("owner_id"),
            "event": kind,
            "step": step or None,
            "at": _naive(at),
            "detail": detail or None,
        }  # fmt: skip
        for s in states
        for kind, step, at, detail in s.get("events") or []
    ]
    return pl.DataFrame(rows, schema=EVENT_SCHEMA).sort("at", "workflow_id")


def funnel(
    ingested: int, qualified: int, events: pl.DataFrame, enrolled: int, opportunities: int | None
) -> pl.DataFrame:
    """One row per stage with the contacts that reached it and the share of the stage before."""
    replied = events.filter(pl.col("event") == "replied")["contact_id"].n_unique()
    stages = [("ingested", ingested), ("qualified", qualified), ("enrolled", enrolled), ("replied", replied), ("opportunity", opportunities)]  # fmt: skip
    rows, before = [], None
    for stage, count in stages:
        share = round(count / before, 4) if before and count is not None else None
        rows.append({"stage": stage, "contacts": count, "share_of_previous": share})
        before = count
    return pl.DataFrame(rows, schema={"stage": pl.String, "contacts": pl.Int64, "share_of_previous": pl.Float64})  # fmt: skip


def reply_rates(events: pl.DataFrame) -> pl.DataFrame:
    """Emails sent and replies per (sequence, step, owner); a reply counts for the last
    email its workflow sent before it."""
    sent = events.filter(pl.col("event") == "sent").select("workflow_id", "sequence_id", "step", "owner_id", "at")  # fmt: skip
    replies = events.filter(pl.col("event") == "replied").select("workflow_id", pl.col("at").alias("replied_at"))  # fmt: skip
    credited = (
        sent.join(replies, on="workflow_id")
        .filter(pl.col("at") <= pl.col("replied_at"))
        .sort("at")
        .group_by("workflow_id")
        .last()
        .select("workflow_id", "step", pl.lit(1).alias("replied"))
    )
    return (
        sent.join(credited, on=["workflow_id", "step"], how="left")
        .group_by("sequence_id", "step", "owner_id")
        .agg(pl.len().alias("emails_sent"), pl.col("replied").fill_null(0).sum().alias("replies"))
        .with_columns(reply_rate=(pl.col("replies") / pl.col("emails_sent")).round(4))
        .sort("sequence_id", "step", "owner_id")
    )
