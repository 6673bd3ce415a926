"""How the landing sensor finds new objects in a bucket without listing all of it each tick.

S3 lists keys in order and can start after a given key (`StartAfter`), but cannot list
by time. So a tick does two bounded things:

- **frontier**: list from the last key seen onwards. Drop zones mostly grow by keys that
  sort last (dated folders, timestamped names), and those are found on the next tick
  whatever the bucket's size: one list call when nothing is new.
- **sweep**: list pages of the keys behind the frontier until the tick has spent about
  `sweep_seconds` (at least one page), continuing where the last tick stopped, and report those modified
  since the sweep before this one began. That finds a key that sorts before the frontier
  and an object rewritten in place within one sweep of the bucket: a 100,000-object
  bucket is 100 pages, a few ticks on S3 (~0.1 s a page), ~50 ticks on a slow server.

An object is reported once per version: `taken` remembers the (key, ETag) fingerprints
reported while they are recent enough for a sweep to meet them again, and forgets them
after, so the cursor stays small. S3 stamps an object when its upload starts and the
client's clock is not the server's: `settle_ns` widens every time window by that much.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from resources.landing.base import LandingFile

Listed = tuple[str, LandingFile | None]  # full key; the file, or None for a non-landing key
ListPage = Callable[[str], tuple[list[Listed], bool]]  # start_after -> objects, more after


@dataclass
class BucketCursor:
    frontier: str = ""  # last full key seen in key order by the frontier pass
    sweep_after: str = ""  # where the sweep goes on; "" = a new sweep starts
    since_ns: int = 0  # the sweep reports objects modified at or after this
    cycle_start_ns: int = 0  # when the current sweep began
    taken: dict[str, int] = field(default_factory=dict)  # fingerprint -> modified_ns

    @classmethod
    def load(cls, cursor: str | None, now_ns: int, settle_ns: int) -> BucketCursor:
        state = json.loads(cursor) if cursor else {}
        if state.get("v") != 2:  # no cursor, or one from before start-after listing
            return cls(since_ns=now_ns - settle_ns, cycle_start_ns=now_ns)
        return cls(
            frontier=state["frontier"],
            sweep_after=state["sweep_after"],
            since_ns=state["since_ns"],
            cycle_start_ns=state["cycle_start_ns"],
            taken=state["taken"],
        )

    def dump(self) -> str:
        self.taken = {fp: t for fp, t in self.taken.items() if t >= self.since_ns}
        return json.dumps(
            {
                "v": 2,
                "frontier": self.frontier,
                "sweep_after": self.sweep_after,
                "since_ns": self.since_ns,
                "cycle_start_ns": self.cycle_start_ns,
                "taken": self.taken,
            }
        )

    def advance(
        self,
        list_page: ListPage,
        limit: int,
        sweep_seconds: float,
        now_ns: int,
        settle_ns: int,
    ) -> list[LandingFile]:
        """At most `limit` new files: the frontier's first, then the sweep's. The sweep
        lists at least one page, then more until the tick has spent `sweep_seconds`."""
        deadline = time.monotonic() + sweep_seconds
        new: list[LandingFile] = []
        while len(new) < limit:
            listed, more = list_page(self.frontier)
            for key, item in listed:
                if len(new) >= limit:
                    break
                self.frontier = key
                if item is not None and self._take(item, always=True):
                    new.append(item)
            if not (more and listed):
                break
        while len(new) < limit:
            listed, more = list_page(self.sweep_after)
            finished = not (more and listed)
            for key, item in listed:
                if key > self.frontier:  # the frontier's business: this sweep is done
                    finished = True
                    break
                if len(new) >= limit:
                    finished = False
                    break
                self.sweep_after = key
                if item is not None and self._take(item, always=False):
                    new.append(item)
            if finished:
                self.since_ns = self.cycle_start_ns - settle_ns
                self.cycle_start_ns = now_ns
                self.sweep_after = ""
                break
            if time.monotonic() >= deadline:
                break
        return new

    def _take(self, item: LandingFile, *, always: bool) -> bool:
        """Report `item` unless this version was reported already (or, for the sweep,
        unless it is older than the sweep's window)."""
        fingerprint = _fingerprint(item)
        if fingerprint in self.taken or (not always and item.modified_ns < self.since_ns):
            return False
        if item.modified_ns >= self.since_ns:
            self.taken[fingerprint] = item.modified_ns
        return True


def _fingerprint(f: LandingFile) -> str:
    return hashlib.sha256(f"{f.key}\0{f.etag}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
