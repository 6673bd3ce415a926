"""Signal sources: the items market signals are matched from, and RSS/Atom feeds as one.

`SignalSource` is what the `company_signals` asset reads: anything that can hand over
`SignalItem`s with a report per origin. `FeedSource` fetches each configured feed over
httpx through the shared retry loop and parses it with feedparser; the intake API's
webhook inbox is another source (`bizdev_assets/enrichment/signal_inbox.py`).

feedparser is lenient: a feed with broken XML still yields the entries it could read,
with `bozo` set. Such a feed is `parsed_with_errors` (its entries are used, the error is
recorded); one with an error and no entries is `unreadable`; an HTTP failure after the
retries is `error`. An entry without a date keeps `published_at` None: a date is never
invented (the feed-freshness check reports such feeds).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import feedparser

from resources.enrichment.base import ProviderError
from resources.enrichment.transport import HttpFailure, VendorHttp, common_failure, excerpt
from resources.http_retry import Failure, RetryPolicy, Verdict

_TAG = re.compile(r"<[^>]+>")
# Benign: the feed declared one encoding and was read in another.
_BENIGN = (feedparser.CharacterEncodingOverride,)


@dataclass(frozen=True)
class SignalItem:
    source: str  # the feed URL, or "webhook"
    item_id: str  # the entry's id/guid, else its link, else its title
    title: str
    url: str | None
    summary: str  # plain text
    published_at: datetime | None  # naive UTC; None when the source gave no date


@dataclass
class SourceReport:
    source: str
    status: str  # ok | parsed_with_errors | unreadable | error
    items: list[SignalItem] = field(default_factory=list)
    http_status: int | None = None
    error: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))


class SignalSource(Protocol):
    name: str

    def collect(self) -> list[SourceReport]:
        """One report per origin (feed), with the items read from it."""
        ...


def plain_text(value: str | None) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", value or "")).split())


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime(*parsed[:6]) if parsed else None  # feedparser gives UTC struct_time


def items_from(url: str, document: bytes) -> SourceReport:
    """A fetched document as a report: its entries as items, and what went wrong."""
    parsed = feedparser.parse(document)
    error = parsed.get("bozo_exception")
    if error is not None and isinstance(error, _BENIGN):
        error = None
    items = []
    for entry in parsed.entries:
        title = plain_text(entry.get("title"))
        link = entry.get("link") or None
        item_id = entry.get("id") or link or title
        if not (title or link):
            continue
        summary = plain_text(entry.get("summary") or entry.get("description"))
        items.append(SignalItem(url, str(item_id), title, link, summary, _published(entry)))
    if error is None:
        return SourceReport(url, "ok", items)
    message = f"{type(error).__name__}: {error}"
    status = "parsed_with_errors" if items else "unreadable"
    return SourceReport(url, status, items, error=message)


def _text(body: Any) -> str:
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return excerpt(raw)


def classify(exc: Exception) -> Failure | None:
    common = common_failure(exc, "Feed", "BIZDEV_NEWS_FEEDS")
    if common is not None or not isinstance(exc, HttpFailure):
        return common
    return Failure(Verdict.FAIL, exc.message, ProviderError(exc.message))


class FeedSource:
    """The feeds of BIZDEV_NEWS_FEEDS as a `SignalSource`."""

    name = "feeds"

    def __init__(
        self,
        urls: Sequence[str],
        *,
        max_retries: int = 3,
        backoff_seconds: float = 1.0,
        timeout_seconds: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.urls = list(urls)
        policy = RetryPolicy(
            "Feed",
            ProviderError,
            max_retries=max_retries,
            backoff_seconds=backoff_seconds,
            sleep=sleep,
        )
        self._http = VendorHttp(
            "feed",
            "",
            {"accept": "application/rss+xml, application/atom+xml, application/xml, text/xml"},
            classify=classify,
            policy=policy,
            timeout_seconds=timeout_seconds,
            error_message=lambda status, body: f"HTTP {status}: {_text(body)!r}",
        )
        self.stats = self._http.stats

    def collect(self) -> list[SourceReport]:
        return [self.fetch(url) for url in self.urls]

    def fetch(self, url: str) -> SourceReport:
        try:
            status, document = self._http.request(
                "GET", url, operation="feed", parse=lambda r: r.content
            )
        except ProviderError as exc:
            return SourceReport(url, "error", error=str(exc))
        finally:
            self._http.take_exchanges()  # feed bodies are not archived
        report = items_from(url, document)
        report.http_status = status
        return report

    def close(self) -> None:
        self._http.close()
