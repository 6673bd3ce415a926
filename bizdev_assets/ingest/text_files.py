"""Delimited text files (CSV, TSV, semicolon/pipe exports): decode, sniff, parse.

Files arrive from Excel on German laptops (cp1252, `;`), CRMs (UTF-8 with BOM, `,`)
and hand-merged lists (half UTF-8, half Latin-1), so decoding falls back line by line
and the delimiter is chosen by which one yields a header we recognise. Decoding and
line ends are in `text_decoding.py`.

Records are parsed in chunks as the caller consumes them (`rows_per_chunk`), so a wide
or long file never exists as one frame of Python strings. A record that breaks the
file's width over several lines (an unclosed quote) is read again line by line: only
the line with the stray quote is rejected, not the hundred lines its quote swallowed.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl

from bizdev_assets.ingest.parsed import (
    ParsedFile,
    ParsedSheet,
    RejectedLine,
    SheetChunk,
    UnreadableFile,
    rows_per_chunk,
    string_frame,
    unique_headers,
)
from bizdev_assets.ingest.text_decoding import decode_text, physical_lines, shown_line
from resources.ingest_limits import IngestLimits
from resources.landing.base import printable

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SNIFF_BYTES = 64 * 1024

# The csv module's field limit is a process-wide setting: each read sets it to the
# configured `max_field_chars`, so an over-long cell stops the parser at the limit (its
# record is rejected, naming the setting) instead of being built whole in memory.
_SNIFF_FIELD_LIMIT = 2**31 - 1

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
    csv.field_size_limit(_SNIFF_FIELD_LIMIT)
    delimiter = sniff_delimiter(text, tried, score_header)
    csv.field_size_limit(limits.max_field_chars)
    parsed = ParsedFile(source_type="tsv" if delimiter == "\t" else "csv")
    parsed.warnings.extend(decode_warnings)
    reader = _Reader(text, delimiter, skipped_lines, parsed, limits)
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


def _blank(record: list[str]) -> bool:
    """An empty line, a line of spaces, or a line of only delimiters (`;;;`)."""
    if len(record) == 1:
        return not record[0].strip()
    return not any(record)


_LONG_FIELD = "a field holds more than"
_RUNAWAY = "malformed line: a quote opened here is never closed, so it swallowed the lines after it"


def _csv_reason_long(limits: IngestLimits, subject: str = "a field") -> str:
    return (
        f"{subject} holds more than {limits.max_field_chars:,} characters; "
        f"{limits.how_to_raise('max_field_chars')}, or shorten the value"
    )


def _csv_reason(exc: csv.Error, limits: IngestLimits) -> str:
    message = str(exc)
    if "new-line character" in message:
        return "malformed line: a line break inside a field that is not quoted"
    if "field larger than field limit" in message:
        return _csv_reason_long(limits)
    return f"malformed line ({message})"


class _Reader:
    """One pass of csv.reader over the text, handed out in chunks of records.

    A record's source_row is the physical line it starts on: one past where the previous
    record ended, so quoted multi-line fields still point at their start.
    """

    def __init__(
        self, text: str, delimiter: str, offset: int, parsed: ParsedFile, limits: IngestLimits
    ) -> None:
        self.text, self.delimiter, self.offset = text, delimiter, offset
        self.parsed, self.limits = parsed, limits
        self.reader = csv.reader(physical_lines(text), delimiter=delimiter)
        self.previous_end = 0
        self.spans: list[tuple[int, int, str]] = []  # (first line, last line, reason)
        self.headers: list[str] = []

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """Each non-blank record and the line it starts on (the hot loop: kept inline)."""
        reader, parsed = self.reader, self.parsed
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                reason = _csv_reason(exc, self.limits)
                self.spans.append((self.previous_end + 1, reader.line_num, reason))
                self.previous_end = reader.line_num
                continue
            start, self.previous_end = self.previous_end + 1, reader.line_num
            first = record[0] if record else ""
            if (not first and not any(record)) or (len(record) == 1 and not first.strip()):
                parsed.blank_lines += 1
                continue
            yield start, record

    def read_header(self) -> None:
        first = next(self._records(), None)
        if first is None:
            raise UnreadableFile("is empty (no header row); re-export it and drop it again")
        if len(first[1]) > self.limits.max_columns:
            raise UnreadableFile(
                f"has {len(first[1]):,} columns in its header row; "
                f"{self.limits.how_to_raise('max_columns')}. Keep only the contact columns."
            )
        self.headers, warnings = unique_headers(first[1])
        self.parsed.warnings.extend(warnings)

    def chunks(self) -> Iterator[SheetChunk]:
        width = len(self.headers)
        per_chunk = rows_per_chunk(width)
        rows: list[list[str]] = []
        numbers: list[int] = []
        read = 0
        gc_was_enabled = gc.isenabled()
        gc.disable()  # millions of small lists make the cyclic GC rescan for nothing
        try:
            for start, record in self._records():
                if len(record) != width:
                    self._reject_width(start, len(record), width)
                    continue
                if self.previous_end - start >= 2 and self._swallowed_records(record, width):
                    self.spans.append((start, self.previous_end, _RUNAWAY))
                    continue
                rows.append(record)
                numbers.append(start + self.offset)
                read += 1
                if len(rows) >= per_chunk:
                    yield self._chunk(rows, numbers)
                    rows, numbers = [], []
        finally:
            if gc_was_enabled:
                gc.enable()
        if rows or read == 0:
            yield self._chunk(rows, numbers)
        if self.spans:
            recovered_rows, recovered_numbers = self._second_pass(width)
            if recovered_rows:
                read += len(recovered_rows)
                yield self._chunk(recovered_rows, recovered_numbers)
            self.parsed.warnings.append(
                f"{len(self.parsed.rejected)} malformed record(s) skipped; see rejected lines"
            )
        if read == 0:
            self.parsed.warnings.append("has a header row but no data rows")

    def _chunk(self, rows: list[list[str]], numbers: list[int]) -> SheetChunk:
        return SheetChunk(
            headers=self.headers,
            frame=string_frame(len(self.headers), rows),
            source_rows=pl.Series("source_row", numbers, dtype=pl.Int64),
        )

    def _swallowed_records(self, record: list[str], width: int) -> bool:
        """A quoted field over three or more lines whose lines are records of the file: a
        quote that was never closed, not a multi-line note."""
        inner = [line for field in record if "\n" in field for line in field.split("\n")[1:]]
        whole = sum(1 for line in inner if line.count(self.delimiter) == width - 1)
        return bool(inner) and whole >= 0.8 * len(inner)

    def _reject_width(self, start: int, found: int, width: int) -> None:
        reason = f"malformed line: expected {width} fields, found {found}"
        if self.previous_end > start:
            reason += (
                f" (the record runs from line {start + self.offset} to "
                f"{self.previous_end + self.offset}: an unbalanced quote; each of those "
                "lines is read on its own)"
            )
        self.spans.append((start, self.previous_end, reason))

    def _second_pass(self, width: int) -> tuple[list[list[str]], list[int]]:
        """Copy out the raw lines of rejected records. A record that ran over several lines
        is re-read line by line: lines with balanced quotes and the right width load, each
        other line is rejected on its own."""
        spans, parsed = self.spans, self.parsed
        recovered: list[list[str]] = []
        numbers: list[int] = []
        lines: list[str] = []
        current = 0
        for number, line in enumerate(physical_lines(self.text), start=1):
            while current < len(spans) and number > spans[current][1]:
                self._settle(spans[current], lines, width, recovered, numbers)
                lines, current = [], current + 1
            if current == len(spans):
                break
            if number >= spans[current][0]:
                lines.append(line)
        if current < len(spans):
            self._settle(spans[current], lines, width, recovered, numbers)
        parsed.rejected.sort(key=lambda r: r.source_row)
        return recovered, numbers

    def _settle(self, span, lines, width, recovered, numbers) -> None:
        start, end, reason = span
        if reason.startswith(_LONG_FIELD):
            reason = self._long_field_reason(lines[0] if lines else "")
        if end == start or len(lines) < 2:
            raw = "".join(lines).rstrip("\r\n")
            self.parsed.rejected.append(RejectedLine(None, start + self.offset, reason, raw))
            return
        for number, line in enumerate(lines, start=start):
            try:
                record = next(csv.reader([line], delimiter=self.delimiter), [])
            except csv.Error as exc:
                raw = line.rstrip("\r\n")
                why = _csv_reason(exc, self.limits)
                self.parsed.rejected.append(RejectedLine(None, number + self.offset, why, raw))
                continue
            if _blank(record):
                self.parsed.blank_lines += 1
            elif len(record) == width and line.count('"') % 2 == 0:
                recovered.append(record)
                numbers.append(number + self.offset)
            else:
                why = (
                    "an unbalanced quote on this line"
                    if line.count('"') % 2
                    else f"expected {width} fields, found {len(record)}"
                )
                raw = line.rstrip("\r\n")
                self.parsed.rejected.append(
                    RejectedLine(None, number + self.offset, f"malformed line: {why}", raw)
                )

    def _long_field_reason(self, line: str) -> str:
        """Which column's value broke the field limit: the fields before it fit."""
        try:
            before = next(
                csv.reader([line[: self.limits.max_field_chars]], delimiter=self.delimiter), []
            )
        except csv.Error:
            before = []
        index = max(len(before) - 1, 0)
        column = self.headers[index] if index < len(self.headers) else f"column_{index + 1}"
        return _csv_reason_long(self.limits, f"column {printable(column, 80)!r}")
