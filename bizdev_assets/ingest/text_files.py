"""Delimited text files (CSV, TSV, semicolon/pipe exports): decode, sniff, parse.

Files arrive from Excel on German laptops (cp1252, `;`), CRMs (UTF-8 with BOM, `,`)
and hand-merged lists (half UTF-8, half Latin-1), so decoding falls back line by line
and the delimiter is chosen by which one yields a header we recognise. Decoding and
line ends are in `text_decoding.py`; the records, read in chunks with every bad one
accounted for, in `csv_records.py`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from bizdev_assets.ingest.csv_records import CsvRecords
from bizdev_assets.ingest.parsed import ParsedFile, ParsedSheet, UnreadableFile
from bizdev_assets.ingest.text_decoding import decode_text, shown_line
from resources.ingest_limits import IngestLimits

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SNIFF_BYTES = 64 * 1024

HeaderScorer = Callable[[list[str]], int]
"""Counts how many of a candidate header row's columns map onto canonical fields."""

__all__ = ["DELIMITERS", "HeaderScorer", "decode_text", "read_delimited", "sniff_delimiter"]


@dataclass(frozen=True)
class _Candidate:
    delimiter: str
    mapped: int
    consistency: float


def sniff_delimiter(text: str, tried: tuple[str, ...], score_header: HeaderScorer) -> str:
    """Pick the delimiter whose header row has recognised columns and steady widths.

    Raises UnreadableFile naming the delimiters tried when none works, or saying the
    first line is data when a delimiter splits every line evenly but names no field.
    """
    sample = text[:_SNIFF_BYTES]
    truncated = len(text) > len(sample)
    candidates = []
    headerless = 0  # columns of an evenly split file whose first line names no field
    for delimiter in tried:
        records = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter) if r]
        if truncated and len(records) > 1:
            records.pop()  # possibly cut mid-record
        if not records or len(records[0]) < 2:
            continue
        header = [h.strip() for h in records[0]]
        mapped = score_header(header)
        body = records[1:]
        steady = sum(1 for r in body if len(r) == len(header))
        consistency = steady / len(body) if body else 1.0
        if mapped:
            candidates.append(_Candidate(delimiter, mapped, consistency))
        elif body and consistency >= 0.9:
            headerless = headerless or len(header)
    if candidates:
        best = max(candidates, key=lambda c: (c.consistency >= 0.9, c.mapped, c.consistency))
        return best.delimiter
    first_line = sample.splitlines()[0].strip() if sample.strip() else ""
    if not any(d in first_line for d in DELIMITERS) and score_header([first_line]):
        return ","  # a one-column list, e.g. just "Email"
    if headerless:
        raise UnreadableFile(
            f"has no header row naming a known contact field: its lines split evenly into "
            f"{headerless} columns, but the first line matches no known header, so it may "
            "be data. If it is data, add a header row (e.g. Name,Email,Company) as the "
            "first line; if it is the header, map its columns in a header override file "
            "(BIZDEV_HEADER_OVERRIDES)."
        )
    names = ", ".join(_DELIMITER_NAMES.get(d, repr(d)) for d in tried)
    raise UnreadableFile(
        f"could not find the column delimiter: tried {names}, and none gave a header row "
        f"of two or more columns naming a known contact field (first line: "
        f"{shown_line(first_line)}). Re-export it as CSV with a header row, or add the "
        "headers to a header override file."
    )


def read_delimited(
    data: bytes, suffix: str, score_header: HeaderScorer, limits: IngestLimits
) -> ParsedFile:
    """Parse a delimited text file into one sheet; bad records become rejected lines."""
    text, decode_warnings = decode_text(data)
    if not text or text.isspace():
        raise UnreadableFile("is empty (only whitespace); re-export it and drop it again")
    explicit, text, skipped_lines = _explicit_delimiter(text)
    if explicit:
        tried: tuple[str, ...] = (explicit,)
    else:
        tried = ("\t",) if suffix == ".tsv" else DELIMITERS
    _refuse_too_wide(text, tried, limits)
    delimiter = sniff_delimiter(text, tried, score_header)
    parsed = ParsedFile(source_type="tsv" if delimiter == "\t" else "csv")
    parsed.warnings.extend(decode_warnings)
    reader = CsvRecords(text, delimiter, skipped_lines, parsed, limits)
    reader.read_header()
    parsed.sheets.append(ParsedSheet(sheet=None, chunks=reader.chunks()))
    return parsed


def _refuse_too_wide(text: str, tried: tuple[str, ...], limits: IngestLimits) -> None:
    """A header row wider than max_columns is refused before anything is parsed (it may
    not even fit the delimiter sniffer's sample)."""
    end = text.find("\n", 0, 64 * 1024 * 1024)
    first = text[: end if end >= 0 else 64 * 1024 * 1024]
    width = max(first.count(d) for d in tried) + 1
    if width > limits.max_columns:
        raise UnreadableFile(
            f"has about {width:,} columns in its header row; "
            f"{limits.how_to_raise('max_columns')}. Keep only the contact columns."
        )


def _explicit_delimiter(text: str) -> tuple[str | None, str, int]:
    """Honour Excel's `sep=;` first line, which names the delimiter outright."""
    first, _, rest = text.partition("\n")
    line = first.rstrip("\r")
    if line.startswith("sep=") and len(line) == 5:
        return line[4], rest, 1
    return None, text, 0
