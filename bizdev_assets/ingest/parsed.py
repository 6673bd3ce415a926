"""What the format readers (text, Excel, JSON) hand back before header mapping.

Each reader only turns bytes into chunks of string columns with their source row
numbers; mapping headers onto canonical fields happens once, in `raw_rows.py`, so every
format gets the same mapping, attributes and provenance rules.

Headers are data, never expressions: a chunk's columns are named by position (`c0`,
`c1`, ...) and its headers travel beside it as a list, so a header such as `^.*$`, an
empty one or a 10,000-character one is only ever compared as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

MAX_RAW_CHARS = 10_000  # what a quarantined line keeps of its raw content
CELLS_PER_CHUNK = 2_000_000  # cells turned into a frame at a time (bounds Python objects)
MAX_CHUNK_ROWS = 50_000


def clip_raw(raw: str, limit: int = MAX_RAW_CHARS) -> str:
    """A rejected record's raw content as stored: at most `limit` characters, saying how
    long it was when cut (a runaway quote or a 50 MB cell is not stored whole)."""
    if len(raw) <= limit:
        return raw
    return f"{raw[:limit]}… [cut: {len(raw):,} characters in all]"


@dataclass(frozen=True)
class RejectedLine:
    """One record that could not be read; the rest of its file still loads."""

    source_sheet: str | None
    source_row: int
    reason: str  # e.g. "malformed line: expected 12 fields, found 14"
    raw_content: str  # the line/record as read, clipped to MAX_RAW_CHARS

    def __post_init__(self) -> None:
        object.__setattr__(self, "raw_content", clip_raw(self.raw_content))


class UnreadableFile(Exception):
    """The whole file is unusable; the message says why and what to do (no file name)."""


@dataclass(frozen=True)
class SheetChunk:
    """Consecutive records of one sheet: `frame` has one String column per header, named
    by position (`positional_names`), and one source row per record."""

    headers: list[str]  # unique (see unique_headers), in column order
    frame: pl.DataFrame
    source_rows: pl.Series  # Int64


@dataclass
class ParsedSheet:
    """A sheet's records in chunks. `chunks` may be a generator that parses as it is
    consumed (and adds rejected records and warnings to its ParsedFile while it does)."""

    sheet: str | None
    chunks: Iterable[SheetChunk]


@dataclass
class ParsedFile:
    """Every sheet of one file, plus the records and notes that did not make it in.

    `rejected` and `warnings` are complete only once every sheet's chunks are consumed.
    """

    source_type: str
    sheets: list[ParsedSheet] = field(default_factory=list)
    rejected: list[RejectedLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blank_lines: int = 0  # empty lines, or lines of only delimiters: skipped, counted


def positional_names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def unique_headers(raw: Sequence[str | None]) -> tuple[list[str], list[str]]:
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
        f"header {_short(name)!r} appears {count} times; the first is mapped, the others "
        f"are kept in attributes as '{_short(name)} (2)'" + (" ..." if count > 2 else "")
        for name, count in copies.items()
    ]
    return headers, warnings


def rows_per_chunk(width: int) -> int:
    """Records per chunk for a sheet this wide: fewer when wide, so memory stays bounded."""
    return max(1, min(MAX_CHUNK_ROWS, CELLS_PER_CHUNK // max(width, 1)))


def string_frame(width: int, rows: Sequence[Sequence[str | None]]) -> pl.DataFrame:
    """One all-string frame with positional columns from row lists of `width` fields."""
    schema = dict.fromkeys(positional_names(width), pl.String)
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, schema=schema, orient="row")


def _short(header: str, limit: int = 80) -> str:
    return header if len(header) <= limit else header[: limit - 1] + "…"
