"""Start `contacts_refresh` when a file with new content lands.

The cursor remembers each file's size, mtime and content hash, so a tick hashes only
files that changed, and a file re-dropped with the same bytes (any name) starts nothing.
"""

import hashlib
import json

import dagster as dg

from jobs.contacts import contacts_refresh
from resources.landing import LocalLanding, content_hash


def scan_landing(landing: LocalLanding, cursor: dict) -> tuple[list[str], dict]:
    """Return (new content hashes, updated cursor) for the files now in the landing zone."""
    stats: dict[str, list] = cursor.get("files", {})
    hashes: set[str] = set(cursor.get("hashes", []))
    new: list[str] = []
    current: dict[str, list] = {}
    for item in landing.list_files():
        known = stats.get(item.key)
        if known and known[0] == item.size and known[1] == item.modified_ns:
            current[item.key] = known
            continue
        try:
            digest = content_hash(landing.read_bytes(item.key))
        except FileNotFoundError:
            continue
        current[item.key] = [item.size, item.modified_ns, digest]
        if digest not in hashes:
            hashes.add(digest)
            new.append(digest)
    return new, {"files": current, "hashes": sorted(hashes)}


@dg.sensor(
    job=contacts_refresh,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def landing_file_sensor(context: dg.SensorEvaluationContext, landing: LocalLanding):
    """Requests a contacts_refresh run when files with new content appear in the landing zone."""
    new, cursor = scan_landing(landing, json.loads(context.cursor or "{}"))
    if new:
        run_key = hashlib.sha256("".join(sorted(new)).encode()).hexdigest()[:20]
        context.log.info(f"{len(new)} new file(s) in {landing.location}")
        yield dg.RunRequest(run_key=run_key, tags={"bizdev/new_files": str(len(new))})
    else:
        yield dg.SkipReason(f"no new files in {landing.location}")
    context.update_cursor(json.dumps(cursor))
