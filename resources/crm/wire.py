"""What both CRM adapters read and send the same way: dates, and batches.

The batching contract: an adapter's write method takes any number of rows and sends them
at most `batch_size` a call (HubSpot's batch APIs take 100, Salesforce's sObject
Collections 200), answering one `WriteResult` per row in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from resources.crm.client import CrmError, WriteResult

T = TypeVar("T")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_datetime(value: str | None) -> datetime | None:
    """A CRM date value as an aware UTC datetime (None when empty): ISO-8601 as HubSpot
    (`2026-01-02T03:04:05.678Z`) and Salesforce (`2026-11-28T06:52:07.000+0000`) send
    it, or epoch milliseconds (HubSpot). A value without an offset is UTC."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return EPOCH + timedelta(milliseconds=int(text))
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """`items` in consecutive slices of at most `size`."""
    return [items[start : start + size] for start in range(0, len(items), size)]


def write_in_batches(
    rows: Sequence[T],
    batch_size: int,
    send: Callable[[Sequence[T], int], list[WriteResult]],
) -> list[WriteResult]:
    """`send(batch, offset)` for each batch of at most `batch_size` rows (`offset` = the
    position of the batch's first row in `rows`); the results of all batches, in order."""
    results: list[WriteResult] = []
    for offset in range(0, len(rows), batch_size):
        batch = rows[offset : offset + batch_size]
        answered = send(batch, offset)
        if len(answered) != len(batch):
            raise CrmError(f"{len(batch)} rows sent, {len(answered)} results: a bug in the adapter")
        results += answered
    return results
