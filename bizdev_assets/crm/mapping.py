"""Field mapping: which golden field goes to which CRM property, transformed how, and
which side wins a conflict. One versioned YAML file per CRM (`mappings/*.yaml`).

`CrmMapping.load` checks the file on its own (unknown golden field, unknown policy or
transform) and `check_against` checks it against the CRM's own description of its
properties (unknown property, read-only property, type mismatch, picklist values), so a
bad mapping fails before the first write with a message naming the file and the entry.
`crm_values` turns golden rows into the CRM's property values.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from bizdev_assets.golden.columns import GOLDEN_COLUMNS
from bizdev_assets.ingest.canonical import CANONICAL_FIELDS
from bizdev_assets.rule_files import read_yaml
from resources.crm.client import PropertySpec

MAPPINGS_DIR = Path(__file__).parent / "mappings"
POLICIES = ("crm_wins", "bizdev_wins", "most_recent", "never_overwrite")
CASES = ("upper", "lower", "title")
# Golden fields a mapping may name: golden_contacts' scalar columns plus the quality score.
PUSHABLE: dict[str, pl.DataType] = {
    name: dtype
    for name, dtype in {**GOLDEN_COLUMNS, "quality_score": pl.Float64()}.items()
    if not isinstance(dtype, pl.List)
}
_TEXT_LIKE = (pl.String, pl.Categorical, pl.Enum)


class MappingError(ValueError):
    """The mapping file is wrong; the message names the file and the entry."""


@dataclass(frozen=True)
class FieldMap:
    golden: str
    crm: str
    conflict: str = "bizdev_wins"
    format: str | None = None  # "{:.2f}" for numbers, "%Y-%m-%d" for dates
    case: str | None = None
    value_map: Mapping[str, str] = field(default_factory=dict)
    truncate: int | None = None  # None: the CRM's own field length, when it has one

    def transform(self, value: Any, length: int | None) -> str | None:
        """The golden value as the string the CRM receives (None = no value)."""
        if value is None:
            return None
        if self.format and isinstance(value, datetime | date) and "%" in self.format:
            text = value.strftime(self.format)
        elif self.format:
            text = self.format.format(value)
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, datetime):
            text = value.isoformat()
        else:
            text = str(value)
        if self.case:
            text = getattr(text, self.case)()
        if self.value_map:
            text = self.value_map.get(text, self.value_map.get("*", text))
        limit = self.truncate or length
        return text[:limit] if limit else text


@dataclass(frozen=True)
class CrmMapping:
    """One CRM object's mapping, as loaded from its YAML file."""

    crm: str
    object: str
    version: int
    id_property: str  # the CRM property an upsert matches on
    id_field: str  # the golden field whose value goes into it
    fields: tuple[FieldMap, ...]
    origin: str = "<mapping>"
    lengths: Mapping[str, int] = field(default_factory=dict)  # filled by check_against

    @property
    def properties(self) -> list[str]:
        """CRM properties the sync reads and writes (id property first)."""
        names = [self.id_property] + [f.crm for f in self.fields]
        return list(dict.fromkeys(names))

    @classmethod
    def load(cls, path: Path) -> CrmMapping:
        return cls.from_dict(read_yaml(path, MappingError, "the CRM field mapping"), str(path))

    @classmethod
    def shipped(cls, crm: str) -> CrmMapping:
        return cls.load(MAPPINGS_DIR / f"{crm}.yaml")

    @classmethod
    def configured(cls, path: str | None, crm: str) -> CrmMapping:
        """The file a CRM resource's `mapping_path` names, else the shipped one."""
        return cls.load(Path(path)) if path else cls.shipped(crm)

    @classmethod
    def from_dict(cls, data: Any, origin: str = "<mapping>") -> CrmMapping:
        def fail(where: str, problem: str) -> MappingError:
            return MappingError(f"{origin}: {where}: {problem}")

        if not isinstance(data, dict):
            raise fail("top level", "expected a mapping with crm, object, version and fields")
        for key in ("crm", "object", "version", "id_property", "id_field", "fields"):
            if key not in data:
                raise fail("top level", f"missing `{key}`")
        if not isinstance(data["version"], int):
            raise fail("version", f"expected an integer, got {data['version']!r}")
        _check_golden(data["id_field"], "id_field", fail)
        entries = data["fields"]
        if not isinstance(entries, list) or not entries:
            raise fail("fields", "expected a non-empty list of {golden, crm, ...} entries")
        fields = tuple(_field(entry, i, fail) for i, entry in enumerate(entries))
        seen: set[str] = set()
        for f in fields:
            if f.crm in seen:
                raise fail(f"fields[{f.crm}]", "CRM property mapped twice")
            seen.add(f.crm)
        return cls(
            crm=str(data["crm"]),
            object=str(data["object"]),
            version=data["version"],
            id_property=str(data["id_property"]),
            id_field=data["id_field"],
            fields=fields,
            origin=origin,
        )

    def check_against(self, specs: Mapping[str, PropertySpec]) -> CrmMapping:
        """Validate against the CRM's property descriptions; returns the mapping with the
        CRM's field lengths, used for truncation."""
        problems = []
        if self.id_property not in specs:
            problems.append(f"id_property: {_unknown(self.id_property, specs, self)}")
        for f in self.fields:
            where = f"fields[{f.golden} -> {f.crm}]"
            spec = specs.get(f.crm)
            if spec is None:
                problems.append(f"{where}: {_unknown(f.crm, specs, self)}")
                continue
            if spec.read_only:
                problems.append(f"{where}: {self.crm} marks '{f.crm}' read-only")
            problem = _type_problem(f, PUSHABLE[f.golden], spec)
            if problem:
                problems.append(f"{where}: {problem}")
        if problems:
            raise MappingError(f"{self.origin}: " + "; ".join(problems))
        lengths = {name: spec.length for name, spec in specs.items() if spec.length}
        return CrmMapping(**{**self.__dict__, "lengths": lengths})

    def crm_values(self, golden: pl.DataFrame) -> list[dict[str, str | None]]:
        """Each golden row as {crm property: value}, the id property included."""
        columns = list(dict.fromkeys([self.id_field] + [f.golden for f in self.fields]))
        id_map = FieldMap(golden=self.id_field, crm=self.id_property)
        rows = []
        for row in golden.select(columns).iter_rows(named=True):
            values = {self.id_property: id_map.transform(row[self.id_field], None)}
            for f in self.fields:
                values[f.crm] = f.transform(row[f.golden], self.lengths.get(f.crm))
            rows.append(values)
        return rows

    def canonical_fields(self) -> dict[str, FieldMap]:
        """CRM property -> its entry, for fields the contact pipeline can ingest back
        (the golden field is a canonical landing field and the transform is invertible)."""
        return {
            f.crm: f
            for f in self.fields
            if f.golden in CANONICAL_FIELDS and not f.format and not f.case
        }

    def to_canonical(self, properties: Mapping[str, str | None]) -> dict[str, str | None]:
        """A pulled CRM record's values under the landing field names (value maps reversed)."""
        out: dict[str, str | None] = {}
        for prop, f in self.canonical_fields().items():
            value = properties.get(prop)
            if value is not None and f.value_map:
                reverse = {v: k for k, v in f.value_map.items() if k != "*"}
                value = reverse.get(value, value)
            out[f.golden] = value
        return out


