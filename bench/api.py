"""Benchmark: the API's intake under sustained load, a SIGKILL mid-load, and reads.

    .venv/bin/python bench/api.py [--rate 500] [--seconds 60] [--records 1]
                                  [--kill-after 10] [--read-contacts 1000000]

`bizdev api` runs as its own process (uvicorn, uvloop, httptools; the shipped command),
on a fresh landing folder, state folder and DuckDB warehouse under `bench/out/api/`.
The load generator is a bare HTTP/1.1 client on asyncio streams in this process
(`Connection`; httpx would cost more CPU than the server): request i is due at
start + i/rate whatever the answers (a slow server is not given time to catch up), and
one of `--senders` (256) keep-alive connections sends it, with its own
`Idempotency-Key` and `--records` contacts per payload. Latency runs from the moment a
request was due to its full answer, so time spent waiting for a free sender counts.

1. steady: `--rate` payloads/s for `--seconds`; accepted, refused, achieved rate, p50 /
   p99 / max latency, the server's CPU seconds.
2. kill: the same load; after `--kill-after` s the server gets SIGKILL, is started
   again, and every request that got no 202 is sent again with its key (as a client
   would). Then the spool is rolled up, the ingest (`raw_contact_files`,
   `contacts_normalized`) runs in-process, and the landed lines and normalized rows are
   counted per upload id: lost (a 202 whose records are not there) and doubled (records
   there twice) must both be 0.
3. reads: `--read-contacts` synthetic rows written straight into the `contacts` table,
   then REST and GraphQL queries (email lookup, name search, a filtered page, a deep
   page by cursor), each timed over 20 calls.

The client shares the machine's cores with the server: on 2 cores the figures are for
both together.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.harness import OUT, Stopwatch, print_table

BENCH_DIR = OUT / "api"
BENCH_SECRET = "bench-only-secret-of-at-least-32-bytes"
SENDERS = 256  # default concurrent senders, one connection each


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`bizdev api` on a free port, with the environment an operator would set."""

    def __init__(self, root: Path, window: float) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "BIZDEV_LANDING": str(root / "landing"),
            "BIZDEV_WAREHOUSE": str(root / "warehouse.duckdb"),
            "BIZDEV_API_STATE": str(root / "api-state"),
            "BIZDEV_API_PORT": str(self.port),
            "BIZDEV_API_JWT_SECRET": BENCH_SECRET,
            "BIZDEV_API_SPOOL_WINDOW_SECONDS": str(window),
            "BIZDEV_API_RATE_LIMITS": "intake=5000/10000,reads=1000/2000",
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        (self.root / "landing").mkdir(parents=True, exist_ok=True)
        bizdev = Path(sys.executable).with_name("bizdev")
        log = (self.root / "api.log").open("ab")
        self.process = subprocess.Popen(
            [str(bizdev), "api"], env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                sys.exit(f"bizdev api exited; see {self.root / 'api.log'}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                sys.exit("bizdev api did not start within 120 s")
            time.sleep(0.1)

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def token(self, *scopes: str) -> str:
        from bizdev_api.tokens import issue_token
        from resources.settings import ApiSettings

        settings = ApiSettings(jwt_secret=BENCH_SECRET, state_dir=self.env["BIZDEV_API_STATE"])
        return issue_token(settings, "bench", list(scopes), 3600)[0]


def payload(key: str, records: int) -> bytes:
    return json.dumps(
        [
            {
                "email": f"{key}.{i}@bench-example.com",
                "first_name": "Bench",
                "last_name": f"Load{key[1:]}x{i}",
                "company": "Bench GmbH",
            }
            for i in range(records)
        ]
    ).encode()


class Connection:
    """A bare HTTP/1.1 keep-alive connection on asyncio streams: POST, read the answer.

    The load generator shares 2 cores with the server; httpx costs about a millisecond
    of CPU per request, which at 500 requests/s would be the client's limit, not the
    server's. This costs a few tens of microseconds.
    """

    def __init__(self, url: str) -> None:
        self.host, port = url.removeprefix("http://").split(":")
        self.port = int(port)
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        head = f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        writer.write(head.encode() + body)
        status_line = await reader.readuntil(b"\r\n")
        length, closing = 0, False
        while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                closing = True
        body = await reader.readexactly(length)
        if closing:
            await self.close()
        return int(status_line.split()[1]), body

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


class Load:
    """Open-loop senders; what each key got."""

    def __init__(self, token: str, records: int, senders: int = SENDERS) -> None:
        self.senders = senders
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.records = records
        self.accepted: dict[str, str] = {}  # key -> upload id
        self.unanswered: list[str] = []
        self.latencies: list[float] = []
        self.statuses: Counter[str] = Counter()

    async def send(self, connection: Connection, key: str, due: float | None = None) -> None:
        started = time.perf_counter() if due is None else due
        try:
            status, body = await connection.post(
                "/v1/contacts",
                payload(key, self.records),
                {**self.headers, "Idempotency-Key": key},
            )
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            self.statuses[type(error).__name__] += 1
            self.unanswered.append(key)
            await connection.close()
            return
        self.latencies.append(time.perf_counter() - started)
        self.statuses[str(status)] += 1
        if status == 202:
            self.accepted[key] = json.loads(body)["upload_id"]
        else:
            self.unanswered.append(key)

    async def run(
        self, url: str, rate: float, seconds: float, first: int, on_tick=None
    ) -> tuple[float, int]:
        """Send `rate`/s for `seconds`; returns (elapsed seconds, requests sent).

        A pacer puts request i on a queue at start + i/rate; `senders`, each with
        its own keep-alive connection, take from it. A
        request that waits in the queue because every sender is busy shows as a lower
        achieved rate, and its wait is counted in its latency (no coordinated omission).
        """
        queue: asyncio.Queue = asyncio.Queue()
        total = int(rate * seconds)
        start = time.perf_counter()

        async def pace() -> None:
            for i in range(total):
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                if on_tick is not None:
                    on_tick(time.perf_counter() - start)
                queue.put_nowait((f"k{first + i:08d}", start + i / rate))
            for _ in range(self.senders):
                queue.put_nowait(None)

        async def sender() -> None:
            connection = Connection(url)
            while (item := await queue.get()) is not None:
                await self.send(connection, *item)
            await connection.close()

        await asyncio.gather(pace(), *(sender() for _ in range(self.senders)))
        return time.perf_counter() - start, total


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latency_row(name: str, load: Load, elapsed: float, sent: int, cpu: float) -> dict[str, Any]:
    return {
        "phase": name,
        "sent": sent,
        "accepted": len(load.accepted),
        "other": dict(load.statuses - Counter({"202": load.statuses["202"]})),
        "rate": len(load.accepted) / elapsed,
        "rows_per_s": len(load.accepted) * load.records / elapsed,
        "p50_ms": percentile(load.latencies, 0.50) * 1000,
        "p99_ms": percentile(load.latencies, 0.99) * 1000,
        "max_ms": max(load.latencies, default=float("nan")) * 1000,
        "server_cpu_s": cpu,
        "seconds": elapsed,
    }


def steady(root: Path, rate: float, seconds: float, records: int, senders: int) -> dict[str, Any]:
    server = Server(root, window=10)
    server.start()
    try:
        load = Load(server.token("contacts:write"), records, senders)
        asyncio.run(load.run(server.url, rate, 2, first=90_000_000))  # warm-up, not counted
        load = Load(server.token("contacts:write"), records, senders)
        cpu = server.cpu_seconds()
        elapsed, sent = asyncio.run(load.run(server.url, rate, seconds, first=0))
        return latency_row("steady", load, elapsed, sent, server.cpu_seconds() - cpu)
    finally:
        server.stop()


def killed(
    root: Path, rate: float, seconds: float, records: int, kill_after: float, senders: int
) -> dict:
    from resources.settings import Settings
    from tests.ingest_support import run_ingest

    server = Server(root, window=30)  # at the kill, the accepted payloads are in the spool
    server.start()
    load = Load(server.token("contacts:write"), records, senders)
    state = {"killed": False}

    def tick(at: float) -> None:
        if at >= kill_after and not state["killed"]:
            server.kill()
            state["killed"] = True

    asyncio.run(load.run(server.url, rate, seconds, first=0, on_tick=tick))
    accepted_before = dict(load.accepted)
    server.env["BIZDEV_API_SPOOL_WINDOW_SECONDS"] = "1"
    server.start()
    try:
        retry, load.unanswered = load.unanswered, []
        clock = Stopwatch()

        async def resend() -> None:
            pending = list(retry)

            async def sender() -> None:
                connection = Connection(server.url)
                while pending:
                    await load.send(connection, pending.pop())
                await connection.close()

            await asyncio.gather(*(sender() for _ in range(64)))

        asyncio.run(resend())
        resent_seconds = clock.lap("resend")
        spool = root / "landing" / ".bizdev" / "api-spool"
        while spool.exists() and any(spool.rglob("*.ndjson")):
            time.sleep(0.2)
    finally:
        server.stop()
    settings = Settings(landing=str(root / "landing"), warehouse=str(root / "warehouse.duckdb"))
    clock.lap("compacted")
    run = run_ingest(settings)
    ingest_seconds = clock.lap("ingest")
    lines = [
        json.loads(line)
        for path in (root / "landing" / "api").rglob("*.ndjson")
        for line in path.read_text().splitlines()
    ]
    per_upload = Counter(line["bizdev_upload_id"] for line in lines)
    expected = {f"{key}.{i}@bench-example.com" for key in load.accepted for i in range(records)}
    emails = run.normalized()["email"].drop_nulls().to_list()
    lost = len(expected - set(emails))
    doubled = sum(n - records for n in per_upload.values() if n > records)
    doubled += len(emails) - len(set(emails))
    return {
        "phase": "kill",
        "sent": int(rate * seconds),
        "accepted_before_kill": len(accepted_before),
        "unanswered_at_kill": len(retry),
        "accepted_total": len(load.accepted),
        "landed_records": len(lines),
        "normalized_rows": len(emails),
        "lost": lost,
        "doubled": doubled,
        "resend_s": resent_seconds,
        "ingest_s": ingest_seconds,
        "ingest_ok": run.result.success,
    }


def reads(root: Path, contacts: int) -> list[dict[str, Any]]:
    import duckdb

    root.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    con.execute("drop table if exists contacts")
    con.execute(
        f"""create table contacts as select
            uuid() as id,
            'person' || i || '@company' || (i % 5000) || '.example' as email,
            'First' || (i % 997) as first_name, 'Last' || i as last_name,
            '+4930' || lpad(cast(i as varchar), 8, '0') as phone,
            'Company ' || (i % 5000) as company, cast(null as uuid) as company_id,
            'DE' as country, cast(round(random(), 2) as decimal(3,2)) as quality_score,
            i % 3 = 0 as gdpr_consent, cast(null as timestamp) as gdpr_consent_date,
            cast(null as varchar) as consent_source, now()::timestamp as created_at,
            now()::timestamp as updated_at
        from range({contacts}) t(i)"""
    )
    middle = con.execute("select id from contacts order by id limit 1 offset ?", [contacts // 2])
    middle_id = str(middle.fetchall()[0][0])
    con.close()
    server = Server(root, window=10)
    server.start()
    try:
        from bizdev_api.reads.contacts import encode_cursor

        token = server.token("contacts:read", "contacts:read:pii")
        headers = {"Authorization": f"Bearer {token}"}
        email = f"person{contacts // 3}@company{(contacts // 3) % 5000}.example"
        query = """query($after: String) { contacts(first: 100, after: $after, minQuality: 0.5) {
            edges { node { id email sourceRecords { sourceFile } } } } }"""
        calls = {
            "REST email lookup": ("GET", "/v1/contacts", {"email": email}),
            "REST name search": ("GET", "/v1/contacts", {"name": "Last12345", "limit": 20}),
            "REST page, filtered": (
                "GET",
                "/v1/contacts",
                {"min_quality": 0.9, "consent": "true", "limit": 100},
            ),
            "REST deep page (cursor)": (
                "GET",
                "/v1/contacts",
                {"limit": 100, "cursor": encode_cursor(middle_id)},
            ),
            "GraphQL page + nested": (
                "POST",
                "/graphql",
                {"query": query, "variables": {"after": encode_cursor(middle_id)}},
            ),
        }
        rows = []
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            for name, (method, path, args) in calls.items():
                times = []
                for _ in range(20):
                    started = time.perf_counter()
                    if method == "GET":
                        response = client.get(path, params=args)
                    else:
                        response = client.post(path, json=args)
                    times.append(time.perf_counter() - started)
                    if response.status_code != 200:
                        sys.exit(f"{name}: {response.status_code} {response.text[:300]}")
                rows.append(
                    {
                        "phase": f"read: {name}",
                        "contacts": contacts,
                        "p50_ms": statistics.median(times) * 1000,
                        "max_ms": max(times) * 1000,
                    }
                )
        return rows
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--records", type=int, default=1, help="contacts per payload")
    parser.add_argument("--senders", type=int, default=SENDERS, help="concurrent connections")
    parser.add_argument("--kill-after", type=float, default=10)
    parser.add_argument("--kill-seconds", type=float, default=20)
    parser.add_argument("--read-contacts", type=int, default=1_000_000)
    parser.add_argument("--skip", action="append", default=[], choices=["steady", "kill", "reads"])
    args = parser.parse_args()
    shutil.rmtree(BENCH_DIR, ignore_errors=True)
    results = []
    if "steady" not in args.skip:
        results.append(
            steady(BENCH_DIR / "steady", args.rate, args.seconds, args.records, args.senders)
        )
        print(json.dumps(results[-1]), flush=True)
    if "kill" not in args.skip:
        kill = killed(
            BENCH_DIR / "kill",
            args.rate,
            args.kill_seconds,
            args.records,
            args.kill_after,
            args.senders,
        )
        print(json.dumps(kill), flush=True)
    if "reads" not in args.skip:
        results += reads(BENCH_DIR / "reads", args.read_contacts)
    print_table(
        results,
        {
            "phase": "{phase}",
            "accepted/s": "{rate:.0f}",
            "p50 ms": "{p50_ms:.1f}",
            "p99 ms": "{p99_ms:.1f}",
            "max ms": "{max_ms:.0f}",
        },
    )
    if "kill" not in args.skip:
        print_table(
            [kill],
            {
                "accepted before kill": "{accepted_before_kill}",
                "unanswered at kill": "{unanswered_at_kill}",
                "accepted in all": "{accepted_total}",
                "lines landed": "{landed_records}",
                "rows ingested": "{normalized_rows}",
                "lost": "{lost}",
                "doubled": "{doubled}",
            },
        )


if __name__ == "__main__":
    main()
