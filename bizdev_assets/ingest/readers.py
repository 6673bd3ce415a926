"""Read any contact file a sales team drops into the raw canonical frame.

`read_contact_bytes` is the one entry point (files on disk and objects streamed from
S3 both arrive as bytes). It picks the format reader, maps each sheet's headers onto
the canonical fields and adds provenance, so every format yields the same columns:
`canonical.RAW_COLUMNS`. Bad content never raises: a bad record becomes a
`RejectedLine`, a bad file a result with `error` set and no rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polars as pl

from bizdev_assets.ingest.canonical import CANONICAL_FIELDS, RAW_COLUMNS
from bizdev_assets.ingest.excel_files import read_workbook
from bizdev_assets.ingest.headers import RECORD_ID, ColumnPlan, HeaderMapping
from bizdev_assets.ingest.json_files import read_json
from bizdev_assets.ingest.parsed import ParsedFile, ParsedSheet, RejectedLine, UnreadableFile
from bizdev_assets.ingest.text_files import read_delimited

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
RAW_SCHEMA: dict[str, pl.DataType] = {
    name: pl.Int64() if name == "source_row" else pl.String() for name in RAW_COLUMNS
}
_TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
_JSON_SUFFIXES = frozenset({".json", ".ndjson", ".jsonl"})
_ZIP_MAGIC = b"PK\x03\x04"


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


def read_contact_file(path: Path, root: Path, mapping: HeaderMapping) -> FileReadResult:
    """Read a file from disk; `source_file` is its path relative to `root` (posix)."""
    try:
        source_file = path.relative_to(root).as_posix()
    except ValueError:
        source_file = path.as_posix()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _failed(
            source_file,
            b"",
            _guess_type(source_file),
            f"{source_file}: could not be read ({exc.strerror or exc}); check that the file "
            "still exists and is readable, then run again",
        )
    return read_contact_bytes(data, source_file, mapping)


def read_contact_bytes(data: bytes, source_file: str, mapping: HeaderMapping) -> FileReadResult:
    """Read one file's bytes; never raises for bad content (see module docstring)."""
    suffix = PurePosixPath(source_file).suffix.lower()
    source_type = _guess_type(source_file)
    if not data or data.isspace():
        what = "0 bytes" if not data else "only whitespace"
        return _failed(
            source_file,
            data,
            source_type,
            f"{source_file} is empty ({what}); re-export it from the source system and "
            "drop it again",
        )
    if suffix not in SUPPORTED_SUFFIXES:
        return _failed(
            source_file,
            data,
            source_type,
            f"{source_file}: unsupported file type {suffix or '(no extension)'!r}; save it "
            f"as one of {', '.join(sorted(SUPPORTED_SUFFIXES))}",
        )

    def score(headers: list[str]) -> int:
        return mapping.plan(headers, source_file).canonical_count

    notes: list[str] = []
    try:
        if data.startswith(_ZIP_MAGIC) and suffix != ".xlsx":
            notes.append(f"{source_file}: is an Excel workbook despite its name; read as .xlsx")
            parsed = read_workbook(data, score)
        elif suffix == ".xlsx":
            parsed = read_workbook(data, score)
        elif suffix in _JSON_SUFFIXES:
            parsed = read_json(data, suffix)
        else:
            parsed = read_delimited(data, suffix, score)
    except UnreadableFile as exc:
        return _failed(source_file, data, source_type, f"{source_file} {exc}")
    except Exception as exc:  # a reader bug must not take the whole run down
        return _failed(
            source_file,
            data,
            source_type,
            f"{source_file}: could not be read ({type(exc).__name__}: {exc}); "
            "please report this file to the data team",
        )
    return _assemble(parsed, data, source_file, mapping, notes)


