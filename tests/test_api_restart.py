"""`bizdev api` as a process of its own, killed with SIGKILL while clients are sending:
every payload that got a 202 is in the landing zone after the restart, and the ingest
reads each exactly once (clients retry what got no answer, with the same key)."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bizdev_api.tokens import issue_token
from resources.settings import Settings
from tests.api_support import api_process, api_settings, running_api, with_api
from tests.ingest_support import run_ingest


def landed_lines(landing: Path) -> list[dict]:
    files = [p for p in landing.rglob("*.ndjson") if ".bizdev" not in p.parts]
    return [json.loads(line) for f in files for line in f.read_text().splitlines()]


def test_a_sigkill_mid_load_loses_no_accepted_payload_and_doubles_none(tmp_path, landing):
    settings = Settings(
        landing=str(landing),
        warehouse=str(tmp_path / "warehouse.duckdb"),
        # A long window: at the kill, the accepted payloads are still in the spool.
        api=api_settings(tmp_path, spool_window_seconds=30, rate_limits="intake=1000/1000"),
    )
    token = issue_token(settings.api, "loader", ["contacts:write"], 600)[0]
    headers = {"Authorization": f"Bearer {token}"}
    accepted: dict[str, str] = {}  # idempotency key -> upload id
    unanswered: list[str] = []
    stop = threading.Event()

    def send(url: str, key: str) -> None:
        body = [{"email": f"{key}@example.com", "first_name": "Load", "last_name": key}]
        try:
            response = httpx.post(
                f"{url}/v1/contacts",
                json=body,
                headers={**headers, "Idempotency-Key": key},
                timeout=10,
            )
        except httpx.TransportError:
            unanswered.append(key)
            return
        if response.status_code == 202:
            accepted[key] = response.json()["upload_id"]
        else:
            unanswered.append(key)

    log = tmp_path / "api.log"
    with api_process(settings, log) as (process, url):
        keys = iter(f"k{i:05d}" for i in range(100_000))
        with ThreadPoolExecutor(8) as pool:

            def feed() -> None:
                while not stop.is_set():
                    send(url, next(keys))

            workers = [pool.submit(feed) for _ in range(8)]
            while len(accepted) < 150:
                assert all(not w.done() for w in workers), [w.exception() for w in workers]
                threading.Event().wait(0.02)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            stop.set()
    assert landing.joinpath(".bizdev").exists(), "the kill came after the spool was rolled up"
    answered_before_kill = dict(accepted)

    # Restarted in this process (the same `create_app`; a second `bizdev api` start
    # would only add its import time).
    restarted = with_api(settings, spool_window_seconds=0.5)
    with running_api(restarted) as api:
        url = api.url
        for key in list(unanswered):
            unanswered.remove(key)
            send(url, key)
        for key, upload_id in list(answered_before_kill.items())[:20]:
            send(url, key)  # a client that retries although it got its 202
            assert accepted[key] == upload_id
        assert not unanswered
        api.wait_compacted()

    lines = landed_lines(landing)
    per_upload = Counter(line["bizdev_upload_id"] for line in lines)
    assert set(answered_before_kill.values()) <= set(per_upload)
    assert set(per_upload) == set(accepted.values())
    assert set(per_upload.values()) == {1}
    run = run_ingest(settings)
    assert run.result.success
    emails = run.normalized()["email"].to_list()
    assert len(emails) == len(set(emails)) == len(accepted)
