"""Sentry, when SENTRY_DSN is set: a failed step's error reaches it with e-mail addresses
and phone numbers masked and no local variables; unset, nothing is started."""

from __future__ import annotations

import gzip
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk

from resources.error_reporting import init_error_reporting, scrub
from resources.settings import Settings


@pytest.fixture
def sentry_receiver() -> Iterator[tuple[str, list[dict]]]:
    """A local Sentry ingest endpoint that keeps each envelope's items."""
    items: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            for line in body.splitlines()[1:]:  # the first line is the envelope header
                if line.startswith(b"{"):
                    items.append(json.loads(line))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://public@127.0.0.1:{server.server_port}/1", items
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: later tests report nothing
    server.shutdown()


def test_personal_data_is_masked_in_any_nesting():
    event = {
        "message": "row 7: grace.hopper@navy.mil, +49 89 1234 5678",
        "exception": {"values": [{"value": "call (415) 555-0100 or ada@example.co.uk"}]},
        "extra": {"ids": ["run 3f2a", 42]},
    }
    assert scrub(event) == {
        "message": "row 7: [email], [phone]",
        "exception": {"values": [{"value": "call [phone] or [email]"}]},
        "extra": {"ids": ["run 3f2a", 42]},
    }


def test_a_logged_step_failure_reaches_sentry_scrubbed(sentry_receiver):
    dsn, items = sentry_receiver
    assert init_error_reporting(dsn, "test")

    def failing_step(row: dict) -> None:
        raise ValueError(f"cannot normalize {row['email']} / {row['phone']}")

    try:
        failing_step({"email": "grace.hopper@navy.mil", "phone": "+49 89 1234 5678"})
    except ValueError:
        logging.getLogger("dagster").exception("step contacts_normalized failed")
    sentry_sdk.flush(timeout=10)

    events = [item for item in items if item.get("exception") or item.get("logentry")]
    assert len(events) == 1
    sent = json.dumps(events[0])
    assert "grace.hopper" not in sent and "1234 5678" not in sent
    (exception,) = events[0]["exception"]["values"]
    assert exception["value"] == "cannot normalize [email] / [phone]"
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
    assert events[0]["environment"] == "test"


def test_without_a_dsn_nothing_is_started():
    assert Settings.from_env({}).sentry_dsn is None
    assert init_error_reporting(None) is False
    assert Settings.from_env({"SENTRY_DSN": "https://k@o1.ingest.sentry.io/2"}).sentry_dsn
