"""The SLOs of ADR-013 as pure decisions: given what was observed and the time now, did
the objective hold? `checks.py` gathers the observations and reports these as asset checks.

- Contacts freshness: a file that landed must be in `contacts` within the window (5 min):
  it fails when a file newer than the last `contacts` update has waited longer than that.
- CRM sync delay: each configured CRM has been pulled and pushed within the window.
- Quarantine share: no file of the latest normalization set aside more than the threshold
  of its rows (a wrong header mapping or a broken export shows up here first).

An SLO whose sensor or schedule is off is not evaluated: it passes and says so, because
the delay it measures is then the operator's choice, not a fault.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

DEFAULT_WINDOW = timedelta(minutes=5)
DEFAULT_QUARANTINE_SHARE = 0.05
MIN_ROWS_FOR_SHARE = 20  # a 3-row file with one bad row is not a broken export
LISTED = 10  # files named in the metadata at most


@dataclass(frozen=True)
class SloResult:
    passed: bool
    summary: str  # one line, shown in the UI and in an alert
    metadata: dict[str, Any] = field(default_factory=dict)


def contacts_freshness(
    landed: Mapping[str, datetime],
    contacts_updated: datetime | None,
    now: datetime,
    *,
    window: timedelta = DEFAULT_WINDOW,
    sensor_on: bool = True,
) -> SloResult:
    """`landed`: landing file -> when it landed; `contacts_updated`: the last `contacts`
    materialization. All times aware UTC."""
    if not sensor_on:
        return SloResult(
            True, "landing_file_sensor is off: freshness not evaluated", {"sensor_on": False}
        )
    waiting = sorted(
        (at, name)
        for name, at in landed.items()
        if contacts_updated is None or at > contacts_updated
    )
    metadata: dict[str, Any] = {
        "window_seconds": window.total_seconds(),
        "files_waiting": len(waiting),
        "contacts_updated_at": contacts_updated.isoformat() if contacts_updated else None,
    }
    if not waiting:
        return SloResult(True, "every landed file is in contacts", metadata)
    oldest_at, oldest = waiting[0]
    age = now - oldest_at
    metadata.update(
        oldest_waiting_file=oldest,
        oldest_waiting_seconds=round(age.total_seconds(), 1),
        waiting=[name for _, name in waiting[:LISTED]],
    )
    if age <= window:
        return SloResult(True, f"{len(waiting)} file(s) landed, within the window", metadata)
    return SloResult(
        False,
        f"{oldest} landed {_minutes(age)} ago and is not in contacts yet "
        f"(SLO {_minutes(window)}; {len(waiting)} file(s) waiting)",
        metadata,
    )


def crm_sync_delay(
    last_success: Mapping[tuple[str, str], datetime],
    crms: Sequence[str],
    now: datetime,
    *,
    window: timedelta = DEFAULT_WINDOW,
    schedule_on: bool = True,
) -> SloResult:
    """`last_success`: (crm, direction) -> when its last successful sync finished;
    `crms`: the configured CRMs. A change reaches the other side once both a pull and a
    push have run, so a CRM's delay is the older of the two."""
    if not schedule_on:
        return SloResult(
            True, "crm_sync_schedule is off: sync delay not evaluated", {"schedule_on": False}
        )
    if not crms:
        return SloResult(True, "no CRM configured", {"crms": []})
    delays: dict[str, float | None] = {}
    for crm in crms:
        ends = [last_success.get((crm, direction)) for direction in ("pull", "push")]
        delays[crm] = None if None in ends else (now - min(ends)).total_seconds()  # type: ignore[type-var]
    late = {crm: d for crm, d in delays.items() if d is None or d > window.total_seconds()}
    metadata = {"window_seconds": window.total_seconds(), "delay_seconds": delays}
    if not late:
        return SloResult(True, "every configured CRM synced within the window", metadata)
    parts = [
        f"{crm} never synced both ways"
        if d is None
        else f"{crm} last synced {_minutes(timedelta(seconds=d))} ago"
        for crm, d in sorted(late.items())
    ]
    return SloResult(False, "; ".join(parts) + f" (SLO {_minutes(window)})", metadata)


def quarantine_share(
    files: Sequence[tuple[str, int, int]], *, threshold: float = DEFAULT_QUARANTINE_SHARE
) -> SloResult:
    """`files`: (file, rows read, rows quarantined) of the latest normalization."""
    shares = {
        name: quarantined / rows
        for name, rows, quarantined in files
        if rows >= MIN_ROWS_FOR_SHARE and rows
    }
    over = sorted(
        ((share, name) for name, share in shares.items() if share > threshold), reverse=True
    )
    metadata = {
        "threshold": threshold,
        "files": len(files),
        "worst_share": round(max(shares.values(), default=0.0), 4),
    }
    if not over:
        return SloResult(True, f"no file quarantined over {threshold:.0%} of its rows", metadata)
    metadata["over_threshold"] = {name: round(share, 4) for share, name in over[:LISTED]}
    worst_share, worst = over[0]
    return SloResult(
        False,
        f"{len(over)} file(s) quarantined over {threshold:.0%} of their rows; worst {worst} "
        f"({worst_share:.0%}): check its header mapping (docs/files.md)",
        metadata,
    )


def _minutes(delta: timedelta) -> str:
    minutes = delta.total_seconds() / 60
    return f"{minutes:.0f} min" if minutes >= 1 else f"{delta.total_seconds():.0f} s"
