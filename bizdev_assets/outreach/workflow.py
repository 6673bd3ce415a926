"""`OutreachSequence`: one durable workflow per (contact, sequence).

It walks the steps of the sequence definition it was started with (the definition is in
its input, so editing a YAML file never changes a running workflow), sends emails and
creates CRM tasks through activities (`activities.py`), and waits business days on
timers. Signals change its course at once: `replied` branches to the `on_reply` steps,
`unsubscribed` and `bounced` stop it, `paused`/`resumed` hold it. The `status` query
and the workflow's memo (kept current, readable without a worker) say where it stands.
Long sequences continue as new runs, carrying their state.

Code changes that would alter the commands of running histories go behind
`workflow.patched(...)` (see `PATCHES`); `tests/test_outreach_versions.py` replays a
history recorded by the first version against the current code.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from bizdev_assets.outreach.business_time import add_business_days, in_send_window
    from bizdev_assets.outreach.records import (
        WORKFLOW_TYPE,
        EmailRequest,
        EmailResult,
        OutreachInput,
        SequenceState,
        TaskRequest,
        TaskResult,
    )
    from bizdev_assets.outreach.sequence import Sequence, Step

EMAIL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
    maximum_attempts=25,  # about three hours of an SMTP server being down
    non_retryable_error_types=["MailRejected"],
)
TASK_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    maximum_interval=timedelta(minutes=10),
    maximum_attempts=25,
)
# workflow.patched ids with what changed. Histories recorded before a patch replay the old
# path; remove the old path (deprecate_patch) once none of them can still be running.
PATCHES = {
    "send-window": "an email waits for the contact's send window (before: sent at once)",
}


@workflow.defn(name=WORKFLOW_TYPE)
class OutreachSequence:
    @workflow.init
    def __init__(self, params: OutreachInput) -> None:
        self.params = params
        self.state = params.state or SequenceState()
        self.sequence = Sequence.from_snapshot(params.sequence)

    @workflow.run
    async def run(self, params: OutreachInput) -> dict:
        steps_this_run = 0
        self._publish()
        while self.state.status in ("active", "paused"):
            self._take_reply()
            if self._stopped():
                break
            steps = self.sequence.on_reply if self.state.phase == "reply" else self.sequence.steps
            if self.state.next_step >= len(steps):
                if self.state.phase == "reply":
                    self._finish("stopped", "replied")
                else:
                    self._finish("completed", None)
                break
            if (
                steps_this_run >= params.options.steps_per_run
                or workflow.info().is_continue_as_new_suggested()
            ):
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(replace(params, state=self.state))
            await workflow.wait_condition(lambda: not self.state.paused or self._interrupted())
            if self._interrupted():
                continue
            await self._run_step(steps[self.state.next_step])
            if self.state.status in ("active", "paused"):
                self.state.next_step += 1
            steps_this_run += 1
            self._publish()
        self._publish()
        return self.summary()

    # --- signals and the query

    @workflow.signal
    def replied(self, detail: str = "") -> None:
        if not self.state.replied:
            self.state.replied = True
            self._event("replied", detail)

    @workflow.signal
    def unsubscribed(self, reason: str = "unsubscribed") -> None:
        if self.state.status in ("active", "paused"):
            self._event("unsubscribed", reason)
            self._finish("stopped", "unsubscribed")

    @workflow.signal
    def bounced(self, detail: str = "") -> None:
        if self.state.status in ("active", "paused"):
            self._event("bounced", detail)
            self._finish("stopped", "bounced")

    @workflow.signal
    def opened(self, detail: str = "") -> None:
        self._event("opened", detail)

    @workflow.signal
    def paused(self) -> None:
        if self.state.status == "active":
            self.state.paused, self.state.status = True, "paused"
            self._event("paused", "")

    @workflow.signal
    def resumed(self) -> None:
        if self.state.status == "paused":
            self.state.paused, self.state.status = False, "active"
            self._event("resumed", "")

    @workflow.query
    def status(self) -> dict:
        return self.summary()

    def summary(self) -> dict:
        lead, state = self.params.lead, self.state
        steps = self.sequence.on_reply if state.phase == "reply" else self.sequence.steps
        current = steps[state.next_step].id if state.next_step < len(steps) else None
        return {
            "contact_id": lead.contact_id,
            "sequence_id": self.sequence.id,
            "sequence_version": self.sequence.version,
            "owner_id": lead.owner_id,
            "status": state.status,
            "stop_reason": state.stop_reason,
            "phase": state.phase,
            "current_step": current,
            "emails_sent": sum(e[0] == "sent" for e in state.events),
            "events": state.events,
        }

    # --- steps

    async def _run_step(self, step: Step) -> None:
        if step.kind == "wait":
            until = add_business_days(
                workflow.now(), step.business_days, self.params.lead.timezone, self._window()
            )
            await self._sleep_until(until)
        elif step.kind == "email":
            await self._send(step)
        else:
            await self._task(step)

    async def _send(self, step: Step) -> None:
        if workflow.patched("send-window"):
            start = in_send_window(workflow.now(), self.params.lead.timezone, self._window())
            await self._sleep_until(start)
            # Paused while waiting for the window: hold the email until resumed.
            await workflow.wait_condition(lambda: not self.state.paused or self._interrupted())
            if self._interrupted():
                return
        fields = self.params.lead.template_fields()
        request = EmailRequest(
            idempotency_key=f"{workflow.info().workflow_id}.{step.id}",
            lead=self.params.lead,
            subject=step.subject.format(**fields),
            body=step.body.format(**fields),
        )
        try:
            result: EmailResult = await workflow.execute_activity(
                "send_email",
                request,
                result_type=EmailResult,
                start_to_close_timeout=self._timeout(),
                retry_policy=EMAIL_RETRY,
            )
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type == "MailRejected":
                self._event("bounced", cause.message, step.id)
                self._finish("stopped", "bounced")
            else:
                self._event("failed", str(cause or err), step.id)
                self._finish("stopped", "email_failed")
            return
        self._event("sent", result.message_id, step.id)

    async def _task(self, step: Step) -> None:
        lead = self.params.lead
        fields = lead.template_fields()
        due = add_business_days(workflow.now(), step.business_days, lead.timezone, self._window())
        request = TaskRequest(
            external_id=f"{workflow.info().workflow_id}.{step.id}",
            lead=lead,
            subject=step.subject.format(**fields),
            body=step.body.format(**fields),
            due_at=due.isoformat(),
        )
        try:
            result: TaskResult = await workflow.execute_activity(
                "create_task",
                request,
                result_type=TaskResult,
                start_to_close_timeout=self._timeout(),
                retry_policy=TASK_RETRY,
            )
        except ActivityError as err:
            self._event("task_failed", str(err.cause or err), step.id)
            return
        for crm, task_id, _how in result.created:
            self._event("task_created", f"{crm}:{task_id}", step.id)
        for reason in result.skipped:
            self._event("task_skipped", reason, step.id)

    async def _sleep_until(self, until: datetime) -> None:
        """Sleep until `until` unless a reply, an unsubscribe or a bounce comes first."""
        remaining = until - workflow.now()
        if remaining.total_seconds() <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(self._interrupted, timeout=remaining)

    # --- state

    def _stopped(self) -> bool:
        return self.state.status not in ("active", "paused")

    def _interrupted(self) -> bool:
        """A wait ends early: stopped, or a reply not yet acted on (no side effects: this
        is a wait condition)."""
        return self._stopped() or (self.state.replied and self.state.phase == "main")

    def _take_reply(self) -> None:
        """Act on a reply: run the on_reply steps (a paused sequence too), or stop."""
        if not (self.state.replied and self.state.phase == "main") or self._stopped():
            return
        if self.sequence.on_reply:
            self.state.phase, self.state.next_step = "reply", 0
            self.state.status, self.state.paused = "active", False
        else:
            self._finish("stopped", "replied")

    def _finish(self, status: str, reason: str | None) -> None:
        self.state.status, self.state.stop_reason = status, reason
        self._event(status, reason or "")

    def _event(self, kind: str, detail: str, step: str | None = None) -> None:
        self.state.events.append([kind, step or "", workflow.now().isoformat(), detail])

    def _publish(self) -> None:
        workflow.upsert_memo({"outreach": self.summary()})

    def _window(self) -> tuple[int, int] | None:
        return self.sequence.send_window

    def _timeout(self) -> timedelta:
        return timedelta(seconds=self.params.options.activity_timeout_seconds)