def _assemble(
    parsed: ParsedFile, data: bytes, source_file: str, mapping: HeaderMapping, notes: list[str]
) -> FileReadResult:
    file_hash = hashlib.sha256(data).hexdigest()
    warnings = notes + [f"{source_file}: {w}" for w in parsed.warnings]
    frames = []
    for sheet in parsed.sheets:
        plan = mapping.plan(sheet.frame.columns, source_file)
        where = f"{source_file}" + (f" sheet {sheet.sheet!r}" if sheet.sheet else "")
        warnings.extend(f"{where}: {w}" for w in plan.warnings)
        frames.append(_to_raw(sheet, plan, file_hash, source_file, parsed.source_type))
    rows = pl.concat(frames) if frames else pl.DataFrame(schema=RAW_SCHEMA)
    return FileReadResult(
        source_file=source_file,
        file_hash=file_hash,
        source_type=parsed.source_type,
        rows=rows,
        rejected_lines=parsed.rejected,
        warnings=warnings,
    )


def _to_raw(
    sheet: ParsedSheet, plan: ColumnPlan, file_hash: str, source_file: str, source_type: str
) -> pl.DataFrame:
    """Select and rename a sheet's columns into RAW_COLUMNS; "" becomes null.

    Records with no value at all (a line of bare delimiters) are dropped.
    """
    if sheet.frame.height == 0 or sheet.frame.width == 0:
        return pl.DataFrame(schema=RAW_SCHEMA)
    by_target = {target: header for header, target in plan.mapping.items()}

    def cell(header: str | None) -> pl.Expr:
        if header is None:
            return pl.lit(None, dtype=pl.String)
        column = pl.col(header)
        return pl.when(column != "").then(column)

    columns = {
        "file_hash": pl.lit(file_hash, dtype=pl.String),
        "source_file": pl.lit(source_file, dtype=pl.String),
        "source_type": pl.lit(source_type, dtype=pl.String),
        "source_sheet": pl.lit(sheet.sheet, dtype=pl.String),
        "source_row": pl.lit(sheet.source_rows),
        "source_record_id": cell(by_target.get(RECORD_ID)),
        "attributes": _attributes_json(plan.unmapped(sheet.frame.columns)),
        **{name: cell(by_target.get(name)) for name in CANONICAL_FIELDS},
    }
    raw = sheet.frame.select(**{name: columns[name] for name in RAW_COLUMNS})
    values = ["source_record_id", "attributes", *CANONICAL_FIELDS]
    return raw.filter(pl.any_horizontal(pl.col(values).is_not_null())).cast(RAW_SCHEMA)


def _attributes_json(headers: list[str]) -> pl.Expr:
    """`{"header": "value", ...}` of the non-empty unmapped cells, else null.

    Built in polars rather than per-row json.dumps (a million rows would take seconds)
    but produces the same text as json.dumps(..., ensure_ascii=False).
    """
    if not headers:
        return pl.lit(None, dtype=pl.String)
    pairs = []
    for header in headers:
        key = json.dumps(header, ensure_ascii=False)
        value = (
            pl.struct(pl.col(header).alias(""))
            .struct.json_encode()
            .str.strip_prefix('{"":')
            .str.strip_suffix("}")
        )
        present = pl.col(header).is_not_null() & (pl.col(header) != "")
        pairs.append(pl.when(present).then(pl.lit(f"{key}: ") + value))
    body = pl.concat_str(pairs, separator=", ", ignore_nulls=True)
    return pl.when(body != "").then(pl.lit("{") + body + pl.lit("}"))


def _failed(source_file: str, data: bytes, source_type: str, error: str) -> FileReadResult:
    return FileReadResult(
        source_file=source_file,
        file_hash=hashlib.sha256(data).hexdigest(),
        source_type=source_type,
        rows=pl.DataFrame(schema=RAW_SCHEMA),
        error=error,
    )


def _guess_type(source_file: str) -> str:
    """The source_type a file's name suggests, used when its content cannot tell."""
    suffix = PurePosixPath(source_file).suffix.lower()
    if suffix in (".ndjson", ".jsonl"):
        return "ndjson"
    if suffix in (".json", ".xlsx", ".tsv"):
        return suffix[1:]
    return "csv"
