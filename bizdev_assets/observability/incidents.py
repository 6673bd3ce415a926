"""From observations (a run ended, a check was evaluated) to alerts: one trigger when an
incident opens, nothing while it stays open, one resolve when it closes.

The open incidents travel in the alert sensor's cursor, stored by Dagster with the
sensor, so a restart neither pages again nor forgets to resolve. Pure: no Dagster here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from resources.notify import Alert

RUNBOOK = "docs/runbook.md"
CHECK_RUNBOOKS = {
    "slo_contacts_fresh": "contactsstale",
    "slo_hubspot_sync_delay": "crmsyncdelayed",
    "slo_salesforce_sync_delay": "crmsyncdelayed",
    "slo_quarantine_share": "quarantinesharehigh",
}


@dataclass(frozen=True)
class Observation:
    """What one run or check said about one incident key."""

    key: str  # run:<job> | check:<asset>:<check>
    failed: bool
    summary: str
    severity: str = "error"
    runbook: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def run_observation(job: str, run_id: str, failed: bool, error: str | None) -> Observation:
    summary = f"run of {job} failed: {error}" if failed else f"run of {job} succeeded"
    return Observation(
        key=f"run:{job}",
        failed=failed,
        summary=summary[:500],
        runbook=f"{RUNBOOK}#runfailed",
        details={"job": job, "run_id": run_id},
    )


def check_observation(
    asset: str,
    check: str,
    passed: bool,
    blocking_or_error: bool,
    description: str | None,
    run_id: str,
) -> Observation | None:
    """Only failed contracts (ERROR severity) and SLO checks (`slo_*`) concern a person."""
    is_slo = check.startswith("slo_")
    if not (is_slo or blocking_or_error):
        return None
    what = "SLO breached" if is_slo else "check failed"
    return Observation(
        key=f"check:{asset}:{check}",
        failed=not passed,
        summary=f"{asset} {what}: {check}" + (f": {description}" if description else ""),
        severity="error" if blocking_or_error else "warning",
        runbook=f"{RUNBOOK}#{CHECK_RUNBOOKS.get(check, 'checkfailed')}",
        details={"asset": asset, "check": check, "run_id": run_id},
    )


def decide(
    open_incidents: Mapping[str, str], observations: Iterable[Observation]
) -> tuple[list[Alert], dict[str, str]]:
    """Alerts for the observations, in order, and the incidents open afterwards
    (key -> the summary that opened it)."""
    still_open = dict(open_incidents)
    alerts = []
    for seen in observations:
        if seen.failed and seen.key not in still_open:
            still_open[seen.key] = seen.summary
            alerts.append(
                Alert(
                    seen.key,
                    "trigger",
                    seen.summary,
                    seen.severity,
                    runbook=seen.runbook,
                    details=seen.details,
                )
            )
        elif not seen.failed and seen.key in still_open:
            opened = still_open.pop(seen.key)
            alerts.append(
                Alert(
                    seen.key,
                    "resolve",
                    f"resolved: {opened}",
                    seen.severity,
                    runbook=seen.runbook,
                    details=seen.details,
                )
            )
    return alerts, still_open


@dataclass
class SensorState:
    """The alert sensor's cursor: how far through finished runs it has read, and the
    incidents open."""

    after: datetime | None = None  # update time of the newest run read
    seen: list[str] = field(default_factory=list)  # run ids read at exactly `after`
    open: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, cursor: str | None) -> SensorState:
        if not cursor:
            return cls()
        data = json.loads(cursor)
        after = datetime.fromisoformat(data["after"]) if data.get("after") else None
        return cls(after, list(data.get("seen", [])), dict(data.get("open", {})))

    def dump(self) -> str:
        return json.dumps(
            {
                "after": self.after.isoformat() if self.after else None,
                "seen": self.seen,
                "open": self.open,
            },
            sort_keys=True,
        )
