"""The records of a delimited text, in chunks, with every bad one accounted for.

One pass of `csv.reader` over the text, handed out in chunks of records as the caller
consumes them (`rows_per_chunk`), so a wide or long file never exists as one frame of
Python strings. A record that breaks the file's width over several lines, or a quoted
field whose lines are records of the file (a quote never closed), is read again line by
line: only the line with the stray quote is rejected, not the lines it swallowed. A cell
longer than `max_field_chars` stops the csv parser at the limit (the field limit is set
per read), and its row is rejected naming the column and the setting.
"""

from __future__ import annotations

import csv
import gc
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl

from bizdev_assets.ingest.parsed import (
    ParsedFile,
    RejectedLine,
    SheetChunk,
    UnreadableFile,
    rows_per_chunk,
    string_frame,
    unique_headers,
)
from bizdev_assets.ingest.text_decoding import physical_lines
from resources.ingest_limits import IngestLimits
from resources.landing.base import printable


@contextmanager
def _field_limit(chars: int) -> Iterator[None]:
    """The csv module's field limit is process-wide: set to `max_field_chars` while this
    file is parsed, so an over-long cell stops the parser there, then put back."""
    previous = csv.field_size_limit(chars)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


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


class CsvRecords:
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
        with _field_limit(self.limits.max_field_chars):
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
        with _field_limit(self.limits.max_field_chars):
            yield from self._chunks()

    def _chunks(self) -> Iterator[SheetChunk]:
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
