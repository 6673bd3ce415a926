"""Map a file's own column headers onto the canonical contact fields.

Sales teams' files name the same thing a dozen ways in four languages, so headers are
compared after folding case, accents, whitespace and punctuation ("E-Mail" == "email",
"Straße" == "strasse"). The built-in synonyms live in `header_synonyms.yaml`; a
per-source override file settles what the synonyms cannot (a team's "Tel. 2" column).
"""

from __future__ import annotations

import fnmatch
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from bizdev_assets.ingest.canonical import CANONICAL_FIELDS
from bizdev_assets.rule_files import read_yaml

SYNONYMS_PATH = Path(__file__).with_name("header_synonyms.yaml")
RECORD_ID = "source_record_id"
IGNORE = "ignore"
_TARGETS = frozenset(CANONICAL_FIELDS) | {RECORD_ID}


class HeaderMappingError(ValueError):
    """A synonyms or override file is malformed; the message names the file and entry."""


def normalize_header(header: str) -> str:
    """Fold a header to its matching key: accents, case, spaces and punctuation removed."""
    folded = unicodedata.normalize("NFKD", header).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


@dataclass
class ColumnPlan:
    """How one sheet's headers become output columns.

    `mapping` holds header -> canonical field or `source_record_id`; `ignored` headers
    are dropped entirely; every other header goes into the `attributes` JSON.
    """

    mapping: dict[str, str] = field(default_factory=dict)
    ignored: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    @property
    def canonical_count(self) -> int:
        """Number of headers mapped onto canonical fields (the record id not counted)."""
        return sum(1 for target in self.mapping.values() if target != RECORD_ID)

    def unmapped(self, headers: Iterable[str]) -> list[str]:
        """Headers whose values belong in `attributes`."""
        return [h for h in headers if h not in self.mapping and h not in self.ignored]


@dataclass(frozen=True)
class _Override:
    match: str
    columns: dict[str, str]  # normalized header -> target or "ignore"

    def applies_to(self, source_file: str) -> bool:
        name = PurePosixPath(source_file).name
        return fnmatch.fnmatchcase(source_file, self.match) or fnmatch.fnmatchcase(name, self.match)


class HeaderMapping:
    """Built-in header synonyms plus optional per-source overrides."""

    def __init__(
        self,
        synonyms: dict[str, str],
        ambiguous_names: frozenset[str],
        record_ids: frozenset[str],
        overrides: tuple[_Override, ...] = (),
    ) -> None:
        self._synonyms = synonyms  # normalized header -> canonical field
        self._ambiguous_names = ambiguous_names
        self._record_ids = record_ids
        self._overrides = overrides

    @classmethod
    def load(cls, overrides_path: Path | None = None) -> HeaderMapping:
        """Load the built-in synonyms and, if given, a per-source override YAML.

        The override file is a list of `{match: <glob on source_file or file name>,
        columns: {<header>: <canonical field | source_record_id | ignore>}}`; later
        entries win. Raises HeaderMappingError naming the file for any mistake.
        """
        raw = _read_yaml(SYNONYMS_PATH)
        synonyms = _parse_synonyms(raw, SYNONYMS_PATH)
        ambiguous = frozenset(_header_list(raw, "ambiguous_name_headers", SYNONYMS_PATH))
        record_ids = frozenset(_header_list(raw, "record_id_headers", SYNONYMS_PATH))
        overrides = _parse_overrides(overrides_path) if overrides_path else ()
        return cls(synonyms, ambiguous, record_ids, overrides)

    def map_columns(self, columns: list[str], source_file: str) -> dict[str, str]:
        """Original header -> canonical field (or `source_record_id`), mapped ones only."""
        return self.plan(columns, source_file).mapping

    def plan(self, columns: list[str], source_file: str) -> ColumnPlan:
        """Decide every header's fate; the first header claiming a field wins it."""
        plan = ColumnPlan()
        claimed: dict[str, str] = {}  # target -> header that won it
        forced = self._forced_targets(source_file)

        def claim(header: str, target: str) -> None:
            if target in claimed:
                plan.warnings.append(
                    f"columns {claimed[target]!r} and {header!r} both map to {target}; "
                    f"{claimed[target]!r} is used and {header!r} kept in attributes"
                )
                return
            claimed[target] = header
            plan.mapping[header] = target

        deferred: list[str] = []
        for header in columns:
            key = normalize_header(header)
            if key in forced:
                if forced[key] == IGNORE:
                    plan.ignored.add(header)
                else:
                    claim(header, forced[key])
        for header in columns:
            key = normalize_header(header)
            if key in forced:
                continue
            target = self._lookup(header)
            if target is not None:
                claim(header, target)
            elif key in self._ambiguous_names or _last_segment(header) in self._ambiguous_names:
                deferred.append(header)
            elif RECORD_ID not in claimed and self._is_record_id(header):
                claim(header, RECORD_ID)
        for header in deferred:
            claim(header, self._resolve_name_half(claimed))
        return plan

    def _lookup(self, header: str) -> str | None:
        target = self._synonyms.get(normalize_header(header))
        if target is None and "." in header:
            target = self._synonyms.get(_last_segment(header))
        return target

    def _is_record_id(self, header: str) -> bool:
        return (
            normalize_header(header) in self._record_ids
            or _last_segment(header) in self._record_ids
        )

    @staticmethod
    def _resolve_name_half(claimed: dict[str, str]) -> str:
        """ "Name" is the surname beside a first-name column, the given name beside a
        surname column, and the whole name otherwise."""
        if "first_name" in claimed and "last_name" not in claimed:
            return "last_name"
        if "last_name" in claimed and "first_name" not in claimed:
            return "first_name"
        return "full_name"

    def _forced_targets(self, source_file: str) -> dict[str, str]:
        forced: dict[str, str] = {}
        for override in self._overrides:
            if override.applies_to(source_file):
                forced.update(override.columns)
        return forced


