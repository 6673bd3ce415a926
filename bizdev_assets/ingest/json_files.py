"""JSON exports: an array of records, an API envelope around one, or NDJSON.

Web forms and CRM APIs nest values (`fields.email`, `properties.firstname`), so each
record is flattened to dotted keys; header mapping matches on the last segment.

One bad record never costs the file: an array is read element by element and NDJSON
line by line, so a record nested past `max_json_depth`, one Python's parser gives up on,
or one that is not an object is rejected on its own. Numbers are kept as written (a
4,300-digit id is text, not an integer Python refuses to convert).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import polars as pl

from bizdev_assets.ingest.json_records import (
    DECODER,
    TooDeep,
    flatten,
    json_type,
    skip_value,
    unreadable_reason,
)
from bizdev_assets.ingest.parsed import (
    ParsedFile,
    ParsedSheet,
    RejectedLine,
    SheetChunk,
    UnreadableFile,
    rows_per_chunk,
    string_frame,
)
from bizdev_assets.ingest.text_decoding import decode_text, physical_lines
from resources.ingest_limits import IngestLimits

# Envelope keys APIs put the record list under, in order of preference.
_ENVELOPE_KEYS = ("contacts", "data", "records", "results", "items", "rows", "leads")
_NOT_RECORDS = (
    "is not a JSON array of records or NDJSON (one object per line); export the "
    "contacts as a JSON array of objects, or as NDJSON"
)
_WS = " \t\r\n"

Record = tuple[int, Any, str]  # source row, parsed value (or the error), raw text


def read_json(data: bytes, suffix: str, limits: IngestLimits) -> ParsedFile:
    """Read `.json`/`.ndjson`/`.jsonl`; a `.json` holding one object per line is NDJSON."""
    text, decode_warnings = decode_text(data)
    if suffix in (".ndjson", ".jsonl"):
        parsed, records = ParsedFile(source_type="ndjson"), _ndjson_records(text)
    elif text.lstrip(_WS).startswith("["):
        parsed, records = ParsedFile(source_type="json"), _array_records(text)
    else:
        try:
            document = DECODER.decode(text)
        except json.JSONDecodeError as exc:
            if not _first_line_is_object(text):
                raise UnreadableFile(
                    f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                    "fix the file or re-export it"
                ) from exc
            parsed, records = ParsedFile(source_type="ndjson"), _ndjson_records(text)
        except (RecursionError, ValueError) as exc:
            raise UnreadableFile(f"could not be parsed ({unreadable_reason(exc)})") from exc
        else:
            elements = _unwrap(document)
            parsed = ParsedFile(source_type="json")
            records = ((i + 1, v, "") for i, v in enumerate(elements))
    parsed.warnings.extend(decode_warnings)
    parsed.sheets.append(ParsedSheet(sheet=None, chunks=_chunks(records, parsed, limits)))
    return parsed


def _chunks(
    records: Iterable[Record], parsed: ParsedFile, limits: IngestLimits
) -> Iterator[SheetChunk]:
    """Flattened records in chunks, each chunk with the keys its records use."""
    kind = "line" if parsed.source_type == "ndjson" else "array element"
    all_keys: set[str] = set()
    keys: dict[str, int] = {}
    rows: list[dict[str, str | None]] = []
    numbers: list[int] = []
    read = 0
    for number, value, raw in records:
        reason = None
        if isinstance(value, RecursionError):
            value = TooDeep()
        if isinstance(value, TooDeep):
            reason = _too_deep(kind, number, limits)
        elif isinstance(value, BaseException):
            reason = f"invalid JSON: {unreadable_reason(value)}"
        elif not isinstance(value, dict):
            reason = f"{kind} {number} is not an object (found {json_type(value)})"
        else:
            try:
                flat = flatten(value, limits.max_json_depth)
            except (TooDeep, RecursionError):
                reason = _too_deep(kind, number, limits)
        if reason:
            shown = raw or _dumped(value)
            parsed.rejected.append(RejectedLine(None, number, reason, shown))
            continue
        keys.update((k, 0) for k in flat if k not in keys)
        all_keys.update(flat)
        if len(all_keys) > limits.max_columns:
            raise UnreadableFile(
                f"has more than {limits.max_columns:,} distinct keys (columns) by {kind} "
                f"{number}; {limits.how_to_raise('max_columns')}. Keep only the contact fields."
            )
        rows.append(flat)
        numbers.append(number)
        read += 1
        if len(rows) >= rows_per_chunk(len(keys)):
            yield _chunk(list(keys), rows, numbers)
            keys, rows, numbers = {}, [], []
    if rows or read == 0:
        yield _chunk(list(keys), rows, numbers)
    if parsed.rejected:
        parsed.warnings.append(
            f"{len(parsed.rejected)} malformed {kind}(s) skipped; see rejected lines"
        )
    elif read == 0:
        parsed.warnings.append("holds no records")


def _too_deep(kind: str, number: int, limits: IngestLimits) -> str:
    return (
        f"{kind} {number} is nested more than {limits.max_json_depth} levels deep; "
        f"{limits.how_to_raise('max_json_depth')}, or flatten the record"
    )


def _chunk(headers: list[str], rows: list[dict], numbers: list[int]) -> SheetChunk:
    return SheetChunk(
        headers=headers,
        frame=string_frame(len(headers), [[row.get(h) for h in headers] for row in rows]),
        source_rows=pl.Series("source_row", numbers, dtype=pl.Int64),
    )


def _dumped(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (RecursionError, ValueError, TypeError):
        return str(value)[:1000]


def _first_line_is_object(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    try:
        return isinstance(DECODER.decode(first), dict)
    except (json.JSONDecodeError, RecursionError, ValueError):
        return False


def _ndjson_records(text: str) -> Iterator[Record]:
    for number, line in enumerate(physical_lines(text), start=1):
        content = line.strip()
        if not content:
            continue
        try:
            value: Any = DECODER.decode(content)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            value = exc
        yield number, value, line.rstrip("\r\n")


def _array_records(text: str) -> Iterator[Record]:
    """The elements of a top-level array, one at a time; a bad element is yielded as its
    error (with its raw text) and reading goes on after it."""
    pos = len(text) - len(text.lstrip(_WS)) + 1
    index = 0
    while True:
        pos = _skip_ws(text, pos)
        if pos >= len(text):
            raise UnreadableFile("is not valid JSON (the array is not closed); fix or re-export it")
        if text[pos] == "]" and index == 0:
            return
        index += 1
        try:
            value, end = DECODER.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            end = skip_value(text, pos)
            value = exc
        yield index, value, text[pos:end] if isinstance(value, BaseException) else ""
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos < len(text) and text[pos] == "]":
            return
        else:
            raise UnreadableFile(
                f"is not valid JSON (after array element {index}, expected ',' or ']'); "
                "fix or re-export it"
            )


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _unwrap(document: Any) -> list[Any]:
    """Find the record list inside an API envelope like `{"results": [...], "paging": ..}`."""
    if not isinstance(document, dict):
        raise UnreadableFile(f"{_NOT_RECORDS} (found a single {json_type(document)})")
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
