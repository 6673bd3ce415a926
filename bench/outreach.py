"""Benchmark: enrolling leads into outreach sequences on the Temporal dev server.

    .venv/bin/python bench/outreach.py [--leads 10000]

Starts a dev server (state in a SQLite file under bench/out, as the embedded default
keeps it) and one `bizdev outreach-worker` process writing to an outbox folder, then:
  1. enrol N leads (N workflow starts, 64 in flight): starts per second;
  2. drain the day's steps: every sequence's first email due now, from the first start
     until all N are in the outbox (the worker's throughput when N sequences have a step
     due at once; it starts on them while the enrolment is still running);
  3. read every workflow's state back (what `outreach_enrollments` does each run).
It prints a markdown table and one JSON line per step; the worker's peak RSS is its own
VmHWM, read before it is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import uuid
from pathlib import Path

from bench.harness import OUT, Stopwatch, emit, peak_rss_mb, print_table
from bizdev_assets.outreach import control
from bizdev_assets.outreach.records import Lead, RunOptions
from bizdev_assets.outreach.sequence import SEQUENCES_DIR, Sequence
from bizdev_assets.outreach.services import WORKER_COMMAND
from resources.temporal import spawn_child, start_dev_server, stop_process_group
from resources.temporal.resource import TemporalResource

COLUMNS = {"step": "{step}", "items": "{items:,}", "seconds": "{seconds:.1f}", "per second": "{rate:,.0f}", "peak RSS MB": "{rss_mb}"}  # fmt: skip


def worker_peak_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return 0


async def run(leads: int, folder: Path, address: str, queue: str, worker_pid: int) -> list[dict]:
    temporal = TemporalResource(address=address, task_queue=queue)
    client = await temporal.connect()
    sequence = Sequence.load(SEQUENCES_DIR / "demo-intro.yaml")
    batch = [
        Lead(contact_id=str(uuid.uuid4()), email=f"lead{i}@example.com", first_name=f"Lead{i}", company="Example")
        for i in range(leads)
    ]  # fmt: skip
    rows = []
    watch = Stopwatch()
    outcomes = await control.enroll_many(client, queue, batch, sequence, RunOptions())
    seconds = watch.lap("enrol")
    started = sum(o == "started" for o in outcomes.values())
    rows.append({"step": "enrol (workflow starts)", "items": started, "seconds": seconds, "rate": started / seconds, "rss_mb": peak_rss_mb()})  # fmt: skip
    outbox = folder / "outbox"
    while len(list(outbox.glob("*.eml"))) < leads:
        await asyncio.sleep(0.5)
    seconds = watch.seconds  # since the first start: the worker drains while enrolment runs
    watch.lap("drain")
    rows.append({"step": "drain the day's first emails", "items": leads, "seconds": seconds, "rate": leads / seconds, "rss_mb": worker_peak_mb(worker_pid)})  # fmt: skip
    states = await control.read_states(client)
    seconds = watch.lap("read back")
    rows.append({"step": "read every state back", "items": len(states), "seconds": seconds, "rate": len(states) / seconds, "rss_mb": peak_rss_mb()})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000)
    args = parser.parse_args()
    folder = OUT / "outreach"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    server = start_dev_server(folder / "dev-server.sqlite", log_file=folder / "dev-server.log")
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    env = {**os.environ, "TEMPORAL_ADDRESS": server.address, "BIZDEV_TEMPORAL_TASK_QUEUE": queue, "BIZDEV_OUTBOX": str(folder / "outbox")}  # fmt: skip
    worker = spawn_child(WORKER_COMMAND, env=env, log_file=folder / "worker.log")
    try:
        rows = asyncio.run(run(args.leads, folder, server.address, queue, worker.pid))
    finally:
        stop_process_group(worker, 20)
        server.stop()
    print_table(rows, COLUMNS)
    for row in rows:
        emit(row)


if __name__ == "__main__":
    main()
