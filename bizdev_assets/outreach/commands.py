"""`bizdev outreach enroll|pause|resume|status|event CONTACT_ID` and `bizdev outreach-worker`.

`register(app)` adds them to the `bizdev` command line (cli.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from temporalio.client import Client
from temporalio.service import RPCError

from bizdev_assets.outreach import control, worker
from bizdev_assets.outreach.enrollment import lead_for_contact
from bizdev_assets.outreach.records import RunOptions
from bizdev_assets.outreach.sequence import load_sequences
from resources.settings import Settings, build_resources

QUERY_SECONDS = 5.0
console = Console()
outreach_app = typer.Typer(
    help="Outreach sequences on Temporal (docs/outreach.md).", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(outreach_app, name="outreach")
    app.command("outreach-worker")(outreach_worker)


def _resources() -> dict[str, Any]:
    return build_resources(Settings.from_env())


def outreach_worker() -> None:
    """Run the outreach worker (workflows and activities) until Ctrl-C or SIGTERM. Without
    TEMPORAL_ADDRESS it starts the embedded dev server too, for as long as it runs."""
    worker.main()


@outreach_app.command("enroll")
def enroll(
    contact_id: str = typer.Argument(..., help="A golden contact_id."),
    sequence: str = typer.Option("", help="Sequence id; default BIZDEV_OUTREACH_SEQUENCE."),
) -> None:
    """Enrol one contact now (consent gate and suppressions apply)."""
    resources = _resources()
    config = resources["outreach_config"]
    sequences = load_sequences(config.path("sequences_dir"))
    chosen = sequences.get(sequence or config.sequence)
    if chosen is None:
        raise typer.BadParameter(f"no sequence {sequence!r}; known: {', '.join(sequences)}")
    lead, refusal = lead_for_contact(resources["warehouse"], contact_id)
    if lead is None:
        console.print(f"[red]{contact_id}: not enrolled: {refusal}[/red]")
        raise typer.Exit(code=1)
    temporal = resources["temporal"].process_config_and_initialize()
    options = RunOptions(activity_timeout_seconds=temporal.activity_timeout_seconds)
    outcome = temporal.run(
        lambda client: control.enroll(client, temporal.task_queue, lead, chosen, options)
    )
    console.print(f"{contact_id}: {outcome.replace('_', ' ')} ({chosen.id} v{chosen.version})")


def _signal(contact_id: str, signal: str, detail: str | None = None) -> None:
    temporal = _resources()["temporal"].process_config_and_initialize()

    async def send(client: Client) -> list[str]:
        return await control.signal_contact(client, contact_id, signal, detail)

    signalled = temporal.run(send)
    console.print(f"{contact_id}: {signal} sent to {len(signalled)} running sequence(s)")


@outreach_app.command("pause")
def pause(contact_id: str = typer.Argument(...)) -> None:
    """Hold every running sequence of the contact (timers keep running; no step runs)."""
    _signal(contact_id, "paused")


@outreach_app.command("resume")
def resume(contact_id: str = typer.Argument(...)) -> None:
    """Let the contact's paused sequences go on (a step whose time passed runs at once)."""
    _signal(contact_id, "resumed")


@outreach_app.command("event")
def event(
    contact_id: str = typer.Argument(...),
    kind: str = typer.Argument(..., help="replied | bounced | unsubscribed | opened"),
    detail: str = typer.Option("", help="What the inbound hook saw (kept in the event)."),
) -> None:
    """Feed an inbound event (from a webhook or a mailbox hook) to the contact's sequences."""
    if kind not in ("replied", "bounced", "unsubscribed", "opened"):
        raise typer.BadParameter("kind: replied, bounced, unsubscribed or opened")
    _signal(contact_id, kind, detail)


@outreach_app.command("status")
def status(contact_id: str = typer.Argument(...)) -> None:
    """Where each sequence of the contact stands (the workflows' `status` query)."""
    temporal = _resources()["temporal"].process_config_and_initialize()

    async def states(client: Client) -> list[dict]:
        found = await control.read_states(client, contact_id)
        for state in found:
            if state["execution_status"] == "running":
                handle = client.get_workflow_handle(state["workflow_id"])
                # The query needs a worker; without one the memo (a step behind at most) says it.
                with contextlib.suppress(TimeoutError, RPCError):
                    state.update(await asyncio.wait_for(handle.query("status"), QUERY_SECONDS))
        return found

    found = temporal.run(states)
    if not found:
        console.print(f"{contact_id}: in no outreach sequence")
        return
    table = Table(title=f"outreach of {contact_id}")
    for column in ("sequence", "version", "status", "step", "emails sent", "last event"):
        table.add_column(column)
    for s in found:
        last = s.get("events")[-1] if s.get("events") else None
        table.add_row(
            str(s.get("sequence_id")),
            str(s.get("sequence_version")),
            str(s.get("status")) + (f" ({s['stop_reason']})" if s.get("stop_reason") else ""),
            str(s.get("current_step") or ""),
            str(s.get("emails_sent", 0)),
            f"{last[0]} {last[1]} {last[2][:16]}" if last else "",
        )
    console.print(table)


def summary_rows(metadata_of, services, mail) -> list[tuple[str, str]]:
    """The `bizdev run` summary lines of outreach (`metadata_of(asset)` -> its metadata)."""
    scores, enrolled = metadata_of("lead_scores"), metadata_of("outreach_enrollments")
    events = metadata_of("outreach_events")
    rows = [("qualified leads", f"{scores.get('qualified', 0):,} ({scores.get('scored_by', 'not scored')})")]  # fmt: skip
    if not enrolled:
        reason = services.error or "not run (see the failures below)"
        return [*rows, ("outreach", f"[red]failed[/red]: {reason}")]
    rows.append((
        "outreach",
        f"{enrolled.get('started', 0):,} enrolled into {enrolled.get('sequence')}; "
        f"{enrolled.get('already_enrolled', 0):,} already, {enrolled.get('blocked_by_consent', 0):,} "
        f"without consent, {enrolled.get('suppressed', 0):,} suppressed",
    ))  # fmt: skip
    late = f"; {services.waiting} first steps still waiting" if services.waiting else ""
    where = (
        f"{len(mail.sent()):,} emails in {mail.location}"
        if hasattr(mail, "sent")
        else mail.location
    )
    rows.append(("outreach events", f"{events.get('dagster/row_count', 0):,}; {where}{late}"))
    return rows
