"""What every landing zone is: the `LandingZone` interface and the file identity it lists.

The ingest asset and the landing sensor use only `LandingZone`'s methods, so neither
knows whether a folder (`local.py`) or a bucket (`s3.py`) is behind it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

import dagster as dg

PARTIAL_UPLOAD_SUFFIXES = frozenset({".part", ".tmp", ".crdownload"})
# Folders the pipeline archives into (raw enrichment responses): never contact files.
ARCHIVE_FOLDERS = ("enrichment/",)


@dataclass(frozen=True)
class LandingFile:
    key: str  # relative to the landing root or prefix, posix style
    size: int
    modified_ns: int
    etag: str | None = None  # S3 ETag without quotes; None for a local file


class LandingUnavailable(Exception):
    """The landing zone cannot be reached or read; the message says which setting to fix."""


class LandingZone(dg.ConfigurableResource):
    """What the ingest asset and the landing sensor need from a landing zone.

    `read_bytes` raises `FileNotFoundError` when the file went away after it was listed,
    so callers can skip it and go on.
    """

    @property
    def location(self) -> str:
        raise NotImplementedError

    def list_files(self) -> list[LandingFile]:
        """Every landing file (hidden, partial and folder entries excluded), sorted by key."""
        raise NotImplementedError

    def read_bytes(self, key: str) -> bytes:
        raise NotImplementedError

    def write_bytes(self, key: str, data: bytes) -> None:
        """Drop a file ourselves (CRM pulls feed the pipeline this way), written whole so
        the sensor never lists a half-written file."""
        raise NotImplementedError

    def list_files_since(self, cursor: str | None, limit: int) -> tuple[list[LandingFile], str]:
        """At most `limit` files that are new or changed since `cursor`, and the next cursor.

        The cursor is opaque to the caller. When more than `limit` files changed, the rest
        come with the next call, so one sensor tick does bounded work.
        """
        raise NotImplementedError


def is_landing_key(relative_key: str) -> bool:
    """False for folder markers, hidden files (or files in hidden folders), partial uploads
    and the pipeline's own archives (ARCHIVE_FOLDERS)."""
    if not relative_key or relative_key.endswith("/") or relative_key.startswith(ARCHIVE_FOLDERS):
        return False
    path = PurePosixPath(relative_key)
    if any(part.startswith(".") for part in path.parts):
        return False
    return path.suffix.lower() not in PARTIAL_UPLOAD_SUFFIXES


def content_hash(data: bytes) -> str:
    """A file's identity: re-dropping the same bytes under any name is the same file."""
    return hashlib.sha256(data).hexdigest()