def _last_segment(header: str) -> str:
    return normalize_header(header.rsplit(".", 1)[-1])


def _read_yaml(path: Path) -> Any:
    return read_yaml(path, HeaderMappingError, "header mapping file")


def _header_list(raw: dict[str, Any], key: str, path: Path) -> list[str]:
    values = raw.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise HeaderMappingError(f"{path}: '{key}' must be a list of header names")
    return [normalize_header(v) for v in values]


def _parse_synonyms(raw: Any, path: Path) -> dict[str, str]:
    if not isinstance(raw, dict) or not isinstance(raw.get("synonyms"), dict):
        raise HeaderMappingError(f"{path}: expected a 'synonyms' mapping of field -> headers")
    synonyms: dict[str, str] = {}
    for canonical in raw["synonyms"]:
        if canonical not in CANONICAL_FIELDS:
            raise HeaderMappingError(
                f"{path}: {canonical!r} is not a canonical field; use one of "
                f"{', '.join(CANONICAL_FIELDS)}"
            )
        for header in _header_list(raw["synonyms"], canonical, path):
            if synonyms.get(header, canonical) != canonical:
                raise HeaderMappingError(
                    f"{path}: header {header!r} is listed under both "
                    f"{synonyms[header]} and {canonical}; keep it under one field"
                )
            synonyms[header] = canonical
    return synonyms


def _parse_overrides(path: Path) -> tuple[_Override, ...]:
    raw = _read_yaml(path)
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise HeaderMappingError(
            f"{path}: expected a list of {{match: <glob>, columns: {{<header>: <field>}}}} "
            f"entries, found {type(raw).__name__}"
        )
    allowed = ", ".join((*CANONICAL_FIELDS, RECORD_ID, IGNORE))
    overrides = []
    for number, entry in enumerate(raw, start=1):
        where = f"{path}: entry {number}"
        if not isinstance(entry, dict) or set(entry) != {"match", "columns"}:
            raise HeaderMappingError(f"{where} must have exactly the keys 'match' and 'columns'")
        match, columns = entry["match"], entry["columns"]
        if not isinstance(match, str) or not match:
            raise HeaderMappingError(f"{where}: 'match' must be a file-name glob")
        if not isinstance(columns, dict) or not columns:
            raise HeaderMappingError(f"{where}: 'columns' must map headers to fields")
        for header, target in columns.items():
            if target not in _TARGETS and target != IGNORE:
                raise HeaderMappingError(
                    f"{where}, column {header!r}: {target!r} is not a canonical field; "
                    f"use one of {allowed}"
                )
        overrides.append(
            _Override(match, {normalize_header(str(h)): t for h, t in columns.items()})
        )
    return tuple(overrides)
