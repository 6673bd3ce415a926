"""What every landing zone is: the `LandingZone` interface and the file identity it lists.

The ingest asset and the landing sensor use only `LandingZone`'s methods, so neither
knows whether a folder (`local.py`) or a bucket (`s3.py`) is behind it.

File names come from whoever drops the file, so they are data too: a name may hold any
bytes (not UTF-8, a newline, an ANSI escape) and any length. `LandingFile.key` is the
name as the zone knows it (used only to read the file back); `LandingFile.name` is the
same name made printable and at most 255 characters, and is what is stored, logged and
shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

import dagster as dg

PARTIAL_UPLOAD_SUFFIXES = frozenset({".part", ".tmp", ".crdownload"})
# Folders the pipeline archives into (raw enrichment responses): never contact files.
ARCHIVE_FOLDERS = ("enrichment/",)
MAX_NAME_CHARS = 255  # what a stored source_file may hold (the contract's text limit)


def printable(text: str, limit: int | None = None) -> str:
    """`text` with every non-printable character escaped (`\\n`, `\\x1b`, `\\u202e`), and
    bytes that were not UTF-8 (surrogate-escaped by the OS layer) shown as `\\xe9`.

    Nothing that reaches a log, a terminal or a table can then start a line, move the
    cursor or reorder the text. `limit` cuts the result with an ellipsis.
    """
    if not (text.isascii() and text.isprintable()):
        text = "".join(_escape(ch) for ch in text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _escape(ch: str) -> str:
    if ch.isprintable():
        return ch
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
        return f"\\x{code - 0xDC00:02x}"
    if ch in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def display_name(key: str) -> str:
    """The name to store and show for a landing key: printable, at most 255 characters.

    A longer one keeps its start and its end (so its extension), with a digest of the
    whole key between them, so two long names never collide.
    """
    shown = printable(key)
    if len(shown) <= MAX_NAME_CHARS:
        return shown
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    middle = f"…[{len(shown):,} characters, sha256 {digest}]…"
    tail = shown[-60:]
    return shown[: MAX_NAME_CHARS - len(middle) - len(tail)] + middle + tail


@dataclass(frozen=True)
class LandingFile:
    key: str  # relative to the landing root or prefix, posix style; may hold any characters
    size: int
    modified_ns: int
    etag: str | None = None  # S3 ETag without quotes; None for a local file

    @property
    def name(self) -> str:
        """The key as stored in `source_file` and shown in logs (see `display_name`)."""
        return display_name(self.key)


@dataclass(frozen=True)
class IgnoredEntry:
    """Something in the landing zone that is not read, and why (logged by every run)."""

    name: str  # printable, see display_name
    reason: str


@dataclass(frozen=True)
class LandingScan:
    files: list[LandingFile]  # sorted by key
    ignored: list[IgnoredEntry]


class LandingUnavailable(Exception):
    """The landing zone cannot be reached or read; the message says which setting to fix."""


class LandingRefused(Exception):
    """An entry the landing zone will not read: a symlink, a FIFO, a device, a path that
    leads outside it. The message names the entry and what to do instead."""


class FileTooLarge(Exception):
    """The file is larger than the caller's `max_bytes`; nothing more was read."""

    def __init__(self, key: str, size: int, max_bytes: int) -> None:
        super().__init__(f"{display_name(key)}: {size:,} bytes or more, over {max_bytes:,}")
        self.size = size
        self.max_bytes = max_bytes


class LandingZone(dg.ConfigurableResource):
    """What the ingest asset and the landing sensor need from a landing zone.

    `read_bytes` raises `FileNotFoundError` when the file went away after it was listed,
    so callers can skip it and go on; `LandingRefused` for an entry it will not read;
    `FileTooLarge` past `max_bytes`.
    """

    @property
    def location(self) -> str:
        raise NotImplementedError

    def scan(self) -> LandingScan:
        """Every landing file, sorted by key, and every entry left unread with the reason
        (hidden names, partial uploads, links, pipes...)."""
        raise NotImplementedError

    def list_files(self) -> list[LandingFile]:
        """Every landing file (hidden, partial and non-regular entries excluded), sorted by key."""
        return self.scan().files

    def read_bytes(self, key: str, max_bytes: int | None = None) -> bytes:
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


def ignored_reason(relative_key: str) -> str | None:
    """Why a key is not a landing file (None: it is one). Folder markers and the
    pipeline's own archives (ARCHIVE_FOLDERS) get "" (not worth a log line); hidden names
    and partial uploads get the reason shown to the operator."""
    if not relative_key or relative_key.endswith("/") or relative_key.startswith(ARCHIVE_FOLDERS):
        return ""
    path = PurePosixPath(relative_key)
    if any(part.startswith(".") for part in path.parts):
        return (
            "hidden (its name or a folder's starts with '.'): editors, sync tools and "
            "uploaders keep temporary files so; rename it without the '.' to have it read"
        )
    if path.suffix.lower() in PARTIAL_UPLOAD_SUFFIXES:
        return (
            f"a partial upload ({path.suffix}); it is read once the upload renames it "
            "to its final name"
        )
    return None


def is_landing_key(relative_key: str) -> bool:
    """False for folder markers, hidden files (or files in hidden folders) and partial uploads."""
    return ignored_reason(relative_key) is None


def content_hash(data: bytes) -> str:
    """A file's identity: re-dropping the same bytes under any name is the same file."""
    return hashlib.sha256(data).hexdigest()
