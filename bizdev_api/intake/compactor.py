"""Spooled batches rolled up into landing files the ingest reads: one per closed window.

At 500 payloads a second, a file per payload would cost the ingest a run of hours
(each landing file is read, hashed and stored on its own); the spool's group commits are
still a few hundred objects a window. So once a window has closed (plus `grace` for a
write still in flight), its spool objects are concatenated, in key order, into
`api/contacts/<day>/<window>-<sha256>.ndjson` (parts of at most `max_rollup_bytes`),
the state file records which batch went where (the upload status needs the lines), and
only then are the spool objects deleted.

Crash safety: before the state records a batch as compacted, a second pass rebuilds the
same rollup (same objects, same order, same bytes, same name: the content hash is in it),
so a rollup is never written twice with different content; after it, the pass only
deletes the spool objects left over. A spool object that arrives after its window was
rolled up (a write slower than `grace`) goes into a rollup of its own on the next pass.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator

from bizdev_api.intake.spool import SPOOL_PREFIX, batch_id_of, window_start
from bizdev_api.state import StateDB
from resources.landing import LandingZone

ROLLUP_PREFIX = "api/contacts/"
MAX_ROLLUP_BYTES = 64 * 1024 * 1024
log = logging.getLogger("bizdev_api.compactor")


class Compactor:
    def __init__(
        self,
        landing: LandingZone,
        state: StateDB,
        window_seconds: float,
        *,
        grace_seconds: float | None = None,
        max_rollup_bytes: int = MAX_ROLLUP_BYTES,
    ) -> None:
        self.landing = landing
        self.state = state
        self.window_seconds = window_seconds
        self.grace_seconds = window_seconds if grace_seconds is None else grace_seconds
        self.max_rollup_bytes = max_rollup_bytes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="spool-compactor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        interval = max(0.2, min(self.window_seconds / 2, 5.0))
        while not self._stop.wait(interval):
            try:
                self.run_once()
                self.last_error = None
            except Exception as error:  # the landing zone is down: try again next pass
                self.last_error = f"{type(error).__name__}: {error}"
                log.warning("compacting the spool failed: %s", self.last_error)

    def run_once(self, now: float | None = None, *, everything: bool = False) -> list[str]:
        """Roll up every closed window (every window with `everything`); returns the
        rollup keys written."""
        now = time.time() if now is None else now
        windows: dict[str, list[str]] = defaultdict(list)
        for key in self.landing.list_keys(SPOOL_PREFIX):
            windows[key[len(SPOOL_PREFIX) :].split("/", 1)[0]].append(key)
        written = []
        for label, keys in sorted(windows.items()):
            closes = window_start(label) + self.window_seconds + self.grace_seconds
            if closes > now and not everything:
                continue
            written += self._compact(label, sorted(keys))
        return written

    def _compact(self, label: str, keys: list[str]) -> list[str]:
        done = self.state.compacted([batch_id_of(k) for k in keys])
        todo = [k for k in keys if batch_id_of(k) not in done]
        written = []
        for part in self._parts(todo):
            data = b"".join(chunk for _, chunk in part)
            digest = hashlib.sha256(data).hexdigest()[:16]
            day = f"{label[:4]}-{label[4:6]}-{label[6:8]}"
            rollup = f"{ROLLUP_PREFIX}{day}/{label}-{digest}.ndjson"
            self.landing.write_bytes(rollup, data)
            marks, line = [], 1
            for key, chunk in part:
                marks.append((batch_id_of(key), rollup, line))
                line += chunk.count(b"\n")
            self.state.batches_compacted(marks)
            written.append(rollup)
        for key in keys:
            self.landing.delete(key)
        return written

    def _parts(self, keys: list[str]) -> Iterator[list[tuple[str, bytes]]]:
        part: list[tuple[str, bytes]] = []
        size = 0
        for key in keys:
            try:
                chunk = self.landing.read_bytes(key)
            except FileNotFoundError:
                continue
            if part and size + len(chunk) > self.max_rollup_bytes:
                yield part
                part, size = [], 0
            part.append((key, bytes(chunk)))
            size += len(chunk)
        if part:
            yield part