def _check_golden(name: Any, where: str, fail) -> None:
    if name not in PUSHABLE:
        close = difflib.get_close_matches(str(name), PUSHABLE, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise fail(where, f"'{name}' is not a golden contact field{hint}")


def _field(entry: Any, index: int, fail) -> FieldMap:
    where = f"fields[{index}]"
    if not isinstance(entry, dict) or "golden" not in entry or "crm" not in entry:
        raise fail(where, "expected {golden: <field>, crm: <property>, ...}")
    known = {"golden", "crm", "conflict", "format", "case", "value_map", "truncate"}
    unknown = set(entry) - known
    if unknown:
        raise fail(where, f"unknown keys {sorted(unknown)}; allowed: {sorted(known)}")
    _check_golden(entry["golden"], f"{where}.golden", fail)
    conflict = entry.get("conflict", "bizdev_wins")
    if conflict not in POLICIES:
        raise fail(f"{where}.conflict", f"'{conflict}' is not one of {', '.join(POLICIES)}")
    case = entry.get("case")
    if case is not None and case not in CASES:
        raise fail(f"{where}.case", f"'{case}' is not one of {', '.join(CASES)}")
    truncate = entry.get("truncate")
    if truncate is not None and (not isinstance(truncate, int) or truncate < 1):
        raise fail(f"{where}.truncate", f"expected a positive integer, got {truncate!r}")
    value_map = entry.get("value_map") or {}
    if not isinstance(value_map, dict):
        raise fail(f"{where}.value_map", "expected a mapping of golden value -> CRM value")
    return FieldMap(
        golden=entry["golden"],
        crm=str(entry["crm"]),
        conflict=conflict,
        format=entry.get("format"),
        case=case,
        value_map={str(k): str(v) for k, v in value_map.items()},
        truncate=truncate,
    )


def _unknown(prop: str, specs: Mapping[str, PropertySpec], mapping: CrmMapping) -> str:
    close = difflib.get_close_matches(prop, specs, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{mapping.crm} {mapping.object} has no property '{prop}'{hint}"


def _type_problem(f: FieldMap, dtype: pl.DataType, spec: PropertySpec) -> str | None:
    """Why the golden field cannot go into this CRM property, or None."""
    if spec.type == "enumeration":
        targets = set(f.value_map.values())
        if not f.value_map:
            return f"'{f.crm}' is a picklist ({', '.join(spec.options[:8])}...); add a value_map"
        bad = sorted(targets - set(spec.options))
        return f"value_map gives values not in the picklist: {bad}" if bad else None
    if spec.type == "number" and not (dtype.is_numeric() or f.value_map):
        return f"type mismatch: '{f.crm}' is a number, golden '{f.golden}' is {dtype}"
    if spec.type == "bool" and not (isinstance(dtype, pl.Boolean) or f.value_map):
        return f"type mismatch: '{f.crm}' is a boolean, golden '{f.golden}' is {dtype}"
    if spec.type in ("date", "datetime") and not dtype.is_temporal():
        return f"type mismatch: '{f.crm}' is a {spec.type}, golden '{f.golden}' is {dtype}"
    if spec.type == "string" and not isinstance(dtype, _TEXT_LIKE) and not f.format:
        if dtype.is_numeric() or isinstance(dtype, pl.Boolean) or dtype.is_temporal():
            return None  # rendered as text
        return f"type mismatch: '{f.crm}' is text, golden '{f.golden}' is {dtype}"
    return None
