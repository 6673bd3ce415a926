"""Stop sequences within a minute of a consent withdrawal: when a contact with a running
outreach sequence no longer passes the consent gate, run `outreach_enrollments`, which
signals `unsubscribed` to every sequence of that contact."""

from __future__ import annotations

import dagster as dg

from bizdev_assets.outreach.enrollment import withdrawn_since_enrolment
from jobs.outreach import outreach_refresh
from resources.warehouse import Warehouse


@dg.sensor(
    job=outreach_refresh,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="A running outreach sequence whose contact's consent is gone starts "
    "outreach_enrollments, which stops it.",
)
def outreach_consent_sensor(context: dg.SensorEvaluationContext, warehouse: Warehouse):
    withdrawn = withdrawn_since_enrolment(warehouse)
    if not withdrawn:
        return dg.SkipReason("no running sequence without consent")
    return dg.RunRequest(
        run_key=f"consent-withdrawn-{'-'.join(withdrawn[:3])}-{len(withdrawn)}",
        asset_selection=[dg.AssetKey("outreach_enrollments")],
        tags={"bizdev/trigger": "consent_withdrawn", "bizdev/contacts": str(len(withdrawn))},
    )
