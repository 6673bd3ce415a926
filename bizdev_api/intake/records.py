"""Contact records posted as JSON, checked against the file contract and written as NDJSON.

The same rules as a dropped file (docs/files.md): the request's keys are mapped onto the
canonical fields by the header synonyms and overrides (`bizdev_assets/ingest/headers.py`),
nested objects are flattened, and the ingest limits apply (`resources/ingest_limits.py`).
What the ingest would reject or quarantine for its shape is refused here, per record:
not an object, nested past `max_json_depth`, a value over `max_field_chars`, nothing
that names a person (no name, email or phone). What only normalization can tell (an
email that does not validate) is reported per row by `GET /v1/uploads/{id}`.

Accepted records are written with canonical keys first, then the unmapped ones (kept in
`attributes` by the ingest), then `bizdev_upload_id`. Payloads of several requests share
one landing file; writing canonical keys means each record maps as it did alone, not as
the union of everyone's headers would map it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bizdev_api.errors import ApiError
from bizdev_assets.ingest.headers import HeaderMapping
from bizdev_assets.ingest.json_records import DECODER, TooDeep, flatten, json_type
from resources.ingest_limits import IngestLimits

UPLOAD_ID_FIELD = "bizdev_upload_id"
IDENTIFYING = ("full_name", "first_name", "last_name", "email", "phone", "mobile")
MAX_ERRORS_SHOWN = 100
SOURCE_NAME = "api/contacts.ndjson"  # what header overrides' globs see for API payloads


@dataclass
class RecordError:
    record: int  # 0-based index in the posted array
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"record": self.record, "field": self.field, "message": self.message}


@dataclass
class Checked:
    records: list[dict[str, str | None]] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_array(body: bytes, max_records: int) -> list[Any]:
    """The posted JSON array; 400 for bytes that are not JSON, 422 for JSON that is not
    an array of records, 413 for too many."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(
            400,
            f"the body is not UTF-8 (byte {error.start}: {body[error.start : error.start + 1]!r}); "
            "send JSON encoded as UTF-8",
        ) from None
    try:
        value = DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise ApiError(
            400, f"malformed JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise ApiError(400, "malformed JSON: nested too deeply to parse") from None
    if not isinstance(value, list):
        raise ApiError(
            422, f"expected a JSON array of contact objects, found a JSON {json_type(value)}"
        )
    if not value:
        raise ApiError(422, "the array is empty; send at least one contact")
    if len(value) > max_records:
        raise ApiError(
            413,
            f"{len(value):,} records; at most {max_records:,} per request: split them",
            limit=max_records,
        )
    return value


def check_records(items: list[Any], mapping: HeaderMapping, limits: IngestLimits) -> Checked:
    """Each record flattened, mapped and checked; errors name the record and the field."""
    checked = Checked()
    flat: list[tuple[int, dict[str, str | None]]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            checked.errors.append(
                RecordError(index, f"expected a JSON object, found a JSON {json_type(item)}")
            )
            continue
        try:
            flat.append((index, flatten(item, limits.max_json_depth)))
        except (TooDeep, RecursionError):
            checked.errors.append(
                RecordError(
                    index,
                    f"nested deeper than {limits.max_json_depth} levels; "
                    f"{limits.how_to_raise('max_json_depth')}",
                )
            )
    headers = list(dict.fromkeys(key for _, record in flat for key in record))
    if len(headers) > limits.max_columns:
        raise ApiError(
            422,
            f"the records hold {len(headers):,} distinct fields; "
            f"{limits.how_to_raise('max_columns')}",
        )
    plan = mapping.plan(headers, SOURCE_NAME)
    checked.warnings.extend(plan.warnings)
    unmapped = plan.unmapped(headers)
    for index, record in flat:
        out = _canonical(record, plan.mapping, unmapped)
        error = _problem(out, limits)
        if error is not None:
            error.record = index
            checked.errors.append(error)
        else:
            checked.records.append(out)
    checked.errors.sort(key=lambda e: e.record)
    return checked


def _canonical(
    record: dict[str, str | None], mapping: dict[str, str], unmapped: list[str]
) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for header, target in mapping.items():
        if header in record:
            out[target] = record[header]
    for header in unmapped:
        if header in record and header not in out:
            out[header] = record[header]
    return out


def _problem(record: dict[str, str | None], limits: IngestLimits) -> RecordError | None:
    for name, value in record.items():
        if value is not None and len(value) > limits.max_field_chars:
            return RecordError(
                -1,
                f"{len(value):,} characters; {limits.how_to_raise('max_field_chars')}",
                field=name,
            )
    if not any((record.get(f) or "").strip() for f in IDENTIFYING):
        return RecordError(
            -1,
            "no name, email or phone: a contact needs at least one of "
            f"{', '.join(IDENTIFYING)} (or a header that maps onto one)",
        )
    return None


def ndjson_lines(records: list[dict[str, str | None]], upload_id: str) -> bytes:
    """One line per record, the upload id last. `json.dumps` escapes CR and LF inside
    values, so a line is always one record."""
    return b"".join(
        json.dumps({**r, UPLOAD_ID_FIELD: upload_id}, ensure_ascii=False).encode() + b"\n"
        for r in records
    )
