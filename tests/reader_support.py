"""Helpers for the reader tests: read a file written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

from bizdev_assets.ingest.readers import FileReadResult, HeaderMapping, read_contact_file

MAPPING = HeaderMapping.load()


def read(tmp_path: Path, name: str, content: str | bytes) -> FileReadResult:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_contact_file(path, tmp_path, MAPPING)


def column(result: FileReadResult, name: str) -> list:
    return result.rows[name].to_list()
