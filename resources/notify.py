"""Notifications (SLA breaches, escalations) as a resource: a Slack-compatible incoming
webhook (`BIZDEV_NOTIFY_WEBHOOK_URL`: Slack, Mattermost, Rocket.Chat and Teams workflows
accept the payload), or, the embedded default, JSON lines appended to a file.

Alerts (`AlertNotifier`) reuse the same Slack payload and add PagerDuty Events v2 and
e-mail, with a dedup key per incident and a resolve event when it ends.

The payload is Slack's: `text` (the fallback every client shows) and `blocks`. Deciding
what to notify, and never twice, is the caller's business.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import dagster as dg
import httpx


def slack_payload(title: str, lines: list[str]) -> dict[str, Any]:
    text = f"*{title}*\n" + "\n".join(lines)
    return {
        "text": text,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]}},
        ],
    }


class Notifier(dg.ConfigurableResource):
    @property
    def location(self) -> str:
        raise NotImplementedError

    def send(self, payload: dict[str, Any]) -> None:
        """Deliver one Slack-format payload; raises when it could not be delivered."""
        raise NotImplementedError


class FileNotifier(Notifier):
    path: str = "./data/outreach/notifications.jsonl"

    @property
    def location(self) -> str:
        return str(Path(self.path).resolve())

    def send(self, payload: dict[str, Any]) -> None:
        target = Path(self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        line = {"sent_at": datetime.now(UTC).isoformat(), **payload}
        with target.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")

    def read(self) -> list[dict[str, Any]]:
        target = Path(self.path)
        if not target.exists():
            return []
        return [json.loads(line) for line in target.read_text().splitlines() if line]


class WebhookNotifier(Notifier):
    url: str
    timeout_seconds: float = 10.0

    @property
    def location(self) -> str:
        return self.url.split("?")[0].rsplit("/", 3)[0] + "/…"  # never the secret path

    def send(self, payload: dict[str, Any]) -> None:
        post_json(self.url, payload, self.timeout_seconds)


# Alerts (docs/observability.md, docs/runbook.md): incidents that must reach a person.

PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
PAGERDUTY_SEVERITIES = ("critical", "error", "warning", "info")


@dataclass(frozen=True)
class Alert:
    """One incident opening (`trigger`) or closing (`resolve`). `dedup_key` names the
    incident: PagerDuty folds every event with the same key into one page."""

    dedup_key: str
    action: str  # trigger | resolve
    summary: str
    severity: str = "error"  # PagerDuty's: critical, error, warning, info
    source: str = "bizdev"
    runbook: str | None = None  # a docs/runbook.md anchor
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.action not in ("trigger", "resolve"):
            raise ValueError(f"alert action must be trigger or resolve, not {self.action!r}")
        if self.severity not in PAGERDUTY_SEVERITIES:
            raise ValueError(f"alert severity must be one of {PAGERDUTY_SEVERITIES}")

    @property
    def title(self) -> str:
        mark = "RESOLVED" if self.action == "resolve" else self.severity.upper()
        return f"[bizdev {mark}] {self.summary}"

    def lines(self) -> list[str]:
        lines = [f"incident: `{self.dedup_key}`"]
        lines += [f"{k}: {v}" for k, v in self.details.items()]
        if self.runbook:
            lines.append(f"runbook: {self.runbook}")
        return lines


def pagerduty_event(alert: Alert, routing_key: str) -> dict[str, Any]:
    """The PagerDuty Events API v2 body for an alert."""
    event: dict[str, Any] = {
        "routing_key": routing_key,
        "event_action": alert.action,
        "dedup_key": alert.dedup_key[:255],
    }
    if alert.action == "trigger":
        event["payload"] = {
            "summary": alert.summary[:1024],
            "source": alert.source,
            "severity": alert.severity,
            "component": alert.dedup_key.split(":", 1)[0],
            "custom_details": {**alert.details, "runbook": alert.runbook},
        }
    return event


def alert_email(alert: Alert, sender: str, recipients: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = alert.title[:200]
    message["From"] = sender
    message["To"] = recipients
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or "bizdev.local")
    message.set_content("\n".join([alert.summary, "", *alert.lines()]) + "\n")
    return message


class AlertNotifier(dg.ConfigurableResource):
    """Where alerts go: a Slack-compatible webhook (`BIZDEV_ALERT_WEBHOOK_URL`), PagerDuty
    Events v2 (`BIZDEV_PAGERDUTY_ROUTING_KEY`), e-mail (`BIZDEV_ALERT_EMAIL_TO`, sent by the
    caller through the mail resource). None set: the quiet default, alerts are only logged."""

    webhook_url: str | None = None
    pagerduty_routing_key: str | None = None
    pagerduty_url: str = PAGERDUTY_EVENTS_URL
    email_to: str | None = None
    timeout_seconds: float = 10.0

    @property
    def channels(self) -> list[str]:
        named = {
            "webhook": self.webhook_url,
            "pagerduty": self.pagerduty_routing_key,
            "email": self.email_to,
        }
        return [name for name, value in named.items() if value]

    def deliver(self, alert: Alert) -> list[str]:
        """Post the alert to the webhook and PagerDuty (those configured); the channels
        reached. Raises on the first refusal, so the caller can try again later."""
        reached = []
        if self.webhook_url:
            post_json(
                self.webhook_url, slack_payload(alert.title, alert.lines()), self.timeout_seconds
            )
            reached.append("webhook")
        if self.pagerduty_routing_key:
            post_json(
                self.pagerduty_url,
                pagerduty_event(alert, self.pagerduty_routing_key),
                self.timeout_seconds,
            )
            reached.append("pagerduty")
        return reached


def post_json(url: str, payload: dict[str, Any], timeout: float) -> None:
    response = httpx.post(url, json=payload, timeout=timeout)
    if response.status_code >= 300:
        where = url.split("?")[0].rsplit("/", 3)[0] + "/…"  # never a secret path
        raise RuntimeError(f"{where} answered {response.status_code}: {response.text[:200]}")
