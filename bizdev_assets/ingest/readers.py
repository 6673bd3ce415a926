"""Read any contact file a sales team drops into the raw canonical frame.

`read_contact_bytes` is the one entry point (files on disk and objects streamed from
S3 both arrive as bytes). It picks the format reader by what the bytes are (a workbook
named .csv is read as one, a legacy .xls or binary file is refused by name, not dumped
into the message), maps each chunk's headers onto the canonical fields (`raw_rows.py`)
and adds provenance, so every format yields the same columns: `canonical.RAW_COLUMNS`.
Bad content never raises: a bad record becomes a `RejectedLine`, a bad file a result
with `error` set and no rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polars as pl

from bizdev_assets.ingest.excel_files import LEGACY_XLS_MAGIC, read_workbook
from bizdev_assets.ingest.headers import ColumnPlan, HeaderMapping
from bizdev_assets.ingest.json_files import read_json
from bizdev_assets.ingest.parsed import ParsedFile, RejectedLine, UnreadableFile
from bizdev_assets.ingest.raw_rows import RAW_SCHEMA, Provenance, to_raw
from bizdev_assets.ingest.text_files import read_delimited
from resources.ingest_limits import IngestLimits

__all__ = [
    "RAW_SCHEMA",
    "SUPPORTED_SUFFIXES",
    "FileReadResult",
    "HeaderMapping",
    "RejectedLine",
    "read_contact_bytes",
    "read_contact_file",
]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".csv", ".tsv", ".txt", ".xlsx", ".json", ".ndjson", ".jsonl"}
)
DEFAULT_LIMITS = IngestLimits()
_JSON_SUFFIXES = frozenset({".json", ".ndjson", ".jsonl"})
_ZIP_MAGIC = b"PK\x03\x04"
_BINARY_SAMPLE = 8192
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1a\x00")  # NUL: UTF-16 text, or padding removed later


@dataclass
class FileReadResult:
    """One file's rows in the raw canonical shape, plus what could not be read."""

    source_file: str
    file_hash: str  # sha256 hex of the bytes: the file's identity
    source_type: str  # csv | tsv | xlsx | json | ndjson
    rows: pl.DataFrame  # exactly RAW_COLUMNS, see RAW_SCHEMA
    rejected_lines: list[RejectedLine] = field(default_factory=list)
    error: str | None = None  # whole-file rejection, names the file, problem and fix
    warnings: list[str] = field(default_factory=list)
    blank_lines: int = 0  # empty or delimiter-only lines skipped


def read_contact_file(
    path: Path, root: Path, mapping: HeaderMapping, limits: IngestLimits = DEFAULT_LIMITS
) -> FileReadResult:
    """Read a file from disk; `source_file` is its path relative to `root` (posix)."""
    try:
        source_file = path.relative_to(root).as_posix()
    except ValueError:
        source_file = path.as_posix()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return failed(
            source_file,
            b"",
            f"{source_file}: could not be read ({exc.strerror or exc}); check that the file "
            "still exists and is readable, then run again",
        )
    return read_contact_bytes(data, source_file, mapping, limits)


