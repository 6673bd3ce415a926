"""Accepted payloads written to the landing zone in group commits, durable before the 202.

Requests hand their NDJSON lines to `SpoolWriter.land` and wait. One writer thread takes
everything queued, records the batch and its uploads in the state file (committed: an
idempotency key is durable before its payload is written), writes the batch as one
object under `.bizdev/api-spool/<window>/<batch>.ndjson` (`LandingZone.write_bytes`:
fsync of file and folder, or a completed PUT), marks it landed, and only then releases
the requests. While one batch is written the next one gathers, so a slow disk or bucket
makes batches larger, not requests slower in proportion.

The spool is the landing zone's system area (`SYSTEM_PREFIX`): the ingest never reads it.
`compactor.py` rolls each closed window into one landing file under `api/contacts/`.
A write that fails is undone (the object deleted, the uploads forgotten) so the client's
retry lands it anew; one whose outcome is unknown stays `writing` until `recover` (at
start-up) or a retried key asks the landing zone whether it is there.
"""

from __future__ import annotations

import asyncio
import math
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bizdev_api.errors import ApiError
from bizdev_api.state import NewUpload, StateDB
from resources.landing import LandingZone
from resources.landing.base import SYSTEM_PREFIX

SPOOL_PREFIX = f"{SYSTEM_PREFIX}api-spool/"
MAX_BATCH_BYTES = 16 * 1024 * 1024
MAX_QUEUED_BYTES = 256 * 1024 * 1024
_LABEL = "%Y%m%dT%H%M%S"


def window_label(moment: float, window_seconds: float) -> str:
    start = math.floor(moment / window_seconds) * window_seconds
    return datetime.fromtimestamp(start, UTC).strftime(_LABEL)


def window_start(label: str) -> float:
    return datetime.strptime(label, _LABEL).replace(tzinfo=UTC).timestamp()


def batch_id_of(spool_key: str) -> str:
    return spool_key.rsplit("/", 1)[-1].removesuffix(".ndjson")


class LandingFailed(ApiError):
    def __init__(self, reason: str) -> None:
        super().__init__(
            503,
            f"the payload could not be written to the landing zone ({reason}); nothing was "
            "accepted: retry with the same Idempotency-Key",
            headers={"Retry-After": "5"},
        )


@dataclass
class _Pending:
    upload: NewUpload
    data: bytes
    future: asyncio.Future


class SpoolWriter:
    def __init__(self, landing: LandingZone, state: StateDB, window_seconds: float) -> None:
        self.landing = landing
        self.state = state
        self.window_seconds = window_seconds
        self._queue: list[_Pending] = []
        self._queued_bytes = 0
        self._wake = asyncio.Event()
        self._closing = False
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="spool-writer")
        self._task: asyncio.Task | None = None
        self.in_flight: dict[str, asyncio.Future] = {}  # idempotency hash -> landing

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Land what is queued, then stop."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
        self._executor.shutdown(wait=True)

    async def land(self, upload: NewUpload, data: bytes) -> None:
        """Return once `data` is durably in the landing zone; raise `LandingFailed` if not."""
        if self._closing:
            raise LandingFailed("the server is shutting down")
        if self._queued_bytes + len(data) > MAX_QUEUED_BYTES:
            raise LandingFailed(f"{self._queued_bytes:,} bytes already wait for the landing zone")
        future = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending(upload, data, future))
        self._queued_bytes += len(data)
        self._wake.set()
        await asyncio.shield(future)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                batch = self._take()
                try:
                    await loop.run_in_executor(self._executor, self._write, batch)
                except Exception as error:
                    reason = f"{type(error).__name__}: {str(error)[:300]}"
                    for pending in batch:
                        pending.future.set_exception(LandingFailed(reason))
                else:
                    for pending in batch:
                        pending.future.set_result(None)
            if self._closing:
                return

    def _take(self) -> list[_Pending]:
        batch, size = [], 0
        while self._queue and (not batch or size + len(self._queue[0].data) <= MAX_BATCH_BYTES):
            pending = self._queue.pop(0)
            batch.append(pending)
            size += len(pending.data)
        self._queued_bytes -= size
        return batch

    def _write(self, batch: list[_Pending]) -> None:
        now = time.time()
        batch_id = f"{datetime.fromtimestamp(now, UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"
        key = f"{SPOOL_PREFIX}{window_label(now, self.window_seconds)}/{batch_id}.ndjson"
        uploads, line = [], 1
        for pending in batch:
            uploads.append(replace(pending.upload, first_line=line))
            line += pending.upload.records
        self.state.begin_batch(batch_id, key, uploads)
        try:
            self.landing.write_bytes(key, b"".join(p.data for p in batch))
        except Exception:
            try:
                self.landing.delete(key)
            except Exception:
                raise  # outcome unknown: stays `writing` for `resolve` to settle
            self.state.forget_batch(batch_id)
            raise
        self.state.batch_landed(batch_id)


def resolve(landing: LandingZone, state: StateDB, upload: dict) -> bool:
    """For an upload left `writing` (a crash, an unknown outcome): True when its bytes
    are in the landing zone (now marked landed); else it is forgotten."""
    if upload["kind"] == "file":
        if landing.exists(upload["landing_key"]):
            state.file_landed(upload["upload_id"])
            return True
        state.forget_upload(upload["upload_id"])
        return False
    if upload["batch_state"] == "compacted" or landing.exists(upload["spool_key"]):
        state.batch_landed(upload["batch_id"])
        return True
    state.forget_batch(upload["batch_id"])
    return False


def recover(landing: LandingZone, state: StateDB) -> tuple[int, int]:
    """At start-up, before serving: settle what a stopped process left `writing`.
    Returns (landed, forgotten)."""
    batches, files = state.unfinished()
    landed = forgotten = 0
    for batch in batches:
        if landing.exists(batch["spool_key"]):
            state.batch_landed(batch["batch_id"])
            landed += 1
        else:
            state.forget_batch(batch["batch_id"])
            forgotten += 1
    for upload in files:
        if resolve(landing, state, upload):
            landed += 1
        else:
            forgotten += 1
    return landed, forgotten
