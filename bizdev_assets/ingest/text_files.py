"""Delimited text files (CSV, TSV, semicolon/pipe exports): decode, sniff, parse.

Files arrive from Excel on German laptops (cp1252, `;`), CRMs (UTF-8 with BOM, `,`)
and hand-merged lists (half UTF-8, half Latin-1), so decoding falls back line by line
and the delimiter is chosen by which one yields a header we recognise.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl

from bizdev_assets.ingest.parsed import (
    ParsedFile,
    ParsedSheet,
    RejectedLine,
    UnreadableFile,
    string_frame,
    unique_headers,
)

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SNIFF_BYTES = 64 * 1024
_CHUNK_ROWS = 50_000  # rows turned into a frame at a time, bounding Python-object memory

# A contact's notes field can be huge; the csv module's 128 KiB default rejects it.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

HeaderScorer = Callable[[list[str]], int]
"""Counts how many of a candidate header row's columns map onto canonical fields."""


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode bytes to text; returns the text and a warning when a fallback was needed.

    UTF-8 (BOM stripped) is tried on the whole file first. When that fails, each line
    is decoded on its own as UTF-8 or else Windows-1252, so a Latin-1 export reads
    correctly and a file pasted together from both still keeps every line right.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    decoded: list[str] = []
    fallback = 0
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            fallback += 1
            try:
                decoded.append(line.decode("cp1252"))
            except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
                decoded.append(line.decode("latin-1"))
    text = "".join(decoded).removeprefix("\ufeff")
    warning = (
        f"not valid UTF-8: {fallback} of {len(lines)} lines were read as Windows-1252 "
        "(Western European); check accented names, and export as UTF-8 next time"
    )
    return text, warning


@dataclass(frozen=True)
class _Candidate:
    delimiter: str
    mapped: int
    consistency: float


def sniff_delimiter(text: str, tried: tuple[str, ...], score_header: HeaderScorer) -> str:
    """Pick the delimiter whose header row has recognised columns and steady widths.

    Raises UnreadableFile naming the delimiters tried when none works.
    """
    sample = text[:_SNIFF_BYTES]
    truncated = len(text) > len(sample)
    candidates = []
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
    if candidates:
        best = max(candidates, key=lambda c: (c.consistency >= 0.9, c.mapped, c.consistency))
        return best.delimiter
    first_line = sample.splitlines()[0].strip() if sample.strip() else ""
    if not any(d in first_line for d in DELIMITERS) and score_header([first_line]):
        return ","  # a one-column list, e.g. just "Email"
    names = ", ".join(_DELIMITER_NAMES.get(d, repr(d)) for d in tried)
    raise UnreadableFile(
        f"could not find the column delimiter: tried {names}, and none gave a header row "
        f"of two or more columns naming a known contact field (first line: "
        f"{first_line[:120]!r}). Re-export it as CSV with a header row, or add the "
        "headers to a header override file."
    )


def read_delimited(data: bytes, suffix: str, score_header: HeaderScorer) -> ParsedFile:
    """Parse a delimited text file into one sheet; bad records become rejected lines."""
    text, decode_warning = decode_text(data)
    if not text or text.isspace():
        raise UnreadableFile("is empty (only whitespace); re-export it and drop it again")
    if "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac line ends
    explicit, text, skipped_lines = _explicit_delimiter(text)
    if explicit:
        tried: tuple[str, ...] = (explicit,)
    else:
        tried = ("\t",) if suffix == ".tsv" else DELIMITERS
    delimiter = sniff_delimiter(text, tried, score_header)
    parsed = ParsedFile(source_type="tsv" if delimiter == "\t" else "csv")
    if decode_warning:
        parsed.warnings.append(decode_warning)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small lists make the cyclic GC rescan for nothing
    try:
        sheet, spans = _parse(text, delimiter, skipped_lines, parsed)
    finally:
        if gc_was_enabled:
            gc.enable()
    if spans:
        _attach_raw_lines(text, spans, skipped_lines, parsed)
        parsed.warnings.append(
            f"{len(parsed.rejected)} malformed record(s) skipped; see rejected lines"
        )
    if sheet.frame.height == 0:
        parsed.warnings.append("has a header row but no data rows")
    parsed.sheets.append(sheet)
    return parsed


def physical_lines(text: str) -> Iterator[str]:
    """Yield the text line by line, each ending kept (csv needs it inside quoted fields).

    Splits on line feeds only. Cheaper than io.StringIO, which copies the whole text
    into a 4-bytes-per-character buffer; files with bare carriage-return line ends are
    converted up front in read_delimited.
    """
    start, find, length = 0, text.find, len(text)
    while start < length:
        end = find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _explicit_delimiter(text: str) -> tuple[str | None, str, int]:
    """Honour Excel's `sep=;` first line, which names the delimiter outright."""
    first, _, rest = text.partition("\n")
    line = first.rstrip("\r")
    if line.startswith("sep=") and len(line) == 5:
        return line[4], rest, 1
    return None, text, 0


def _parse(
    text: str, delimiter: str, line_offset: int, parsed: ParsedFile
) -> tuple[ParsedSheet, list[tuple[int, int, str]]]:
    """Read all records; returns the sheet and (start, end, reason) of rejected ones.

    A record's source_row is the physical line it starts on: one past where the
    previous record ended, so quoted multi-line fields still point at their start.
    """
    reader = csv.reader(physical_lines(text), delimiter=delimiter)
    header: list[str] | None = None
    width = 0
    chunks: list[pl.DataFrame] = []
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    spans: list[tuple[int, int, str]] = []
    previous_end = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            spans.append((previous_end + 1, reader.line_num, f"malformed line: {exc}"))
            previous_end = reader.line_num
            continue
        start, previous_end = previous_end + 1, reader.line_num
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # blank line
        if header is None:
            header, header_warnings = unique_headers(record)
            parsed.warnings.extend(header_warnings)
            width = len(header)
            continue
        if len(record) != width:
            reason = f"malformed line: expected {width} fields, found {len(record)}"
            if previous_end > start:
                reason += (
                    f" (the record runs from line {start + line_offset} to "
                    f"{previous_end + line_offset}; check for an unbalanced quote)"
                )
            spans.append((start, previous_end, reason))
            continue
        rows.append(record)
        row_numbers.append(start + line_offset)
        if len(rows) >= _CHUNK_ROWS:
            chunks.append(string_frame(header, rows))
            rows = []
    if header is None:
        raise UnreadableFile("is empty (no header row); re-export it and drop it again")
    chunks.append(string_frame(header, rows))
    frame = pl.concat(chunks, rechunk=False) if len(chunks) > 1 else chunks[0]
    source_rows = pl.Series("source_row", row_numbers, dtype=pl.Int64)
    return ParsedSheet(sheet=None, frame=frame, source_rows=source_rows), spans


def _attach_raw_lines(
    text: str, spans: list[tuple[int, int, str]], line_offset: int, parsed: ParsedFile
) -> None:
    """Second pass, only when something was rejected: copy out the raw physical lines.

    `spans` are (first line, last line, reason), in file order and non-overlapping.
    """
    parts: list[list[str]] = [[] for _ in spans]
    current = 0
    for number, line in enumerate(physical_lines(text), start=1):
        while current < len(spans) and number > spans[current][1]:
            current += 1
        if current == len(spans):
            break
        if number >= spans[current][0]:
            parts[current].append(line)
    for (start, _, reason), lines in zip(spans, parts, strict=True):
        raw = "".join(lines).rstrip("\r\n")
        parsed.rejected.append(RejectedLine(None, start + line_offset, reason, raw))
