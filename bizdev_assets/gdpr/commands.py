"""`bizdev gdpr erase|status|retry|export` and `bizdev audit verify` (docs/gdpr.md)."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from bizdev_assets.gdpr import requests
from bizdev_assets.gdpr.audit import audit, verify
from bizdev_assets.gdpr.consent import record_consent
from bizdev_assets.gdpr.erase import (
    ErasureSystems,
    SubjectNotFound,
    request_erasure,
    retry_open_requests,
)
from bizdev_assets.gdpr.export import write_export
from bizdev_assets.gdpr.identifiers import email_key, keyed_hash
from bizdev_assets.gdpr.subject import resolve_subject
from resources.settings import Settings, build_resources

gdpr_app = typer.Typer(help="GDPR: erasure, subject access export.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
console = Console()
_SYSTEMS = (
    "warehouse",
    "landing",
    "pipeline_config",
    "hubspot",
    "salesforce",
    "temporal",
    "mail",
    "notifier",
)


def systems() -> ErasureSystems:
    """The configured systems, secrets resolved (EnvVars are read here, not at import)."""
    resources = build_resources(Settings.from_env())
    return ErasureSystems.from_resources(
        {name: resources[name].process_config_and_initialize() for name in _SYSTEMS}
    )


def _by(value: str | None) -> str:
    return value or getpass.getuser()


@gdpr_app.command("erase")
def erase(
    email: str = typer.Option(None, help="An email of the person (all their records are found)."),
    contact_id: str = typer.Option(None, help="Or their golden contact id."),
    by: str = typer.Option(None, help="Who asks (recorded in the audit log)."),
    reason: str = typer.Option("data subject request (GDPR art. 17)", help="Why."),
) -> None:
    """Erase a person everywhere bizdev put them, and keep them from coming back."""
    if not (email or contact_id):
        raise typer.BadParameter("give --email or --contact-id")
    try:
        request_id = request_erasure(
            systems(), email=email, contact_id=contact_id, requested_by=_by(by), reason=reason
        )
    except SubjectNotFound as exc:
        raise typer.BadParameter(str(exc)) from None
    _print_status(request_id)


@gdpr_app.command("status")
def status(request_id: str = typer.Argument(None, help="One request; default all.")) -> None:
    """Each request's status per destination."""
    _print_status(request_id)


@gdpr_app.command("retry")
def retry() -> None:
    """Run every destination of every request not yet finished (the retry job does this too)."""
    for request_id in retry_open_requests(systems()):
        _print_status(request_id)


@gdpr_app.command("export")
def export(
    email: str = typer.Option(None, help="An email of the person."),
    contact_id: str = typer.Option(None, help="Or their golden contact id."),
    out: Path = typer.Option(Path("data/gdpr/exports"), help="Folder for the files."),
    by: str = typer.Option(None, help="Who asks (recorded in the audit log)."),
) -> None:
    """Everything held on one person: one JSON and a CSV per table (GDPR art. 15)."""
    if not (email or contact_id):
        raise typer.BadParameter("give --email or --contact-id")
    found = systems()
    requests.ensure_tables(found.warehouse)
    subject = resolve_subject(found.warehouse, email=email, contact_id=contact_id)
    key = found.secret
    subject_key = email_key(key, email) if email else keyed_hash(key, "contact", contact_id)
    folder = out / subject_key[:16]
    done = write_export(found.warehouse, subject, folder)
    audit(
        found.warehouse,
        actor=_by(by),
        action="subject_access_export",
        subject_key=subject_key,
        target=str(folder),
        detail=done.rows,
    )
    console.print(f"wrote {done.json_path} and {len(done.csv_paths)} CSV files: {done.rows}")


@gdpr_app.command("consent")
def consent(
    contact_id: str = typer.Argument(..., help="The golden contact id."),
    purpose: str = typer.Option(..., help="marketing_email | enrichment | crm_sync | profiling"),
    withdraw: bool = typer.Option(False, "--withdraw", help="Record a withdrawal (else a grant)."),
    basis: str = typer.Option("consent", help="Lawful basis (GDPR art. 6), e.g. consent."),
    source: str = typer.Option(..., help="Where it came from: webform, email to DPO, ..."),
    evidence: str = typer.Option("", help="A ticket, request id, file and row..."),
    by: str = typer.Option(None, help="Who records it (audit log)."),
) -> None:
    """Record a consent statement; a withdrawal is a new record, never an overwrite. A
    withdrawn marketing_email stops the contact's running sequences (outreach consent
    sensor) and keeps them from being enrolled."""
    found = systems()
    consent_id = record_consent(
        found.warehouse,
        contact_id=contact_id,
        purpose=purpose,
        status="withdrawn" if withdraw else "granted",
        lawful_basis=basis,
        source=source,
        evidence=evidence,
        recorded_by=_by(by),
        secret=found.secret,
    )
    console.print(f"recorded {consent_id}: {purpose} {'withdrawn' if withdraw else 'granted'}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit log's hash chain; exit 1 at the first edited or missing row."""
    warehouse = systems().warehouse
    result = verify(warehouse)
    if result.ok:
        console.print(f"audit_log: {result.rows} rows, chain intact")
        return
    console.print(f"[red]audit_log: broken at seq {result.broken_at}: {result.problem}[/red]")
    raise typer.Exit(1)


def _print_status(request_id: str | None) -> None:
    rows = requests.request_rows(systems().warehouse, request_id)
    table = Table(title="GDPR requests")
    for column in ("request_id", "destination", "status", "attempts", "reason"):
        table.add_column(column)
    for row in rows.iter_rows(named=True):
        table.add_row(
            row["request_id"],
            row["destination"],
            row["status"],
            str(row["attempts"]),
            (row["reason"] or "")[:120],
        )
    console.print(table)
