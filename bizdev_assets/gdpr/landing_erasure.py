"""Rewriting landing files without a subject's rows (folder or bucket, the same code).

A file is rewritten only when a row of it names the subject: line files (CSV, TSV,
text, NDJSON) lose the lines that hold one of their emails or phones, byte for byte
otherwise (same encoding, same line ends); a JSON array loses its elements; a workbook
is written again sheet by sheet as text cells (formatting is not kept). The rewritten
file's hash is logged in `landing_file_log` as already loaded, so the next run does not
read its other rows a second time.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

import polars as pl

from bizdev_assets.gdpr.identifiers import Subject
from bizdev_assets.ingest.file_outcome import FILE_LOG_SCHEMA, FILE_LOG_TABLE
from resources.landing import LandingZone, content_hash
from resources.warehouse import Warehouse

LINE_SUFFIXES = {".csv", ".tsv", ".txt", ".ndjson", ".jsonl"}
# Files bizdev writes itself that may quote a person: the enrichment providers' raw
# exchanges (one JSON line per call, listed in `enrichment_archive_files`, not in the
# landing listing). A bulk call names up to ten people in one line, so the subject's
# parts are cut out of the JSON (`redacted`), not the whole line.
ARCHIVE_TABLE = "enrichment_archive_files"


@dataclass(frozen=True)
class Rewrite:
    key: str
    rows_removed: int
    error: str | None = None


def without_subject(key: str, data: bytes, subject: Subject) -> tuple[bytes, int]:
    """The file's bytes without the subject's rows, and how many rows went."""
    suffix = PurePosixPath(key).suffix.lower()
    if suffix == ".xlsx":
        return _workbook_without(data, subject)
    if suffix == ".json":
        return _json_without(data, subject)
    if suffix in LINE_SUFFIXES:
        return _lines_without(data, subject)
    raise ValueError(f"{key}: cannot rewrite a {suffix or 'extensionless'} file; delete it by hand")


def redacted(value: Any, subject: Subject) -> Any:
    """`value` (parsed JSON) without the subject: list items naming them dropped, other
    strings naming them nulled, everything else kept."""
    if isinstance(value, list):
        return [
            redacted(v, subject)
            for v in value
            if not (isinstance(v, dict | str) and subject.matches_text(json.dumps(v)))
        ]
    if isinstance(value, dict):
        return {k: redacted(v, subject) for k, v in value.items()}
    if isinstance(value, str) and subject.matches_text(value):
        return None
    return value


def archive_without_subject(data: bytes, subject: Subject) -> tuple[bytes, int]:
    """An archive file (NDJSON) with the subject cut out of every line that names them."""
    lines = data.decode("utf-8").splitlines(keepends=True)
    changed = 0
    out = []
    for line in lines:
        if line.strip() and subject.matches_text(line):
            line = json.dumps(redacted(json.loads(line), subject), ensure_ascii=False) + "\n"
            changed += 1
        out.append(line)
    return "".join(out).encode(), changed


def _lines_without(data: bytes, subject: Subject) -> tuple[bytes, int]:
    text = data.decode("utf-8", "surrogateescape")
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines if not subject.matches_text(line)]
    return "".join(kept).encode("utf-8", "surrogateescape"), len(lines) - len(kept)


def _json_without(data: bytes, subject: Subject) -> tuple[bytes, int]:
    document = json.loads(data.decode("utf-8-sig"))
    removed = 0

    def keep(items: list) -> list:
        nonlocal removed
        kept = [i for i in items if not subject.matches_text(json.dumps(i, ensure_ascii=False))]
        removed += len(items) - len(kept)
        return kept

    if isinstance(document, list):
        document = keep(document)
    elif isinstance(document, dict):
        document = {k: keep(v) if isinstance(v, list) else v for k, v in document.items()}
    return json.dumps(document, ensure_ascii=False, indent=1).encode(), removed


def _workbook_without(data: bytes, subject: Subject) -> tuple[bytes, int]:
    import fastexcel
    import xlsxwriter

    reader = fastexcel.read_excel(bytes(data))
    buffer = io.BytesIO()
    removed = 0
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        for name in reader.sheet_names:
            sheet = reader.load_sheet_by_name(name, header_row=None).to_polars()
            rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows()]
            kept = [row for row in rows if not subject.matches_text("\t".join(row))]
            removed += len(rows) - len(kept)
            out = book.add_worksheet(name)
            for r, row in enumerate(kept):
                for c, value in enumerate(row):
                    out.write_string(r, c, value)
    return buffer.getvalue(), removed


def erase_from_landing(
    landing: LandingZone, warehouse: Warehouse, subject: Subject, request_id: str
) -> list[Rewrite]:
    """Rewrite every landing file of the subject's; one `Rewrite` per file touched."""
    present = {f.key: f for f in landing.list_files()}
    archives = _archive_keys(warehouse)
    results = []
    for key in sorted(subject.files | archives):
        if key not in present and key not in archives:
            continue  # gone already (deleted, or renamed: then found by its new name)
        try:
            data = landing.read_bytes(key)
            if key in archives:
                cleaned, removed = archive_without_subject(data, subject)
            else:
                cleaned, removed = without_subject(key, data, subject)
            if removed:
                landing.write_bytes(key, cleaned)
                _log_rewrite(
                    landing, warehouse, key, content_hash(data), cleaned, removed, request_id
                )
            results.append(Rewrite(key, removed))
        except FileNotFoundError:
            continue
        except Exception as exc:  # one file's failure is reported, the others go on
            results.append(Rewrite(key, 0, f"{type(exc).__name__}: {exc}"))
    return results


def _archive_keys(warehouse: Warehouse) -> set[str]:
    if not warehouse.table_exists(ARCHIVE_TABLE):
        return set()
    return set(warehouse.query(f"select archive_key from {ARCHIVE_TABLE}")["archive_key"])


def _log_rewrite(
    landing: LandingZone,
    warehouse: Warehouse,
    key: str,
    old_hash: str,
    cleaned: bytes,
    removed: int,
    request_id: str,
) -> None:
    """Log the rewritten bytes as loaded (its other rows are in the warehouse already)."""
    listed = next((f for f in landing.list_files() if f.key == key), None)
    old = warehouse.query(f"select * from {FILE_LOG_TABLE} where file_hash = ? limit 1", [old_hash])
    now = datetime.now(UTC).replace(tzinfo=None)
    row = {name: None for name in FILE_LOG_SCHEMA}
    if old.height:
        row |= {k: v for k, v in old.row(0, named=True).items() if k in row}
    row |= {
        "file_hash": content_hash(cleaned),
        "source_file": listed.name if listed else key,
        "size_bytes": len(cleaned),
        "etag": listed.etag if listed else None,
        "status": "loaded",
        "rows_read": max(0, (row.get("rows_read") or 0) - removed),
        "warnings": json.dumps([f"rewritten by GDPR request {request_id}: {removed} rows removed"]),
        "ingested_at": now,
    }
    frame = pl.DataFrame([row], schema=FILE_LOG_SCHEMA)
    columns = set(warehouse.query(f"select * from {FILE_LOG_TABLE} limit 0").columns)
    warehouse.append_rows(FILE_LOG_TABLE, frame.select([c for c in frame.columns if c in columns]))
