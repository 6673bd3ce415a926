"""A local news-feed server for the test session: RSS 2.0 and Atom documents over HTTP.

`FeedServer.publish(path, document)` serves a document at `path`; `rss(items)` and
`atom(entries)` build well-formed ones from dicts (title, link, summary, published as a
datetime or None for an entry without a date). `BROKEN_RSS` is a feed whose XML breaks
after its first item. Faults: `inject(route, status, ...)` as `vendor_faults.py` lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

import pytest

from tests.servers.http_base import FakeHttpServer, Fault, Request, Response
from tests.servers.vendor_faults import fault_response

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"


def rss(items: Sequence[Mapping[str, Any]], title: str = "Industry news") -> str:
    parts = []
    for item in items:
        date = item.get("published")
        parts.append(
            "<item>"
            f"<title>{escape(item['title'])}</title>"
            f"<link>{escape(item.get('link', ''))}</link>"
            f"<guid>{escape(item.get('guid') or item.get('link') or item['title'])}</guid>"
            f"<description>{escape(item.get('summary', ''))}</description>"
            + (f"<pubDate>{format_datetime(date)}</pubDate>" if isinstance(date, datetime) else "")
            + "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.org/</link>"
        f"<description>{escape(title)}</description>{''.join(parts)}</channel></rss>"
    )


def atom(entries: Sequence[Mapping[str, Any]], title: str = "Press releases") -> str:
    parts = []
    for entry in entries:
        date = entry.get("published")
        stamp = f"<updated>{date.isoformat()}Z</updated>" if isinstance(date, datetime) else ""
        parts.append(
            "<entry>"
            f"<title>{escape(entry['title'])}</title>"
            f'<link href="{escape(entry.get("link", ""))}"/>'
            f"<id>{escape(entry.get('link') or entry['title'])}</id>{stamp}"
            f"<summary>{escape(entry.get('summary', ''))}</summary>"
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:feed:press</id>{''.join(parts)}</feed>"
    )


BROKEN_RSS = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>'
    "<item><title>Acme Robotics opens a Lisbon office</title>"
    "<link>https://wire.example.org/acme-lisbon</link>"
    "<pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item>"
    "<item><title>Unclosed <b>markup & stray ampersand</title><link>https://wire.example.org/x"
)


class FeedServer(FakeHttpServer):
    server_version = "fake-feeds"

    def __init__(self) -> None:
        super().__init__()
        self.documents: dict[str, tuple[str, str]] = {}

    def reset(self) -> None:
        self.reset_plumbing()
        with self._lock:
            self.documents = {}

    def publish(self, path: str, document: str, content_type: str = RSS) -> str:
        """Serve `document` at `path`; returns its URL."""
        with self._lock:
            self.documents[path] = (document, content_type)
        return self.url + path

    def inject(self, route: str, status: int | str, *, times: int = 1, **extra: Any) -> None:
        self.add_fault(Fault(route, status, times=times, **extra))

    def respond(self, request: Request) -> Response | None:
        fault = self.take_fault(f"{request.method} {request.path}")
        if fault is not None:
            answer = fault_response(self, fault, lambda status: f"<h1>HTTP {status}</h1>")
            if answer is not None:
                return answer
        with self._lock:
            found = self.documents.get(request.path)
        if found is None:
            return Response(404, "<h1>Not Found</h1>", content_type="text/html")
        document, content_type = found
        return Response(200, document, content_type=content_type)


@pytest.fixture(scope="session")
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def feeds(feed_server: FeedServer) -> Iterator[FeedServer]:
    """The session's feed server, emptied."""
    feed_server.reset()
    yield feed_server
    feed_server.reset()
