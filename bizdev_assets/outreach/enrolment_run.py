"""One enrolment pass against Temporal (what `outreach_enrollments` runs): read every
sequence back, stop the sequences of contacts whose consent is gone, start the new ones,
give a polling worker a moment to take their first step, and read everything back again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from temporalio.client import Client

from bizdev_assets.outreach import control
from bizdev_assets.outreach.enrollment import (
    consent_withdrawn,
    suppressed_contacts,
    to_enrol,
    to_leads,
)
from bizdev_assets.outreach.events import enrollments_frame
from bizdev_assets.outreach.records import RunOptions, workflow_id
from bizdev_assets.outreach.sequence import Sequence


@dataclass
class EnrolmentPass:
    states: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


async def enrol_leads(
    client: Client,
    task_queue: str,
    leads: pl.DataFrame,
    suppressed_before: pl.DataFrame | None,
    sequence: Sequence,
    options: RunOptions,
    settle_seconds: float,
) -> EnrolmentPass:
    """`leads`: `routed_leads(...)` (consent gate applied). Counts: started,
    already_enrolled, blocked_by_consent, suppressed, consent_withdrawn, workers_polling,
    not_yet_started (new sequences that had not taken their first step when read back)."""
    states = enrollments_frame(await control.read_states(client))
    withdrawn = consent_withdrawn(leads, states)
    stopping: set[str] = set()
    for contact_id in withdrawn:
        signalled = await control.signal_contact(
            client, contact_id, "unsubscribed", "consent withdrawn"
        )
        stopping.update(signalled)
    suppressed = suppressed_contacts(states, suppressed_before)
    new, counts = to_enrol(leads, states, suppressed, sequence.id)
    outcomes = await control.enroll_many(client, task_queue, to_leads(new), sequence, options)
    started = {workflow_id(c, sequence.id) for c, o in outcomes.items() if o == "started"}
    counts["already_enrolled"] += sum(o == "already_enrolled" for o in outcomes.values())
    # A worker `bizdev run` started moments ago may not poll yet: wait for it briefly.
    workers = await control.wait_for_workers(client, task_queue, settle_seconds if started else 0)
    waiting = len(started)
    if workers:  # let the new sequences take their first step, the stopped ones stop
        waiting = await control.wait_settled(client, started, settle_seconds)
        await control.wait_until(
            client, stopping, lambda s: s.get("status") == "stopped", settle_seconds
        )
    counts |= {
        "started": len(started),
        "consent_withdrawn": len(withdrawn),
        "workers_polling": workers,
        "not_yet_started": waiting,
    }
    return EnrolmentPass(await control.read_states(client), counts)
