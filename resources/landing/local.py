"""The landing zone as a local folder: the embedded default (`./data/landing`)."""

from __future__ import annotations

import json
from pathlib import Path

from resources.landing.base import LandingFile, LandingZone, content_hash, is_landing_key


class LocalLanding(LandingZone):
    """A drop folder (`BIZDEV_LANDING`, default `./data/landing`), read recursively."""

    root: str

    @property
    def location(self) -> str:
        return str(Path(self.root).resolve())

    def list_files(self) -> list[LandingFile]:
        root = Path(self.root)
        if not root.exists():
            return []
        found = []
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if not path.is_file() or not is_landing_key(relative):
                continue
            stat = path.stat()
            found.append(LandingFile(relative, stat.st_size, stat.st_mtime_ns))
        return found

    def read_bytes(self, key: str) -> bytes:
        return (Path(self.root) / key).read_bytes()

    def write_bytes(self, key: str, data: bytes) -> None:
        path = Path(self.root) / key
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")  # .part files are never listed
        partial.write_bytes(data)
        partial.replace(path)

    def list_files_since(self, cursor: str | None, limit: int) -> tuple[list[LandingFile], str]:
        """Files whose content is new: a moved or re-dropped copy of known bytes is not.

        The cursor keeps each file's size, mtime and content hash, so only files whose
        size or mtime changed are hashed, at most `limit` of them per call; the others wait
        for the next call. Folders keep files by name, so mtimes alone could miss a file
        moved in with an old mtime: every listed file is compared, not a watermark.
        """
        state = json.loads(cursor or "{}")
        stats: dict[str, list] = state.get("files", {})
        hashes: set[str] = set(state.get("hashes", []))
        new: list[LandingFile] = []
        current: dict[str, list] = {}
        hashed = 0
        for item in self.list_files():
            known = stats.get(item.key)
            if known and known[0] == item.size and known[1] == item.modified_ns:
                current[item.key] = known
                continue
            if hashed >= limit:
                if known:
                    current[item.key] = known  # still differs next call, so it is hashed then
                continue
            try:
                digest = content_hash(self.read_bytes(item.key))
            except FileNotFoundError:
                continue
            hashed += 1
            current[item.key] = [item.size, item.modified_ns, digest]
            if digest not in hashes:
                hashes.add(digest)
                new.append(item)
        return new, json.dumps({"files": current, "hashes": sorted(hashes)})
