"""`bizdev crm ...`: what an operator runs against the configured CRMs.

- `bizdev crm setup [--dry-run] [--crm hubspot|salesforce]`: create the custom properties
  the field mappings need (`setup.py`); exit status 0 when every CRM has what its mapping
  needs (or, with --dry-run, can be given it), 1 when something is left for an admin.
- `bizdev crm retry-rejected [--crm ...]`: send the contacts a CRM refused for good again
  at the next push, without waiting for them to change (after fixing a validation rule).

Both read the same settings as the pipeline (docs/settings.md).
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from bizdev_assets.crm.mapping import CrmMapping
from bizdev_assets.crm.setup import SetupReport, run_setup
from bizdev_assets.crm.state import REJECTIONS_TABLE
from resources.crm import CrmResource
from resources.settings import Settings, build_resources

crm_app = typer.Typer(help="HubSpot and Salesforce: setup and rejected rows.", no_args_is_help=True)
console = Console()
CRMS = ("hubspot", "salesforce")
PLAN_WORDS = {"create": "would create", "created": "created", "exists": "exists"}


def _crms(only: str | None) -> list[CrmResource]:
    if only is not None and only not in CRMS:
        raise typer.BadParameter(f"--crm {only!r}: expected one of {', '.join(CRMS)}")
    resources = build_resources(Settings.from_env())
    # Outside a run the EnvVar secrets are resolved here, as Dagster does at run start.
    return [
        resources[name].process_config_and_initialize() for name in CRMS if only in (None, name)
    ]


@crm_app.command("setup")
def setup(
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; change nothing."),
    crm: str | None = typer.Option(None, help="Only this CRM: hubspot or salesforce."),
) -> None:
    """Create the custom properties (HubSpot) / fields (Salesforce) the mappings need."""
    complete = True
    for resource in _crms(crm):
        if not resource.configured:
            console.print(
                f"{resource.crm_type}: skipped: not configured: {resource.missing_settings}"
            )
            continue
        mapping = CrmMapping.configured(resource.mapping_path, resource.crm_type)
        report = run_setup(resource.client(), mapping, dry_run=dry_run)
        _print(report, dry_run)
        complete &= report.done
    if not complete:
        raise typer.Exit(code=1)


def _print(report: SetupReport, dry_run: bool) -> None:
    title = f"{report.crm} {report.object}" + (" (dry run: nothing changed)" if dry_run else "")
    table = Table(title=title)
    for column in ("property", "type", "action", "what to do"):
        table.add_column(column)
    for step in report.steps:
        kind = step.prop.type + (" unique" if step.prop.unique else "")
        table.add_row(step.prop.name, kind, PLAN_WORDS.get(step.action, step.action), step.detail)
    console.print(table)
    for problem in report.problems:
        console.print(f"[yellow]not fixed by setup: {problem}[/yellow]")
    console.print(f"{report.crm}: {report.write_calls} write calls")


@crm_app.command("retry-rejected")
def retry_rejected(
    crm: str | None = typer.Option(None, help="Only this CRM: hubspot or salesforce."),
) -> None:
    """Send the contacts a CRM refused for good again at the next push."""
    names = [c for c in CRMS if crm in (None, c)]
    warehouse = build_resources(Settings.from_env())["warehouse"]
    if not warehouse.table_exists(REJECTIONS_TABLE):
        console.print("no rejected contacts")
        return
    placeholders = ", ".join("?" * len(names))
    released = warehouse.query(
        f"update {REJECTIONS_TABLE} set permanent = false where resolved_at is null "
        f"and permanent and crm_type in ({placeholders}) returning contact_id",
        names,
    )
    console.print(f"{released.height} rejected contacts will be sent again at the next push")
