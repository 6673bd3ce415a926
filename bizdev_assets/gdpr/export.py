"""Subject access (GDPR art. 15): everything bizdev holds on one person, as files.

The rows are found exactly as erasure finds them (`registry.py`, `subject.py`), so an
export shows what an erasure would delete: one JSON document (the identifiers found,
then every table's rows) and one CSV per table with rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from bizdev_assets.gdpr.identifiers import Subject
from bizdev_assets.gdpr.registry import TableRule, rule_for
from bizdev_assets.gdpr.warehouse_erasure import sql_name, subject_condition, text_columns
from resources.warehouse import Warehouse


@dataclass(frozen=True)
class Export:
    json_path: Path
    csv_paths: list[Path]
    rows: dict[str, int]


def subject_rows(warehouse: Warehouse, subject: Subject) -> dict[str, pl.DataFrame]:
    held: dict[str, pl.DataFrame] = {}
    for table, text in text_columns(warehouse).items():
        rule = rule_for(table) or TableRule(all_text=True)
        if rule.no_subject:
            continue
        columns = warehouse.query(f"select * from {sql_name(table)} limit 0").columns
        where, params = subject_condition(rule, columns, text, subject)
        if where == "false":
            continue
        rows = warehouse.query(f"select * from {sql_name(table)} where {where}", params)
        if rows.height:
            held[table] = rows
    return held


def write_export(warehouse: Warehouse, subject: Subject, folder: Path) -> Export:
    folder.mkdir(parents=True, exist_ok=True)
    held = subject_rows(warehouse, subject)
    document = {
        "exported_at": datetime.now(UTC).isoformat(),
        "subject": subject.to_json(),
        "tables": {t: rows.to_dicts() for t, rows in sorted(held.items())},
    }
    json_path = folder / "subject.json"
    json_path.write_text(json.dumps(document, indent=2, default=str, ensure_ascii=False))
    csv_paths = []
    for table, rows in sorted(held.items()):
        path = folder / f"{table}.csv"
        flat = rows.with_columns(
            [
                pl.col(c).list.eval(pl.element().cast(pl.String)).list.join("|")
                for c, t in rows.schema.items()
                if isinstance(t, pl.List)
            ]
        )
        flat.write_csv(path)
        csv_paths.append(path)
    return Export(json_path, csv_paths, {t: r.height for t, r in held.items()})
