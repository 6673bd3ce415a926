"""Where sales ops drop contact files: one interface, a folder or a bucket behind it.

`BIZDEV_LANDING` chooses: `s3://bucket/prefix` is a bucket (`S3Landing`, credentials
and endpoint from the standard AWS variables), anything else a local folder
(`LocalLanding`). The ingest asset and the landing sensor only use `LandingZone`'s
methods, so neither knows which one it reads.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

import dagster as dg

from bizdev_assets.ingest.readers import SUPPORTED_SUFFIXES

PARTIAL_UPLOAD_SUFFIXES = frozenset({".part", ".tmp", ".crdownload"})


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

    @staticmethod
    def is_supported(key: str) -> bool:
        return PurePosixPath(key).suffix.lower() in SUPPORTED_SUFFIXES


def is_landing_key(relative_key: str) -> bool:
    """False for folder markers, hidden files (or files in hidden folders) and partial uploads."""
    if not relative_key or relative_key.endswith("/"):
        return False
    path = PurePosixPath(relative_key)
    if any(part.startswith(".") for part in path.parts):
        return False
    return path.suffix.lower() not in PARTIAL_UPLOAD_SUFFIXES


def content_hash(data: bytes) -> str:
    """A file's identity: re-dropping the same bytes under any name is the same file."""
    return hashlib.sha256(data).hexdigest()


def landing_for(value: str) -> LandingZone:
    """The landing zone a `BIZDEV_LANDING` value names: `s3://bucket/prefix` or a folder."""
    # Imported here because both implementations import this module's shared types.
    from resources.landing_local import LocalLanding
    from resources.landing_s3 import S3Landing

    if value.startswith("s3://"):
        return S3Landing.from_url(value)
    return LocalLanding(root=value)


def __getattr__(name: str):
    """`from resources.landing import LocalLanding` (or `S3Landing`) keeps working.

    Resolved lazily because both implementations import this module's shared types.
    """
    if name == "LocalLanding":
        from resources.landing_local import LocalLanding

        return LocalLanding
    if name == "S3Landing":
        from resources.landing_s3 import S3Landing

        return S3Landing
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
