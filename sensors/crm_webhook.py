"""Start a CRM pull when a webhook event was recorded (bizdev_assets/crm/webhooks.py)."""

from __future__ import annotations

import dagster as dg

from bizdev_assets.crm.webhooks import events_since
from jobs.crm import crm_pull
from resources.warehouse import Warehouse


@dg.sensor(
    job=crm_pull,
    minimum_interval_seconds=15,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="A recorded CRM webhook event starts a pull of that CRM's contacts.",
)
def crm_webhook_sensor(
    context: dg.SensorEvaluationContext, warehouse: Warehouse
) -> dg.SensorResult | dg.SkipReason:
    events = events_since(warehouse, context.cursor)
    if events.is_empty():
        return dg.SkipReason("no new CRM webhook events")
    requests = [
        dg.RunRequest(
            run_key=f"crm-webhook-{crm_type}-{group['event_id'][-1]}",
            asset_selection=[dg.AssetKey(f"crm_{crm_type}_contacts")],
            tags={"bizdev/trigger": "webhook", "bizdev/events": str(group.height)},
        )
        for (crm_type,), group in events.group_by("crm_type", maintain_order=True)
    ]
    return dg.SensorResult(run_requests=requests, cursor=events["received_at"].max().isoformat())
