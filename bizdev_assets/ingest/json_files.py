"""JSON exports: an array of records, an API envelope around one, or NDJSON.

Web forms and CRM APIs nest values (`fields.email`, `properties.firstname`), so each
record is flattened to dotted keys; header mapping matches on the last segment.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from bizdev_assets.ingest.parsed import (
    ParsedFile,
    ParsedSheet,
    RejectedLine,
    UnreadableFile,
    string_frame,
)
from bizdev_assets.ingest.text_files import decode_text

# Envelope keys APIs put the record list under, in order of preference.
_ENVELOPE_KEYS = ("contacts", "data", "records", "results", "items", "rows", "leads")
_NOT_RECORDS = (
    "is not a JSON array of records or NDJSON (one object per line); export the "
    "contacts as a JSON array of objects, or as NDJSON"
)


def read_json(data: bytes, suffix: str) -> ParsedFile:
    """Read `.json`/`.ndjson`/`.jsonl`; a `.json` holding one object per line is NDJSON."""
    text, decode_warning = decode_text(data)
    if suffix in (".ndjson", ".jsonl"):
        parsed = _read_ndjson(text)
    else:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            if not _first_line_is_object(text):
                raise UnreadableFile(
                    f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                    "fix the file or re-export it"
                ) from exc
            parsed = _read_ndjson(text)
        else:
            parsed = _read_document(document)
    if decode_warning:
        parsed.warnings.insert(0, decode_warning)
    if parsed.sheets[0].frame.height == 0 and not parsed.rejected:
        parsed.warnings.append("holds no records")
    return parsed


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
    """Flatten nested objects to dotted keys; every leaf becomes text (or null).

    Booleans become "true"/"false" and lists become JSON text, so nothing is lost
    and normalization sees one type.
    """
    flat: dict[str, str | None] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{name}."))
        elif value is None:
            flat[name] = None
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        elif isinstance(value, str):
            flat[name] = value
        elif isinstance(value, int | float):
            flat[name] = str(value)
        else:
            flat[name] = json.dumps(value, ensure_ascii=False)
    return flat


def _json_type(value: Any) -> str:
    names = {bool: "boolean", int: "number", float: "number", str: "string", list: "array"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _first_line_is_object(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except json.JSONDecodeError:
        return False


def _read_document(document: Any) -> ParsedFile:
    records = document if isinstance(document, list) else _unwrap(document)
    parsed = ParsedFile(source_type="json")
    good: list[dict[str, str | None]] = []
    numbers: list[int] = []
    for index, element in enumerate(records):
        if isinstance(element, dict):
            good.append(flatten(element))
            numbers.append(index + 1)
        else:
            parsed.rejected.append(
                RejectedLine(
                    None,
                    index + 1,
                    f"array element {index + 1} is not an object (found {_json_type(element)})",
                    json.dumps(element, ensure_ascii=False),
                )
            )
    parsed.sheets.append(_sheet(good, numbers))
    return parsed


def _unwrap(document: Any) -> list[Any]:
    """Find the record list inside an API envelope like `{"results": [...], "paging": ..}`."""
    if not isinstance(document, dict):
        raise UnreadableFile(f"{_NOT_RECORDS} (found a single {_json_type(document)})")
    for key in _ENVELOPE_KEYS:
        if isinstance(document.get(key), list):
            return document[key]
    lists = {
        key: value
        for key, value in document.items()
        if isinstance(value, list) and any(isinstance(v, dict) for v in value)
    }
    if len(lists) == 1:
        return next(iter(lists.values()))
    if not lists:
        raise UnreadableFile(f"{_NOT_RECORDS} (found an object with no list of records)")
    raise UnreadableFile(
        f"{_NOT_RECORDS} (found several lists of records: {', '.join(lists)}); "
        "keep only the contacts list"
    )


def _read_ndjson(text: str) -> ParsedFile:
    parsed = ParsedFile(source_type="ndjson")
    good: list[dict[str, str | None]] = []
    numbers: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        content = line.strip()
        if not content:
            continue
        try:
            value = json.loads(content)
        except json.JSONDecodeError as exc:
            reason = f"invalid JSON: {exc.msg} (column {exc.colno})"
        else:
            if isinstance(value, dict):
                good.append(flatten(value))
                numbers.append(number)
                continue
            reason = f"line is not a JSON object (found {_json_type(value)})"
        parsed.rejected.append(RejectedLine(None, number, reason, line.rstrip("\r")))
    if parsed.rejected:
        parsed.warnings.append(
            f"{len(parsed.rejected)} malformed line(s) skipped; see rejected lines"
        )
    parsed.sheets.append(_sheet(good, numbers))
    return parsed


def _sheet(records: list[dict[str, str | None]], numbers: list[int]) -> ParsedSheet:
    headers = list(dict.fromkeys(key for record in records for key in record))
    rows = [[record.get(h) for h in headers] for record in records]
    return ParsedSheet(
        sheet=None,
        frame=string_frame(headers, rows),
        source_rows=pl.Series("source_row", numbers, dtype=pl.Int64),
    )
