"""field_provenance is the JSON object of field -> source record for the filled fields,
whether the contact took every field from one record or from several."""

from __future__ import annotations

import json

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from bizdev_assets.golden.columns import GOLDEN_COLUMNS
from bizdev_assets.golden.provenance import provenance_json

FIELDS = ["email", "email_domain", "first_name", "last_name", "company", "phone", "gdpr_consent"]
SOURCES = {  # field -> the column holding the record its group was taken from
    "email": "_from0",
    "email_domain": "_from0",
    "first_name": "_from1",
    "last_name": "_from1",
    "company": "_from2",
    "phone": "_from3",
    "gdpr_consent": "_from4",
}
record_ids = st.sampled_from(["r1", "r2", 'q"uote', "back\\slash", "3f2a9c0d1e2b4a5f"])


def reference(row: dict) -> str:
    """The JSON spelled out field by field, in GOLDEN_COLUMNS order."""
    filled = [f for f in GOLDEN_COLUMNS if f in SOURCES and row[f] is not None]
    return "{" + ",".join(f'"{f}":{json.dumps(row[SOURCES[f]])}' for f in filled) + "}"


@st.composite
def contacts(draw) -> list[dict]:
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        one = draw(record_ids)
        same = draw(st.booleans())  # a contact whose every field came from one record
        row = {c: one if same else draw(st.none() | record_ids) for c in set(SOURCES.values())}
        for field in FIELDS:
            filled = row[SOURCES[field]] is not None and draw(st.booleans())
            row[field] = "value" if filled else None
        rows.append(row)
    return rows


@given(contacts())
def test_provenance_names_the_source_record_of_every_filled_field(rows):
    frame = pl.DataFrame(rows, schema={c: pl.String for c in [*FIELDS, *set(SOURCES.values())]})
    got = provenance_json(frame, SOURCES).to_list()
    assert got == [reference(row) for row in rows]
    assert all(isinstance(json.loads(text), dict) for text in got)


def test_a_contact_without_any_filled_field_has_an_empty_object():
    frame = pl.DataFrame(
        [dict.fromkeys([*FIELDS, *set(SOURCES.values())])],
        schema={c: pl.String for c in [*FIELDS, *set(SOURCES.values())]},
    )
    assert provenance_json(frame, SOURCES).to_list() == ["{}"]