def read_contact_bytes(
    data: bytes,
    source_file: str,
    mapping: HeaderMapping,
    limits: IngestLimits = DEFAULT_LIMITS,
) -> FileReadResult:
    """Read one file's bytes; never raises for bad content (see module docstring).

    `source_file` is the printable name stored with the rows (`LandingFile.name`).
    """
    suffix = PurePosixPath(source_file).suffix.lower()
    if not data or data.isspace():
        what = "0 bytes" if not data else "only whitespace"
        return failed(
            source_file,
            data,
            f"{source_file} is empty ({what}); re-export it from the source system and "
            "drop it again",
        )
    if suffix not in SUPPORTED_SUFFIXES:
        hint = " (a legacy Excel workbook: save it as .xlsx)" if suffix == ".xls" else ""
        return failed(
            source_file,
            data,
            f"{source_file}: unsupported file type {suffix or '(no extension)'!r}{hint}; "
            f"save it as one of {', '.join(sorted(SUPPORTED_SUFFIXES))}",
        )

    def score(headers: list[str]) -> int:
        return mapping.plan(headers, source_file).canonical_count

    notes: list[str] = []
    try:
        if data.startswith(LEGACY_XLS_MAGIC):
            raise UnreadableFile(
                f"is a legacy Excel .xls workbook despite its {suffix} name (or another "
                "OLE file), which is not supported; open it in Excel and save it as .xlsx "
                "or CSV"
            )
        if data.startswith(_ZIP_MAGIC) and suffix != ".xlsx":
            notes.append(f"{source_file}: is an Excel workbook despite its name; read as .xlsx")
            parsed = read_workbook(data, score, limits)
        elif suffix == ".xlsx":
            parsed = read_workbook(data, score, limits)
        else:
            _refuse_binary(data)
            if suffix in _JSON_SUFFIXES:
                parsed = read_json(data, suffix, limits)
            else:
                parsed = read_delimited(data, suffix, score, limits)
        return _assemble(parsed, data, source_file, mapping, limits, notes)
    except UnreadableFile as exc:
        return failed(source_file, data, f"{source_file} {exc}")


def _refuse_binary(data: bytes) -> None:
    """A text reader is never handed an image, a PDF or an archive: its bytes would end
    up in the error message and the quarantine."""
    sample = bytes(data[:_BINARY_SAMPLE])
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    utf16 = sample.count(0) > len(sample) // 4
    if controls > max(8, len(sample) // 100) and not utf16:
        raise UnreadableFile(
            f"is not a text file ({controls} control bytes in its first {len(sample):,}): "
            "it looks like a binary file given a text name; export the contacts as CSV, "
            "JSON or .xlsx"
        )


def _assemble(
    parsed: ParsedFile,
    data: bytes,
    source_file: str,
    mapping: HeaderMapping,
    limits: IngestLimits,
    notes: list[str],
) -> FileReadResult:
    file_hash = hashlib.sha256(data).hexdigest()
    frames: list[pl.DataFrame] = []
    rejected: list[RejectedLine] = []
    plan_warnings: dict[str, None] = {}
    blank = 0
    plans: dict[tuple[str, ...], ColumnPlan] = {}
    for sheet in parsed.sheets:
        where = source_file + (f" sheet {sheet.sheet!r}" if sheet.sheet else "")
        origin = Provenance(file_hash, source_file, parsed.source_type, sheet.sheet)
        for chunk in sheet.chunks:  # a generator may parse as it goes
            key = tuple(chunk.headers)
            if key not in plans:
                plans[key] = mapping.plan(chunk.headers, source_file)
                plan_warnings.update(dict.fromkeys(f"{where}: {w}" for w in plans[key].warnings))
            raw = to_raw(chunk, plans[key], origin, limits)
            frames.append(raw.rows)
            rejected.extend(raw.rejected)
            blank += raw.blank
    warnings = notes + [f"{source_file}: {w}" for w in parsed.warnings] + list(plan_warnings)
    return FileReadResult(
        source_file=source_file,
        file_hash=file_hash,
        source_type=parsed.source_type,
        rows=pl.concat(frames) if frames else pl.DataFrame(schema=RAW_SCHEMA),
        rejected_lines=parsed.rejected + rejected,
        warnings=warnings,
        blank_lines=parsed.blank_lines + blank,
    )


def failed(
    source_file: str, data: bytes, error: str, file_hash: str | None = None
) -> FileReadResult:
    """A rejected file's result: no rows, the reason; `file_hash` when not its bytes'."""
    return FileReadResult(
        source_file=source_file,
        file_hash=file_hash or hashlib.sha256(data).hexdigest(),
        source_type=guess_type(source_file),
        rows=pl.DataFrame(schema=RAW_SCHEMA),
        error=error,
    )


def guess_type(source_file: str) -> str:
    """The source_type a file's name suggests, used when its content cannot tell."""
    suffix = PurePosixPath(source_file).suffix.lower()
    if suffix in (".ndjson", ".jsonl"):
        return "ndjson"
    if suffix in (".json", ".xlsx", ".tsv"):
        return suffix[1:]
    return "csv"
