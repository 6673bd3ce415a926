"""Local alert receivers for the test session: a Slack-compatible incoming webhook and a
PagerDuty Events API v2 endpoint, each keeping what it accepted.

The PagerDuty side answers as PagerDuty documents: 202 with `dedup_key` for a valid
event, 400 with `errors` for one missing what v2 requires (routing key, a known action,
a trigger's summary, source and severity). `clear()` empties both between tests.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SLACK_PATH = "/services/T000/B000/slack-secret"
PAGERDUTY_PATH = "/v2/enqueue"
SEVERITIES = {"critical", "error", "warning", "info"}


class AlertReceivers:
    def __init__(self) -> None:
        self.slack: list[dict] = []
        self.pagerduty: list[dict] = []
        self.refused: list[dict] = []
        self._lock = threading.Lock()
        receivers = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, answer = receivers.receive(self.path, body)
                data = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.slack_url = self.url + SLACK_PATH
        self.pagerduty_url = self.url + PAGERDUTY_PATH

    def receive(self, path: str, body: dict) -> tuple[int, dict | str]:
        with self._lock:
            if path == SLACK_PATH:
                if not body.get("text"):
                    return 400, "no_text"
                self.slack.append(body)
                return 200, "ok"
            if path == PAGERDUTY_PATH:
                errors = pagerduty_errors(body)
                if errors:
                    self.refused.append(body)
                    return 400, {"status": "invalid event", "errors": errors}
                self.pagerduty.append(body)
                return 202, {"status": "success", "dedup_key": body.get("dedup_key")}
            return 404, "not found"

    def clear(self) -> None:
        with self._lock:
            self.slack.clear()
            self.pagerduty.clear()
            self.refused.clear()


def pagerduty_errors(event: dict) -> list[str]:
    errors = []
    if not event.get("routing_key"):
        errors.append("'routing_key' is missing")
    action = event.get("event_action")
    if action not in ("trigger", "acknowledge", "resolve"):
        errors.append("'event_action' must be trigger, acknowledge or resolve")
    if action in ("acknowledge", "resolve") and not event.get("dedup_key"):
        errors.append("'dedup_key' is required to acknowledge or resolve")
    if action == "trigger":
        payload = event.get("payload") or {}
        for required in ("summary", "source", "severity"):
            if not payload.get(required):
                errors.append(f"'payload.{required}' is missing")
        if payload.get("severity") and payload["severity"] not in SEVERITIES:
            errors.append("'payload.severity' is invalid")
    return errors


@pytest.fixture(scope="session")
def alert_receivers_server() -> Iterator[AlertReceivers]:
    receivers = AlertReceivers()
    thread = threading.Thread(target=receivers.server.serve_forever, daemon=True)
    thread.start()
    yield receivers
    receivers.server.shutdown()


@pytest.fixture
def alert_receivers(alert_receivers_server: AlertReceivers) -> AlertReceivers:
    alert_receivers_server.clear()
    return alert_receivers_server
