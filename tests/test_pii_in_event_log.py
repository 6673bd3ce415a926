"""Dagster's event log (metadata, previews, log lines, check results) shows ids, counts and
masked values, never a contact's name, email or phone."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from bizdev_assets.masking import mask_email, mask_name, mask_phone, mask_reason, mask_text
from bizdev_assets.metadata import markdown_table
from tests.ingest_support import run_ingest

PII = [
    "Zelda",
    "Quixotic",
    "zelda.quixotic@example.com",
    "4915112345678",
    "zelda@@broken",
    "Bartholomew",
    "bart.x@corp.example",
    "Hauptstrasse 99",
]


def every_text_of_the_run(run) -> str:
    with_metadata = [m for _, m in run.messages]
    for event in run.result.all_events:
        data = event.event_specific_data
        for attr in ("materialization", "asset_check_evaluation"):
            holder = getattr(data, attr, None) if data is not None else None
            if holder is not None:
                with_metadata += [str(v.value) for v in holder.metadata.values()]
        if isinstance(data, dg.AssetCheckEvaluation):
            with_metadata += [str(v.value) for v in data.metadata.values()]
    return "\n".join(with_metadata)


def test_no_name_email_or_phone_reaches_the_event_log(settings, landing: Path):
    (landing / "leads.csv").write_text(
        "First Name,Last Name,Email,Phone,Street,Country\n"
        "Zelda,Quixotic,zelda.quixotic@example.com,+49 151 12345678,Hauptstrasse 99,DE\n"
        ",,zelda@@broken,,,\n"  # quarantined: its reason quotes the address
        "Bartholomew,,bart.x@corp.example,not a phone,,DE\n"
    )
    (landing / "headerless.csv").write_text(
        "Zelda Quixotic,zelda.quixotic@example.com\nBart,bart.x@corp.example\n"
    )

    run = run_ingest(settings)

    assert run.result.success
    assert run.quarantine().height == 1  # the PII is in the warehouse, where it belongs
    text = every_text_of_the_run(run)
    leaked = [value for value in PII if value in text]
    assert leaked == [], leaked
    assert "z***@example.com" in text  # masked, still useful


def test_masks_keep_what_identifies_nobody():
    assert mask_email("john.doe@example.com") == "j***@example.com"
    assert mask_name("Ada Lovelace") == "A***"
    assert mask_phone("+4915112345678") == "+49*********78"
    assert mask_text("call +49 151 1234567 or mail ada@x.io") == (
        "call +49 *** *****67 or mail a***@x.io"
    )
    assert mask_reason("email: 'ada@@x' is not a valid address") == (
        "email: 'a***' is not a valid address"
    )


def test_every_preview_masks_personal_columns_by_name():
    import polars as pl

    table = markdown_table(
        pl.DataFrame(
            {
                "record_id": ["r1"],
                "full_name": ["Ada Lovelace"],
                "email": ["ada@example.com"],
                "mobile": ["+447700900123"],
                "company": ["Engines Ltd"],
            }
        )
    )
    assert "Ada Lovelace" not in table and "ada@example.com" not in table
    assert "+447700900123" not in table
    assert "r1" in table and "Engines Ltd" in table and "a***@example.com" in table
