"""The worker process killed (SIGKILL, not cancelled) after the SMTP server accepted an
email and before the workflow recorded the step: the restarted worker finishes the step
without sending the email again."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from bizdev_assets.outreach import control
from bizdev_assets.outreach.records import RunOptions, workflow_id
from bizdev_assets.outreach.services import WORKER_COMMAND
from resources.mail.ledger import SentLedger
from resources.temporal import spawn_child, stop_process_group
from tests.outreach_support import new_lead, sequence

ONE_EMAIL = sequence(
    [{"id": "hello", "email": {"subject": "Hello {first_name}"}}],
    id="one-email",
    send_window="anytime",
)


def _worker(tmp_path: Path, env: dict[str, str], name: str):
    return spawn_child(WORKER_COMMAND, env=env, log_file=tmp_path / f"{name}.log")


async def _until(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


def test_a_worker_killed_between_sending_and_recording_does_not_send_twice(
    temporal_server, smtp, tmp_path
):
    queue = f"killed-{uuid.uuid4().hex[:8]}"
    ledger = tmp_path / "ledger.sqlite"
    smtp_env = smtp.settings(ledger)
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": temporal_server.address,
        "BIZDEV_TEMPORAL_TASK_QUEUE": queue,
        "BIZDEV_SMTP_HOST": smtp_env["smtp_host"],
        "BIZDEV_SMTP_PORT": str(smtp_env["smtp_port"]),
        "BIZDEV_SMTP_USERNAME": smtp_env["smtp_username"],
        "BIZDEV_SMTP_PASSWORD": smtp_env["smtp_password"],
        "BIZDEV_SMTP_CA_BUNDLE": smtp_env["smtp_ca_bundle"],
        "BIZDEV_SMTP_LEDGER": str(ledger),
    }
    lead = new_lead("kay")
    smtp.handler.hold_quit()  # the server accepts the email, then keeps the client at QUIT

    async def scenario():
        client = await Client.connect(temporal_server.address)
        handle = client.get_workflow_handle(workflow_id(lead.contact_id, ONE_EMAIL.id))
        first = _worker(tmp_path, env, "worker-1")
        try:
            await _until(lambda: control.workers_polling(client, queue))
            options = RunOptions(activity_timeout_seconds=3)
            assert await control.enroll(client, queue, lead, ONE_EMAIL, options) == "started"
            assert await asyncio.to_thread(smtp.handler.wait_for, 1)
            message_id = smtp.deliveries[0].message_id

            async def recorded() -> bool:
                return SentLedger(ledger).seen(message_id)

            await _until(recorded)  # accepted and remembered; QUIT still unanswered
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        finally:
            stop_process_group(first, 5)
        kinds = [e.event_type async for e in handle.fetch_history_events()]
        assert EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED not in kinds  # step not recorded
        smtp.handler.release_quit()
        second = _worker(tmp_path, env, "worker-2")
        try:
            result = await asyncio.wait_for(handle.result(), 60)
        finally:
            stop_process_group(second, 20)
        history = [e async for e in handle.fetch_history_events()]
        return result, history

    result, history = asyncio.run(scenario())
    assert len(smtp.deliveries) == 1
    assert result["status"] == "completed" and result["emails_sent"] == 1
    started = [e for e in history if e.HasField("activity_task_started_event_attributes")]
    assert started[-1].activity_task_started_event_attributes.attempt >= 2
