"""Alerts that reach a person: failed runs, failed contracts and SLO breaches.

Every 30 s the sensor reads the runs that finished since its cursor, turns each run's
outcome and each of its asset check evaluations into observations, and lets
`incidents.decide` say what opens and what closes. It delivers through the `alerts`
resource (Slack-compatible webhook, PagerDuty Events v2) and the `mail` resource, or
only logs when none is configured. A delivery that fails fails the tick, so the cursor
does not move and the next tick tries again (PagerDuty folds the repeat by its dedup key).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg

from bizdev_assets.observability.incidents import (
    Observation,
    SensorState,
    check_observation,
    decide,
    run_observation,
)
from resources.mail import MailResource
from resources.notify import AlertNotifier, alert_email

RUNS_PER_TICK = 100
FIRST_LOOK_BACK = timedelta(hours=1)  # a new sensor does not page for last month's runs
FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]


def observations_of_run(instance: dg.DagsterInstance, record: dg.RunRecord) -> list[Observation]:
    run = record.dagster_run
    seen: list[Observation] = []
    for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.asset_check_evaluation_data  # type: ignore[union-attr]
        observation = check_observation(
            evaluation.asset_key.to_user_string(),
            evaluation.check_name,
            evaluation.passed,
            evaluation.severity == dg.AssetCheckSeverity.ERROR,
            evaluation.description,
            run.run_id,
        )
        if observation is not None:
            seen.append(observation)
    failed = run.status == dg.DagsterRunStatus.FAILURE
    seen.append(
        run_observation(
            run.job_name, run.run_id, failed, _first_error(instance, run.run_id) if failed else None
        )
    )
    return seen


def _first_error(instance: dg.DagsterInstance, run_id: str) -> str:
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        error = entry.dagster_event.step_failure_data.error  # type: ignore[union-attr]
        error = error.cause if error and error.cause is not None else error
        message = " ".join((error.message if error else "").split())
        return f"{entry.step_key}: {message}"[:300]
    return "see the run in the Dagster UI"


@dg.sensor(minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def alert_sensor(context: dg.SensorEvaluationContext, alerts: AlertNotifier, mail: MailResource):
    """Pages once per incident (a failed run of a job, a failed contract or SLO check) and
    resolves it when the next run or evaluation passes; quiet (log only) until
    BIZDEV_ALERT_WEBHOOK_URL, BIZDEV_PAGERDUTY_ROUTING_KEY or BIZDEV_ALERT_EMAIL_TO is set."""
    state = SensorState.load(context.cursor)
    after = state.after or datetime.now(UTC) - FIRST_LOOK_BACK
    records = context.instance.get_run_records(
        filters=dg.RunsFilter(statuses=FINISHED, updated_after=after - timedelta(microseconds=1)),
        order_by="update_timestamp",
        ascending=True,
        limit=RUNS_PER_TICK,
    )
    observations: list[Observation] = []
    for record in records:
        if record.dagster_run.run_id in state.seen:
            continue
        observations += observations_of_run(context.instance, record)
        updated = record.update_timestamp.replace(tzinfo=record.update_timestamp.tzinfo or UTC)
        if state.after is None or updated > state.after:
            state.after, state.seen = updated, []
        state.seen.append(record.dagster_run.run_id)
    to_send, state.open = decide(state.open, observations)
    for alert in to_send:
        reached = alerts.deliver(alert)
        if alerts.email_to:
            mail.send(alert_email(alert, mail.sender, alerts.email_to))
            reached.append("email")
        context.log.warning(f"{alert.title} -> {', '.join(reached) or 'log only'}")
    context.update_cursor(state.dump())
    if not to_send:
        return dg.SkipReason(
            f"{len(records)} finished run(s) read; {len(state.open)} incident(s) open"
        )
