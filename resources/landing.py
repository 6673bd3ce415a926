"""Where sales ops drop contact files: a local folder on the embedded default.

The ingest asset and the landing sensor only use `list_files` and `read_bytes`, so a
bucket-backed landing zone can stand in for the folder without either changing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from bizdev_assets.ingest.readers import SUPPORTED_SUFFIXES


@dataclass(frozen=True)
class LandingFile:
    key: str  # path relative to the landing root, posix style
    size: int
    modified_ns: int


def content_hash(data: bytes) -> str:
    """A file's identity: re-dropping the same bytes under any name is the same file."""
    return hashlib.sha256(data).hexdigest()


class LocalLanding(dg.ConfigurableResource):
    """A drop folder (`BIZDEV_LANDING`, default `./data/landing`), read recursively."""

    root: str

    @property
    def location(self) -> str:
        return str(Path(self.root).resolve())

    def list_files(self) -> list[LandingFile]:
        """Every file under the root, hidden files and partial uploads excluded, sorted by key."""
        root = Path(self.root)
        if not root.exists():
            return []
        found = []
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if not path.is_file() or any(part.startswith(".") for part in relative.parts):
                continue
            if path.suffix.lower() in {".part", ".tmp", ".crdownload"}:
                continue
            stat = path.stat()
            found.append(LandingFile(relative.as_posix(), stat.st_size, stat.st_mtime_ns))
        return found

    def read_bytes(self, key: str) -> bytes:
        return (Path(self.root) / key).read_bytes()

    @staticmethod
    def is_supported(key: str) -> bool:
        return Path(key).suffix.lower() in SUPPORTED_SUFFIXES
