"""`bizdev` command line: demo data, and a one-shot run of every asset with a summary."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import dagster as dg
import typer
from rich.console import Console
from rich.table import Table

from bizdev_api.cli import api_app
from bizdev_assets.crm.commands import crm_app
from bizdev_assets.dedup.commands import explain, review_app
from bizdev_assets.definitions import ASSETS, build_definitions
from bizdev_assets.demo.generator import generate_demo
from bizdev_assets.enrichment import ENRICHMENT_STEPS
from bizdev_assets.gdpr.commands import audit_app, gdpr_app
from bizdev_assets.observability import commands as observability
from bizdev_assets.outreach import commands as outreach
from bizdev_assets.outreach.assets import OUTREACH_ASSETS
from bizdev_assets.outreach.services import services_for_run
from resources.error_reporting import init_error_reporting
from resources.landing import LandingZone, LocalLanding
from resources.settings import DEFAULT_LANDING, Settings, build_resources, warehouse_for
from resources.warehouse import PostgresWarehouse
from resources.warehouse.migrations import current_revision

app = typer.Typer(help="bizdev: contact files in, golden contacts out.", no_args_is_help=True)
console = Console()
app.add_typer(review_app, name="review")
app.command("explain")(explain)
db_app = typer.Typer(help="The warehouse schema (ADR-013 tables).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(crm_app, name="crm")
app.add_typer(gdpr_app, name="gdpr")
app.add_typer(audit_app, name="audit")
app.add_typer(api_app, name="api")
outreach.register(app)  # bizdev outreach enroll|pause|resume|status|event, outreach-worker
observability.register(  # bizdev metrics
    app, lambda: build_definitions(Settings.from_env()), lambda: ensure_dagster_home()
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEMO_ROWS = 5_000


@app.command("demo-data")
def demo_data(
    landing: Path = typer.Option(Path("data/landing"), help="Folder to write the files into."),
    labels: Path = typer.Option(Path("data/labels/demo_labels.csv"), help="Ground-truth CSV."),
    rows: int = typer.Option(DEFAULT_DEMO_ROWS, help="Contact rows over all files."),
    seed: int = typer.Option(42, help="Same seed, same files."),
    duplicate_rate: float = typer.Option(0.2, help="Share of rows that are extra records."),
) -> None:
    """Write realistic, messy demo contact files (with true duplicates) and their labels."""
    report = generate_demo(landing, labels, n_rows=rows, seed=seed, duplicate_rate=duplicate_rate)
    console.print(
        f"wrote {report.rows:,} rows ({report.entities:,} people) in {len(report.files)} files "
        f"to {landing} in {report.seconds:.1f}s; labels: {report.labels_path}"
    )


@app.command("export-model")
def export_model(
    out: Path = typer.Argument(..., help="Where to write the model's parameters (JSON)."),
    version: int = typer.Option(0, help="Model version; 0 = the latest."),
) -> None:
    """Write a saved match model's parameters (prior, threshold, m and u per level; no SQL)."""
    warehouse = build_resources(Settings.from_env())["warehouse"]
    where = "where version = ?" if version else ""
    rows = warehouse.query(
        f"select version, model_json from contact_match_model {where} order by version desc limit 1",
        [version] if version else None,
    )
    if rows.is_empty():
        raise typer.BadParameter(f"no saved model {version or ''} in {warehouse.location}")
    out.write_text(json.dumps(json.loads(rows["model_json"][0]), indent=2) + "\n")
    console.print(f"wrote model version {rows['version'][0]} to {out}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the ADR-013 migrations to BIZDEV_WAREHOUSE (Postgres: Alembic; DuckDB: create)."""
    settings = Settings.from_env()
    warehouse = warehouse_for(settings.warehouse, sslmode=settings.warehouse_sslmode)
    if isinstance(warehouse, PostgresWarehouse):
        warehouse.migrate()
        console.print(f"{warehouse.location}: at migration {current_revision(warehouse.dsn)}")
    else:
        warehouse.create_adr_tables()
        console.print(f"{warehouse.location}: ADR-013 tables present")


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME as set, else ./.dagster_home; seeded with the repository's dagster.yaml."""
    home = Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def writes_demo_data(settings: Settings, landing: LandingZone) -> bool:
    """Demo files go only into the embedded default's folder (`BIZDEV_LANDING` unset),
    and only when it is absent or holds nothing at all: never into a configured landing
    zone, and not into one whose entries are merely unreadable (a FIFO, dot-files)."""
    return (
        settings.landing == DEFAULT_LANDING
        and isinstance(landing, LocalLanding)
        and landing.is_empty()
    )


@app.command("run")
def run(
    demo_rows: int = typer.Option(DEFAULT_DEMO_ROWS, help="Rows of demo data if landing is empty."),
    log_level: str = typer.Option(
        "WARNING", help="Dagster console log level (DEBUG for all events)."
    ),
) -> None:
    """Materialize every asset once on the configured environment and print a summary.

    Exit status: 0 success; 1 the contacts pipeline failed; 2 the contacts pipeline
    succeeded but a CRM's or outreach's assets failed (each one's line says why)."""
    started = time.perf_counter()
    home = ensure_dagster_home()
    settings = Settings.from_env()
    init_error_reporting(settings.sentry_dsn, settings.sentry_environment)  # SENTRY_DSN
    resources = build_resources(settings)
    generated = ""
    if writes_demo_data(settings, resources["landing"]):
        labels = Path(settings.landing).resolve().parent / "labels" / "demo_labels.csv"
        report = generate_demo(Path(settings.landing), labels, n_rows=demo_rows)
        generated = f"{len(report.files)} demo files ({report.rows:,} rows) generated into it"

    # Outreach: the Temporal server and a worker for the length of the run (docs/outreach.md).
    temporal = resources["temporal"].process_config_and_initialize()
    with (
        dg.DagsterInstance.get() as instance,
        services_for_run(temporal, Path(settings.temporal_state_dir)) as services,
    ):
        result = dg.materialize(
            ASSETS,
            instance=instance,
            resources=resources,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": log_level.upper()}}}},
        )
        services.drain()
    elapsed = time.perf_counter() - started
    print_summary(result, resources, home, generated, elapsed, services)
    status, code = run_outcome(result)
    if code:
        raise typer.Exit(code=code)


def _metadata(result, asset: str) -> dict:
    for event in result.get_asset_materialization_events():
        if event.asset_key == dg.AssetKey(asset):
            return {k: v.value for k, v in event.materialization.metadata.items()}
    return {}


def _failures(result) -> dict[str, str]:
    """Failed step -> the error that failed it (the asset's own exception, not Dagster's
    wrapper), as one line."""
    failures = {}
    for event in result.get_step_failure_events():
        error = event.event_specific_data.error
        error = error.cause if error.cause is not None else error
        name, _, message = error.message.strip().partition(": ")
        failures[event.step_key] = f"{name.rsplit('.', 1)[-1]}: {message}" if message else name
    return failures


# Steps of the systems around the contacts pipeline: their failure is theirs alone.
OUTREACH_STEPS = {key.to_user_string() for asset in OUTREACH_ASSETS for key in asset.keys}


def _system_of(step: str) -> str | None:
    """The system a step belongs to (a CRM, enrichment, outreach), None for the contacts
    pipeline."""
    if step.startswith("crm_"):
        return step.split("_")[1]
    if step in ENRICHMENT_STEPS:
        return "enrichment"
    return "outreach" if step in OUTREACH_STEPS else None


def run_outcome(result) -> tuple[str, int]:
    """The run's status line and exit status: a CRM, enrichment or outreach that failed
    never fails the contacts pipeline, and is told apart from it."""
    broken = set(_failures(result)) | {e.step_key for e in result.get_step_skipped_events()}
    systems = {step: _system_of(step) for step in broken}
    if None in systems.values():
        return "[red]FAILED[/red]", 1
    if systems:
        names = ", ".join(sorted(set(systems.values())))  # type: ignore[arg-type]
        return f"[yellow]contacts pipeline success; {names} failed[/yellow]", 2
    return "[green]success[/green]", 0


def _crm_summary(result, crm: str) -> str:
    failed = {k: v for k, v in _failures(result).items() if k.startswith(f"crm_{crm}_")}
    pulled = _metadata(result, f"crm_{crm}_contacts")
    pushed = _metadata(result, f"crm_{crm}_push")
    if failed:
        step, reason = next(iter(failed.items()))
        push = f"crm_{crm}_push"
        after = f" ({push} not run)" if push not in failed and not pushed else ""
        return f"failed: {step}: {reason}{after}"
    if pushed.get("skipped") is True or pulled.get("skipped") is True:
        return "skipped: " + str(pushed.get("reason") or pulled.get("reason"))
    if not pushed and not pulled:
        return "not run"
    warnings = pushed.get("mapping_warnings") or pulled.get("mapping_warnings")
    return (
        f"pulled {pulled.get('records_stored', 0):,} changed records; pushed "
        f"{pushed.get('succeeded', 0):,} contacts ({pushed.get('rejected', 0):,} rejected, "
        f"{pushed.get('api_calls', 0):,} API calls)" + (f"; WARNING {warnings}" if warnings else "")
    )


def _enrichment_summary(result) -> dict[str, str]:
    """Company domains, one line per enrichment provider (like the CRM lines), signals."""
    domains = _metadata(result, "company_domains")
    enriched = _metadata(result, "company_enrichment")
    signals = _metadata(result, "company_signals")
    failed = {k: v for k, v in _failures(result).items() if k in ENRICHMENT_STEPS}
    statuses = ", ".join(f"{n:,} {s}" for s, n in (enriched.get("status_counts") or {}).items())
    lines = {
        "company domains": f"{domains.get('company_domains', 0):,} companies ({statuses or 'not enriched'}), "
        f"{domains.get('free_mail_domains', 0):,} free-mail, "
        f"{domains.get('disposable_domains', 0):,} disposable"
        if domains
        else "not run",
    }
    for provider in ("apollo", "pdl", "offline"):
        lines[provider] = str(enriched.get(f"provider_{provider}") or "not run")
    for step, reason in failed.items():
        lines[f"failed: {step}"] = reason
    lines["signals"] = (
        f"{signals.get('items_read', 0):,} items read, {signals.get('rows_this_run', 0):,} new signals"
        if signals.get("items_read")
        else ("none: set BIZDEV_NEWS_FEEDS" if signals else "not run")
    )
    return lines


def print_summary(
    result, resources: dict, home: Path, generated: str, elapsed: float, services=None
) -> None:
    raw = _metadata(result, "raw_contact_files")
    quarantine = _metadata(result, "contacts_quarantine")
    normalized = _metadata(result, "contacts_normalized")
    golden = _metadata(result, "golden_contacts")
    table = Table(title="bizdev run", show_header=False)
    landing = resources["landing"].location
    table.add_row("landing", landing + (f"  ({generated})" if generated else ""))
    table.add_row("warehouse", resources["warehouse"].location)
    table.add_row("DAGSTER_HOME", str(home))
    table.add_row(
        "files read",
        f"{raw.get('files_loaded', 0)} loaded, {raw.get('files_rejected', 0)} rejected, "
        f"{raw.get('files_already_ingested', 0)} already ingested"
        + (
            f", {ignored} not read (see the run log)"
            if (ignored := raw.get("files_ignored"))
            else ""
        ),
    )
    table.add_row("rows in", f"{raw.get('rows_this_run', 0):,}")
    table.add_row("rows quarantined", f"{quarantine.get('rows_this_run', 0):,}")
    table.add_row("contacts normalized (total)", f"{normalized.get('dagster/row_count', 0):,}")
    table.add_row("golden contacts", f"{golden.get('dagster/row_count', 0):,}")
    table.add_row("duplicates merged", f"{golden.get('records_merged', 0):,}")
    for crm in ("hubspot", "salesforce"):
        table.add_row(crm, _crm_summary(result, crm))
    for name, line in _enrichment_summary(result).items():
        table.add_row(name, line)
    if services is not None:
        metadata_of = lambda asset: _metadata(result, asset)  # noqa: E731
        for name, line in outreach.summary_rows(metadata_of, services, resources["mail"]):
            table.add_row(name, line)
    table.add_row("time taken", f"{elapsed:.1f} s")
    table.add_row("status", run_outcome(result)[0])
    console.print(table)
    for step, reason in _failures(result).items():
        console.print(f"[red]{step}: {reason}[/red]")


if __name__ == "__main__":
    app()
