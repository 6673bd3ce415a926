"""Start `contacts_refresh` when new files land, in a folder or a bucket.

What counts as new is the landing zone's business (`list_files_since`): content hashes
for a folder; for a bucket, keys after the last one seen plus a bounded sweep behind it
(`resources/landing/s3_cursor.py`), never a listing of the whole prefix. A tick looks at
no more than
`FILES_PER_TICK` new files and leaves the rest, via the cursor, to the next tick, so a
bucket of many thousand objects is worked through across ticks without timing out.
"""

import hashlib

import dagster as dg

from jobs.contacts import contacts_refresh
from resources.landing import LandingFile, LandingZone

FILES_PER_TICK = 1_000


def run_key_for(files: list[LandingFile]) -> str:
    """One key per set of file versions, so a retried tick never starts a second run."""
    versions = sorted(f"{f.key}\0{f.etag or ''}\0{f.size}\0{f.modified_ns}" for f in files)
    return hashlib.sha256("\n".join(versions).encode()).hexdigest()[:20]


@dg.sensor(
    job=contacts_refresh,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def landing_file_sensor(context: dg.SensorEvaluationContext, landing: LandingZone):
    """Requests a contacts_refresh run when files with new content appear in the landing zone."""
    new, cursor = landing.list_files_since(context.cursor, limit=FILES_PER_TICK)
    if new:
        more = " (more next tick)" if len(new) == FILES_PER_TICK else ""
        context.log.info(f"{len(new)} new file(s) in {landing.location}{more}")
        yield dg.RunRequest(run_key=run_key_for(new), tags={"bizdev/new_files": str(len(new))})
    else:
        yield dg.SkipReason(f"no new files in {landing.location}")
    context.update_cursor(cursor)
