"""Which landing files a run must read, and reading one without letting it stop the run.

A bucket grows: a run that downloaded and hashed every object to find the few new
ones would cost the whole bucket each time. `landing_file_log` keeps each loaded
object's key, ETag and size, so a known object is skipped before it is downloaded
(`KnownFiles.unchanged_object`); a new or rewritten one is read and then identified by
its content hash as before. A local folder is hashed as it is read (no ETag).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from bizdev_assets.ingest.file_outcome import FILE_LOG_TABLE
from resources.ingest_limits import IngestLimits
from resources.landing import LandingFile, LandingZone
from resources.landing.base import FileTooLarge, LandingRefused
from resources.warehouse import Warehouse


@dataclass
class KnownFiles:
    """What `landing_file_log` says was read before."""

    loaded: set[str] = field(default_factory=set)  # content hashes: never read again
    rejected: set[str] = field(default_factory=set)  # hashes retried (renamed, or fixed)
    objects: set[tuple[str, str, int]] = field(default_factory=set)  # loaded (name, etag, size)

    @classmethod
    def load(cls, warehouse: Warehouse) -> KnownFiles:
        if not warehouse.table_exists(FILE_LOG_TABLE):
            return cls()
        # A file log from before ETags were recorded has no etag column (migration 0003).
        has_etag = "etag" in warehouse.query(f"select * from {FILE_LOG_TABLE} limit 0").columns
        etag = "etag" if has_etag else "null as etag"
        log = warehouse.query(
            f"select file_hash, status, source_file, {etag}, size_bytes from {FILE_LOG_TABLE}"
        )
        loaded = log.filter(pl.col("status") == "loaded")
        with_etag = loaded.filter(pl.col("etag").is_not_null())
        return cls(
            loaded=set(loaded["file_hash"]),
            rejected=set(log.filter(pl.col("status") == "rejected")["file_hash"]),
            objects=set(with_etag.select("source_file", "etag", "size_bytes").iter_rows()),
        )

    def unchanged_object(self, item: LandingFile) -> bool:
        """True for a bucket object already loaded in this very version (no download)."""
        return item.etag is not None and (item.name, item.etag, item.size) in self.objects


@dataclass
class ReadAttempt:
    data: bytes | None = None
    error: str | None = None  # the file is rejected unread, for this reason
    skipped: str | None = None  # the file is passed over this run, with this warning


def read_landing_file(landing: LandingZone, item: LandingFile, limits: IngestLimits) -> ReadAttempt:
    """The file's bytes, or why it was not read: over the size limit (checked from the
    listing, then while reading), refused by the landing zone, gone, or unreadable."""
    too_large = (
        f"{item.name}: {item.size:,} bytes; {limits.how_to_raise('max_file_bytes')}, or "
        "split the file into smaller ones"
    )
    if item.size > limits.max_file_bytes:
        return ReadAttempt(error=too_large)
    try:
        return ReadAttempt(data=landing.read_bytes(item.key, max_bytes=limits.max_file_bytes))
    except FileNotFoundError:
        return ReadAttempt(skipped=f"{item.name}: removed before it could be read; skipped")
    except FileTooLarge:
        return ReadAttempt(error=too_large)
    except LandingRefused as exc:
        return ReadAttempt(skipped=f"not read: {exc}")
    except OSError as exc:
        return ReadAttempt(
            error=f"{item.name}: could not be read ({exc.strerror or exc}); check that the "
            "file is readable by the pipeline's user, then run again"
        )
