"""Helpers shared by the outreach tests: leads, sequences, a worker on the session's
Temporal dev server, and a client that time-skips the workflows it starts."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import polars as pl
from temporalio.client import Client
from temporalio.testing import TimeSkipper, TimeSkippingConfig

from bizdev_assets.outreach.activities import OutreachActivities
from bizdev_assets.outreach.records import Lead, RunOptions
from bizdev_assets.outreach.sequence import SEQUENCES_DIR, Sequence
from bizdev_assets.outreach.worker import worker
from resources.mail import SmtpMail

DEMO = Sequence.load(SEQUENCES_DIR / "demo-intro.yaml")
OPTIONS = RunOptions(activity_timeout_seconds=10)


def outreach_in(tmp_path: Path) -> dict:
    """Settings that keep a test's outreach state in its own folder: a materialization of
    every asset starts the embedded Temporal dev server there, and waits for no worker."""
    return {
        "temporal_state_dir": str(tmp_path / "temporal"),
        "outbox": str(tmp_path / "outbox"),
        "smtp_ledger": str(tmp_path / "smtp_sent.sqlite"),
        "notifications_file": str(tmp_path / "notifications.jsonl"),
        "outreach_settle_seconds": 0.0,
    }


def new_lead(name: str = "ada", tz: str = "Europe/Berlin", **fields) -> Lead:
    contact_id = str(uuid.uuid4())
    return Lead(
        contact_id=contact_id,
        email=f"{name}.{contact_id[:8]}@example.com",
        first_name=name.title(),
        last_name="Tester",
        full_name=f"{name.title()} Tester",
        company="Example GmbH",
        timezone=tz,
        owner_name="Owen Owner",
        owner_email="owen@bizdev.example.com",
        **fields,
    )


def smtp_mail(smtp, tmp_path: Path) -> SmtpMail:
    settings = smtp.settings(tmp_path / "ledger.sqlite")
    return SmtpMail(
        host=settings["smtp_host"],
        port=settings["smtp_port"],
        username=settings["smtp_username"],
        password=settings["smtp_password"],
        ca_bundle=settings["smtp_ca_bundle"],
        ledger_path=settings["smtp_ledger"],
        sender="Owen Owner <owen@bizdev.example.com>",
    )


def sequence(steps: list[dict], *, id: str = "test-seq", version: int = 1, **extra) -> Sequence:
    return Sequence.from_dict({"id": id, "version": version, "steps": steps, **extra})


@contextlib.asynccontextmanager
async def outreach_worker(
    address: str, activities: OutreachActivities, *, skipping: bool
) -> AsyncIterator[tuple[TimeSkipper, str]]:
    """A worker on a fresh task queue; yields a TimeSkipper (its `client` starts workflows
    that skip time: unbounded when `skipping`, else only when fast-forwarded) and the queue."""
    client = await Client.connect(address)
    queue = f"outreach-test-{uuid.uuid4().hex[:8]}"
    skipper = TimeSkipper(client, config=TimeSkippingConfig(enabled=skipping))
    async with worker(client, queue, activities):
        yield skipper, queue


def events(result: dict, kind: str) -> list[list[str]]:
    return [e for e in result["events"] if e[0] == kind]


@contextlib.contextmanager
def worker_thread(address: str, queue: str, activities: OutreachActivities):
    """A worker on its own event loop in a thread, for tests that drive assets (which run
    their own event loops) while sequences execute."""
    ready, done = threading.Event(), threading.Event()
    state: dict = {}

    async def main() -> None:
        try:
            client = await Client.connect(address)
            state["loop"], state["stop"] = asyncio.get_running_loop(), asyncio.Event()
            async with worker(client, queue, activities):
                ready.set()
                await state["stop"].wait()
        except BaseException as exc:
            state["error"] = exc
            ready.set()
            raise

    thread = threading.Thread(target=lambda: (asyncio.run(main()), done.set()), daemon=True)
    thread.start()
    assert ready.wait(180) and "error" not in state, f"test worker: {state.get('error')}"
    try:
        yield
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(30)


def golden_and_scores(people: list[dict]) -> dict[str, pl.DataFrame]:
    """golden_contacts and contact_quality_scores rows for `people` (dicts of overrides)."""
    rows = []
    for i, person in enumerate(people):
        contact_id = person.get("contact_id") or str(uuid.uuid4())
        rows.append({
            "contact_id": contact_id, "cluster_id": contact_id,
            "email": f"person{i}.{contact_id[:6]}@example-{i}.com", "email_valid": True,
            "is_role_email": False, "is_disposable_email": False,
            "first_name": f"P{i}", "last_name": "Person", "full_name": f"P{i} Person",
            "company": f"Company {i}", "company_id": f"company-{i}", "website_domain": f"example-{i}.com",
            "title": "CEO", "seniority": "c_level", "department": "sales", "country": "DE",
            "gdpr_consent": True, "consent_source": "web form", "lead_source": "Web",
            "quality_score": 0.9,
            **{k: v for k, v in person.items() if k != "contact_id"},
        })  # fmt: skip
    frame = pl.DataFrame(rows)
    return {
        "golden_contacts": frame.drop("quality_score"),
        "contact_quality_scores": frame.select("contact_id", "quality_score"),
    }
