"""The landing zone as a local folder: the embedded default (`./data/landing`).

The folder is a jail. Whoever drops files may also drop a symlink (`passwd.csv ->
/etc/passwd`), a named pipe (which blocks whoever opens it) or a device, so only regular
files are read, and every path is opened one component at a time from the root with
`O_NOFOLLOW`: no symlink is followed, not even one swapped in after the listing, and no
key (`../x`, `/etc/x`) leads outside the root. The root itself may be a symlink: an
operator chose it. Writes (CRM feed files) go through the same walk.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from resources.landing.base import (
    FileTooLarge,
    IgnoredEntry,
    LandingFile,
    LandingRefused,
    LandingScan,
    LandingZone,
    display_name,
    ignored_reason,
)

_READ_CHUNK = 8 * 1024 * 1024
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_NOT_REGULAR = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


class LocalLanding(LandingZone):
    """A drop folder (`BIZDEV_LANDING`, default `./data/landing`), read recursively."""

    root: str

    @property
    def location(self) -> str:
        return str(Path(self.root).resolve())

    def is_empty(self) -> bool:
        """True when the folder is absent or holds nothing at all (not even a dot-file)."""
        try:
            with os.scandir(self.root) as entries:
                return next(entries, None) is None
        except FileNotFoundError:
            return True

    def scan(self) -> LandingScan:
        files: list[LandingFile] = []
        ignored: list[IgnoredEntry] = []
        if not os.path.isdir(self.root):
            return LandingScan(files, ignored)
        stack = [""]
        while stack:
            folder = stack.pop()
            try:
                path = _parts(folder.rstrip("/")) if folder else []
                with self._walk(path, create=False) as fd, os.scandir(fd) as entries:
                    for entry in entries:  # DirEntry.stat needs fd open: decide here
                        relative = f"{folder}{entry.name}"
                        why = _why_not_read(entry, relative)
                        if why:
                            ignored.append(IgnoredEntry(display_name(relative), why))
                        elif why is None and entry.is_dir(follow_symlinks=False):
                            stack.append(relative + "/")
                        elif why is None:
                            info = entry.stat(follow_symlinks=False)
                            files.append(LandingFile(relative, info.st_size, info.st_mtime_ns))
            except (OSError, LandingRefused) as exc:
                ignored.append(IgnoredEntry(display_name(folder), _unreadable(exc)))
        files.sort(key=lambda f: f.key)
        ignored.sort(key=lambda e: e.name)
        return LandingScan(files, ignored)

    def read_bytes(self, key: str, max_bytes: int | None = None) -> bytes:
        with self._open_file(key) as fd:
            size = os.fstat(fd).st_size
            if max_bytes is not None and size > max_bytes:
                raise FileTooLarge(key, size, max_bytes)
            chunks = []
            read = 0
            while chunk := os.read(fd, _READ_CHUNK):
                read += len(chunk)
                if max_bytes is not None and read > max_bytes:  # grew since the fstat
                    raise FileTooLarge(key, read, max_bytes)
                chunks.append(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def hash_file(self, key: str) -> str:
        """sha256 of the file's content, read in chunks (the sensor hashes without holding)."""
        digest = hashlib.sha256()
        with self._open_file(key) as fd:
            while chunk := os.read(fd, _READ_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def write_bytes(self, key: str, data: bytes) -> None:
        *folders, name = _parts(key)
        os.makedirs(self.root, exist_ok=True)  # the operator's root; the walk then jails
        with self._walk(folders, create=True) as dir_fd:
            partial = name + ".part"  # .part files are never listed
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
            fd = _jailed_open(key, partial, flags, dir_fd)
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
            os.replace(partial, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)

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
            known = stats.get(item.name)
            if known and known[0] == item.size and known[1] == item.modified_ns:
                current[item.name] = known
                continue
            if hashed >= limit:
                if known:
                    current[item.name] = known  # still differs next call, so it is hashed then
                continue
            try:
                digest = self.hash_file(item.key)
            except (FileNotFoundError, LandingRefused):
                continue
            hashed += 1
            current[item.name] = [item.size, item.modified_ns, digest]
            if digest not in hashes:
                hashes.add(digest)
                new.append(item)
        return new, json.dumps({"files": current, "hashes": sorted(hashes)})

    @contextmanager
    def _open_file(self, key: str) -> Iterator[int]:
        *folders, name = _parts(key)
        with self._walk(folders, create=False) as dir_fd:
            fd = _jailed_open(key, name, _FILE_FLAGS, dir_fd)
            try:
                mode = os.fstat(fd).st_mode
                if not stat.S_ISREG(mode):
                    kind = _NOT_REGULAR.get(stat.S_IFMT(mode), "not a regular file")
                    raise LandingRefused(f"{display_name(key)}: {_refusal(kind)}")
                os.set_blocking(fd, True)
                yield fd
            finally:
                os.close(fd)

    @contextmanager
    def _walk(self, folders: list[str], *, create: bool) -> Iterator[int]:
        """A descriptor of root/folders..., reached without following any symlink."""
        fd = os.open(self.root, _DIR_FLAGS & ~os.O_NOFOLLOW)
        try:
            for depth, part in enumerate(folders):
                if create:
                    with suppress(FileExistsError):
                        os.mkdir(part, dir_fd=fd)
                child = _jailed_open("/".join(folders[: depth + 1]), part, _DIR_FLAGS, fd)
                os.close(fd)
                fd = child
            yield fd
        finally:
            os.close(fd)


def _parts(key: str) -> list[str]:
    """A key's path components; a key that could leave the root is refused."""
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise LandingRefused(
            f"{display_name(key)}: not a path inside the landing folder (empty, absolute, "
            "or with '.'/'..' parts); drop the file into the folder itself"
        )
    return parts


def _jailed_open(key: str, name: str, flags: int, dir_fd: int) -> int:
    """os.open(name) in dir_fd, refusing a symlink (or a file where a folder should be)."""
    try:
        return os.open(name, flags, 0o644, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        is_link = stat.S_ISLNK(os.lstat(name, dir_fd=dir_fd).st_mode)
        kind = "a symbolic link" if is_link else "a file where a folder was expected"
        raise LandingRefused(f"{display_name(key)}: {_refusal(kind)}") from None


def _refusal(kind: str) -> str:
    return (
        f"is {kind}, and only regular files inside the landing folder are read; copy the "
        "file itself into the folder"
    )


def _why_not_read(entry: os.DirEntry, relative: str) -> str | None:
    """None for a file or folder to go into; else the reason it is left alone ("" for a
    reason not worth a log line)."""
    if entry.is_symlink():
        return _refusal("a symbolic link")
    if entry.is_dir(follow_symlinks=False):
        return ignored_reason(relative + "/_") if entry.name.startswith(".") else None
    if entry.is_file(follow_symlinks=False):
        return ignored_reason(relative)
    mode = entry.stat(follow_symlinks=False).st_mode
    return _refusal(_NOT_REGULAR.get(stat.S_IFMT(mode), "not a regular file"))


def _unreadable(exc: Exception) -> str:
    detail = exc.strerror if isinstance(exc, OSError) else None
    return f"could not be listed ({detail or exc}); check the folder's permissions"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
