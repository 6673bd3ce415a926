"""What both CRM adapters share: one date parser and the batching contract."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resources.crm.client import CrmError, WriteResult
from resources.crm.wire import parse_datetime, write_in_batches

INSTANT = datetime(2026, 11, 28, 6, 52, 7, 123000, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-28T06:52:07.123Z",  # HubSpot
        "2026-11-28T06:52:07.123+0000",  # Salesforce
        "2026-11-28T07:52:07.123+01:00",
        "2026-11-28T06:52:07.123",  # no offset: UTC
        "1795848727123",  # HubSpot epoch milliseconds
    ],
)
def test_every_crm_date_form_parses_to_the_same_aware_utc_instant(text):
    parsed = parse_datetime(text)
    assert parsed == INSTANT and parsed.tzinfo == UTC


def test_an_empty_date_is_none():
    assert parse_datetime(None) is None and parse_datetime("") is None


def test_rows_are_sent_batch_size_a_call_and_answered_in_input_order():
    calls: list[tuple[list[str], int]] = []

    def send(batch, offset):
        calls.append((list(batch), offset))
        return [WriteResult(key=row, ok=True) for row in batch]

    rows = [f"r{i}" for i in range(5)]
    results = write_in_batches(rows, 2, send)

    assert [r.key for r in results] == rows
    assert calls == [(["r0", "r1"], 0), (["r2", "r3"], 2), (["r4"], 4)]
    assert write_in_batches([], 2, send) == [] and len(calls) == 3


def test_a_send_that_answers_the_wrong_number_of_rows_is_an_error():
    with pytest.raises(CrmError, match="3 rows sent, 1 results"):
        write_in_batches(["a", "b", "c"], 5, lambda batch, offset: [WriteResult("a", True)])
