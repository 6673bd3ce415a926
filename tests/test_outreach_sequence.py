"""OutreachSequence on a real Temporal dev server with time skipping, sending through a
real SMTP server (aiosmtpd): business-day waits, replies, unsubscribes, versions."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

from bizdev_assets.outreach import control
from bizdev_assets.outreach.activities import OutreachActivities
from bizdev_assets.outreach.business_time import zone
from bizdev_assets.outreach.records import workflow_id
from bizdev_assets.outreach.sequence import Sequence
from tests.outreach_support import (
    DEMO,
    OPTIONS,
    events,
    new_lead,
    outreach_worker,
    sequence,
    smtp_mail,
)

# Virtual time to skip for exactly one / one more email of the demo sequence, wherever the
# test's wall clock falls: the first email goes out within 2.7 days (Friday 17:00 ->
# Monday 09:00), the second 3-5.7 days after it, the third at least 9 days after the first.
FIRST_EMAIL = timedelta(days=2.9)
SECOND_EMAIL = timedelta(days=6)


def test_three_emails_over_seven_business_days_run_in_seconds(temporal_server, smtp, tmp_path):
    lead = new_lead()

    async def scenario():
        activities = OutreachActivities(mail=smtp_mail(smtp, tmp_path))
        async with outreach_worker(temporal_server.address, activities, skipping=True) as (
            skipper,
            queue,
        ):
            client = skipper.client
            assert await control.enroll(client, queue, lead, DEMO, OPTIONS) == "started"
            handle = client.get_workflow_handle(workflow_id(lead.contact_id, DEMO.id))
            return await handle.result()

    started = time.monotonic()
    result = asyncio.run(scenario())
    elapsed = time.monotonic() - started

    assert result["status"] == "completed"
    sent = [datetime.fromisoformat(e[2]) for e in events(result, "sent")]
    assert len(sent) == 3 and len(smtp.deliveries) == 3
    assert [d.recipients for d in smtp.deliveries] == [[lead.email]] * 3
    local = [moment.astimezone(zone(lead.timezone)).date() for moment in sent]
    gaps = [_business_days(a, b) for a, b in zip(local, local[1:], strict=False)]
    assert gaps == [3, 4]
    assert (sent[-1] - sent[0]) >= timedelta(days=9)  # 7 business days span a weekend
    assert elapsed < 30


def _business_days(start, end) -> int:
    return sum((start + timedelta(days=n)).weekday() < 5 for n in range(1, (end - start).days + 1))


def test_a_reply_after_the_second_email_stops_the_sequence(temporal_server, smtp, tmp_path):
    lead = new_lead("grace")

    async def scenario():
        activities = OutreachActivities(mail=smtp_mail(smtp, tmp_path))
        async with outreach_worker(temporal_server.address, activities, skipping=False) as (
            skipper,
            queue,
        ):
            client = skipper.client
            await control.enroll(client, queue, lead, DEMO, OPTIONS)
            handle = client.get_workflow_handle(workflow_id(lead.contact_id, DEMO.id))
            await skipper.fast_forward(handle, FIRST_EMAIL)
            assert await asyncio.to_thread(smtp.handler.wait_for, 1)
            await skipper.fast_forward(handle, SECOND_EMAIL)
            assert await asyncio.to_thread(smtp.handler.wait_for, 2)
            assert await control.signal_contact(
                client, lead.contact_id, "replied", "sounds good"
            ) == [handle.id]
            result = await asyncio.wait_for(handle.result(), 30)
            return result

    result = asyncio.run(scenario())
    assert (result["status"], result["stop_reason"]) == ("stopped", "replied")
    assert len(events(result, "sent")) == 2 and len(smtp.deliveries) == 2
    assert events(result, "replied")[0][3] == "sounds good"
    # The reply branch ran: the hand-off task step (no CRM configured here: skipped).
    assert {e[1] for e in events(result, "task_skipped")} == {"hand-off"}


def test_an_unsubscribe_stops_every_sequence_of_the_contact(temporal_server, smtp, tmp_path):
    lead, other = new_lead("linus"), new_lead("margaret")
    nurture = sequence(
        [
            {"id": "pause", "wait": {"business_days": 5}},
            {"id": "news", "email": {"subject": "News"}},
        ],
        id="nurture",
    )

    async def scenario():
        activities = OutreachActivities(mail=smtp_mail(smtp, tmp_path))
        async with outreach_worker(temporal_server.address, activities, skipping=False) as (
            skipper,
            queue,
        ):
            client = skipper.client
            for who, seq in ((lead, DEMO), (lead, nurture), (other, nurture)):
                assert await control.enroll(client, queue, who, seq, OPTIONS) == "started"
            demo = client.get_workflow_handle(workflow_id(lead.contact_id, DEMO.id))
            await skipper.fast_forward(demo, FIRST_EMAIL)
            assert await asyncio.to_thread(smtp.handler.wait_for, 1)
            stopped = await control.signal_contact(client, lead.contact_id, "unsubscribed", "link")
            assert sorted(stopped) == sorted(
                workflow_id(lead.contact_id, s) for s in (DEMO.id, "nurture")
            )
            handles = [client.get_workflow_handle(i) for i in stopped]
            results = await asyncio.wait_for(asyncio.gather(*(h.result() for h in handles)), 60)
            bystander = await client.get_workflow_handle(
                workflow_id(other.contact_id, "nurture")
            ).query("status")
            return results, bystander

    results, bystander = asyncio.run(scenario())
    assert [(r["status"], r["stop_reason"]) for r in results] == [("stopped", "unsubscribed")] * 2
    assert bystander["status"] == "active"
    assert len(smtp.deliveries) == 1


def test_a_changed_sequence_definition_leaves_running_workflows_on_theirs(
    temporal_server, smtp, tmp_path
):
    first, later = new_lead("barbara"), new_lead("edsger")
    v2_data = DEMO.to_dict() | {"version": 2}
    v2_data["steps"] = [
        s for s in v2_data["steps"] if s["id"] not in ("wait-2", "call", "last-note")
    ]
    v2_data["steps"][0] = v2_data["steps"][0] | {"subject": "Version two"}
    v2 = Sequence.from_snapshot(v2_data)

    async def scenario():
        activities = OutreachActivities(mail=smtp_mail(smtp, tmp_path))
        async with outreach_worker(temporal_server.address, activities, skipping=False) as (
            skipper,
            queue,
        ):
            client = skipper.client
            await control.enroll(client, queue, first, DEMO, OPTIONS)
            handles = [
                client.get_workflow_handle(workflow_id(w.contact_id, DEMO.id))
                for w in (first, later)
            ]
            await skipper.fast_forward(handles[0], FIRST_EMAIL)
            assert await asyncio.to_thread(smtp.handler.wait_for, 1)
            assert await control.enroll(client, queue, later, v2, OPTIONS) == "started"
            for handle in handles:
                await skipper.fast_forward(handle, timedelta(days=30))
            return await asyncio.wait_for(asyncio.gather(*(h.result() for h in handles)), 60)

    old, new = asyncio.run(scenario())
    assert (old["sequence_version"], old["status"], len(events(old, "sent"))) == (1, "completed", 3)
    assert (new["sequence_version"], new["status"], len(events(new, "sent"))) == (2, "completed", 2)
    by_recipient = {}
    for d in smtp.deliveries:
        by_recipient.setdefault(d.recipients[0], []).append(d.subject)
    assert by_recipient[later.email][0] == "Version two"
    assert by_recipient[first.email][0].endswith("a cleaner contact base in a week")
