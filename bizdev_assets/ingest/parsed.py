"""What the format readers (text, Excel, JSON) hand back before header mapping.

Each reader only turns bytes into sheets of string columns with their source row
numbers; mapping headers onto canonical fields happens once, in `readers.py`, so every
format gets the same mapping, attributes and provenance rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class RejectedLine:
    """One record that could not be read; the rest of its file still loads."""

    source_sheet: str | None
    source_row: int
    reason: str  # e.g. "malformed line: expected 12 fields, found 14"
    raw_content: str  # the line/record as read


class UnreadableFile(Exception):
    """The whole file is unusable; the message says why and what to do (no file name)."""


@dataclass
class ParsedSheet:
    """A sheet's columns under their (unique) original headers, all pl.String.

    Empty strings are still present here; they become null when the sheet is mapped.
    """

    sheet: str | None
    frame: pl.DataFrame
    source_rows: pl.Series  # Int64, one per frame row


@dataclass
class ParsedFile:
    """Every sheet of one file, plus the records and notes that did not make it in."""

    source_type: str
    sheets: list[ParsedSheet] = field(default_factory=list)
    rejected: list[RejectedLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def unique_headers(raw: list[str | None]) -> tuple[list[str], list[str]]:
    """Strip headers, name blank ones by position and suffix repeats: `Email (2)`.

    Returns the headers and warnings (without file name) for any repeats, so the
    first of a repeated header maps and the later ones land in attributes.
    """
    headers: list[str] = []
    seen: set[str] = set()
    copies: dict[str, int] = {}
    for position, value in enumerate(raw, start=1):
        name = (value or "").strip() or f"column_{position}"
        candidate = name
        while candidate in seen:
            copies[name] = copies.get(name, 1) + 1
            candidate = f"{name} ({copies[name]})"
        seen.add(candidate)
        headers.append(candidate)
    warnings = [
        f"header {name!r} appears {count} times; the first is mapped, the others are "
        f"kept in attributes as '{name} (2)'" + (" ..." if count > 2 else "")
        for name, count in copies.items()
    ]
    return headers, warnings


def string_frame(headers: list[str], rows: Sequence[Sequence[str | None]]) -> pl.DataFrame:
    """Build one all-string frame from row lists (rows must have len(headers) fields)."""
    schema = dict.fromkeys(headers, pl.String)
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, schema=schema, orient="row")
