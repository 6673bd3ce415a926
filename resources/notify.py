"""Notifications (SLA breaches, escalations) as a resource: a Slack-compatible incoming
webhook (`BIZDEV_NOTIFY_WEBHOOK_URL`: Slack, Mattermost, Rocket.Chat and Teams workflows
accept the payload), or, the embedded default, JSON lines appended to a file.

The payload is Slack's: `text` (the fallback every client shows) and `blocks`. Deciding
what to notify, and never twice, is the caller's business.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
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
        response = httpx.post(self.url, json=payload, timeout=self.timeout_seconds)
        if response.status_code >= 300:
            raise RuntimeError(
                f"notification webhook answered {response.status_code}: {response.text[:200]}"
            )
