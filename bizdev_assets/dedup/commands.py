"""`bizdev review ...` and `bizdev explain ...`: people settle and inspect matches.

They work on the configured warehouse (the same settings as the pipeline), so a
reviewer's decision lands where the next `contacts_refresh` run reads it.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from bizdev_assets.dedup.review import (
    DECISIONS_TABLE,
    QUEUE_TABLE,
    decision_rows,
    decisions_from_csv,
)
from resources.settings import Settings, build_resources
from resources.warehouse import Warehouse

review_app = typer.Typer(help="The match review queue and decisions.", no_args_is_help=True)
console = Console()


def _warehouse() -> Warehouse:
    return build_resources(Settings.from_env())["warehouse"]


def _print(frame: pl.DataFrame, title: str) -> None:
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(column)
    for row in frame.iter_rows():
        table.add_row(
            *("" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v) for v in row)
        )
    console.print(table)


@review_app.command("list")
def list_queue(limit: int = typer.Option(20, help="How many pairs to show.")) -> None:
    """The pairs the model is unsure of, most likely matches first, with their evidence."""
    warehouse = _warehouse()
    if not warehouse.table_exists(QUEUE_TABLE):
        raise typer.BadParameter("no review queue yet: materialize contact_clusters first")
    queue = warehouse.query(
        f"select q.*, l.full_name as name_l, l.email as email_l, r.full_name as name_r, "
        f"r.email as email_r from {QUEUE_TABLE} q "
        "join contacts_normalized l on l.record_id = q.record_id_l "
        "join contacts_normalized r on r.record_id = q.record_id_r "
        "order by q.match_probability desc limit ?",
        [limit],
    )
    console.print(f"{QUEUE_TABLE}: {warehouse.row_count(QUEUE_TABLE)} pairs to review")
    for row in queue.iter_rows(named=True):
        console.print(
            f"p={row['match_probability']:.3f}  {row['record_id_l']} {row['name_l']} <{row['email_l']}>"
            f"  ~  {row['record_id_r']} {row['name_r']} <{row['email_r']}>\n"
            f"    evidence: {evidence(row)}"
        )


def evidence(row: dict) -> str:
    """Per-comparison match weights (bits; term-frequency adjustments folded in)."""
    parts = []
    for key, value in row.items():
        if key.startswith("mw_") and not key.startswith("mw_tf_adj_") and value is not None:
            name = key.removeprefix("mw_")
            total = value + (row.get(f"mw_tf_adj_{name}") or 0.0)
            parts.append(f"{name} {total:+.1f}")
    return ", ".join(parts)


@review_app.command("decide")
def decide(
    record_a: str,
    record_b: str,
    verdict: str = typer.Option(..., "--decision", help="must_link or cannot_link"),
    by: str = typer.Option(..., help="Who decides (kept for audit)."),
    note: str = typer.Option(None, help="Why."),
) -> None:
    """Record one decision; the next clustering run honours it."""
    rows = decision_rows([(record_a, record_b)], verdict, by, note)
    _warehouse().append_rows(DECISIONS_TABLE, rows)
    console.print(f"{verdict}: {record_a} / {record_b} (by {by}) saved to {DECISIONS_TABLE}")


@review_app.command("import")
def import_decisions(path: Path) -> None:
    """Append decisions from a CSV: record_id_l, record_id_r, decision, decided_by[, note]."""
    rows = decisions_from_csv(path)
    _warehouse().append_rows(DECISIONS_TABLE, rows)
    console.print(f"{rows.height} decisions from {path} saved to {DECISIONS_TABLE}")


def explain(contact: str) -> None:
    """Which records make up a golden contact (by contact_id, an old ID, or email), and
    the evidence, comparison by comparison, for every link that joined them."""
    warehouse = _warehouse()
    contact_id = _resolve(warehouse, contact)
    golden = warehouse.query("select * from golden_contacts where contact_id = ?", [contact_id])
    _print(
        golden.select("contact_id", "full_name", "email", "phone", "company", "record_count"),
        "golden contact",
    )
    records = warehouse.query(
        "select n.record_id, n.source_file, n.source_sheet, n.source_row, n.full_name, n.email, "
        "n.phone, n.mobile, n.company from contact_clusters c "
        "join contacts_normalized n using (record_id) where c.contact_id = ? order by 1",
        [contact_id],
    )
    _print(records, f"{records.height} records merged")
    links = warehouse.query(
        "select k.* from contact_match_links k join contact_clusters c "
        "on c.record_id = k.record_id_l where c.contact_id = ? order by match_probability desc",
        [contact_id],
    )
    for row in links.iter_rows(named=True):
        how = "reviewer's must-link" if row["decided"] else f"p={row['match_probability']:.3f}"
        console.print(f"{row['record_id_l']} ~ {row['record_id_r']}  {how}  {evidence(row)}")


def _resolve(warehouse: Warehouse, contact: str) -> str:
    """A current contact_id from a contact_id, an ID merged away, or an email."""
    if "@" in contact:
        found = warehouse.query(
            "select contact_id from golden_contacts where email = ?", [contact.lower()]
        )
        if found.is_empty():
            raise typer.BadParameter(f"no golden contact with email {contact}")
        return found["contact_id"][0]
    current = contact
    if warehouse.table_exists("contact_id_history"):
        history = dict(
            warehouse.query(
                "select old_contact_id, new_contact_id from contact_id_history"
            ).iter_rows()
        )
        seen = set()
        while current in history and current not in seen:
            seen.add(current)
            current = history[current]
    if warehouse.query("select 1 from golden_contacts where contact_id = ?", [current]).is_empty():
        raise typer.BadParameter(f"no golden contact {contact}")
    if current != contact:
        console.print(f"{contact} was merged into {current}")
    return current
