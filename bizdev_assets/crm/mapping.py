"""Field mapping: which golden field goes to which CRM property, transformed how, and
which side wins a conflict. One versioned YAML file per CRM (`mappings/*.yaml`).

`CrmMapping.load` checks the file on its own (unknown golden field, unknown policy or
transform); `usable_against` checks it against the CRM's own description of its
properties (`mapping_check.py`: unknown property, read-only property, type mismatch,
picklist values) and keeps the entries the CRM can take, reporting the others with their
fix; `check_against` is the strict form (any problem raises, naming the file and entry).
`crm_values` turns golden rows into the CRM's property values; an entry's `fallback`
(other golden fields, or `email_local_part`) and `default` fill a value the CRM requires
when the golden field is empty, and only ever fill an empty CRM value. The `create`
section lists the custom properties the mapping needs, which `bizdev crm setup` creates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from bizdev_assets.crm.mapping_check import FieldProblem, MappingCheck, check_mapping
from bizdev_assets.crm.mapping_fields import (
    EMAIL_LOCAL_PART,
    FieldMap,
    MappingError,
    check_golden,
    parse_field,
    parse_new_properties,
)
from bizdev_assets.ingest.canonical import CANONICAL_FIELDS
from bizdev_assets.rule_files import read_yaml
from resources.crm.client import NewProperty, PropertySpec

MAPPINGS_DIR = Path(__file__).parent / "mappings"


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
    lengths: Mapping[str, int] = field(default_factory=dict)  # filled by usable_against
    create: Mapping[str, NewProperty] = field(default_factory=dict)  # what setup creates

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
        check_golden(data["id_field"], "id_field", fail)
        entries = data["fields"]
        if not isinstance(entries, list) or not entries:
            raise fail("fields", "expected a non-empty list of {golden, crm, ...} entries")
        fields = tuple(parse_field(entry, i, fail) for i, entry in enumerate(entries))
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
            create=parse_new_properties(data.get("create") or {}, fail),
        )

    def usable_against(self, specs: Mapping[str, PropertySpec]) -> MappingCheck:
        """The entries the CRM can take (with its field lengths), and the problems of the
        others, each with its fix (`mapping_check.py`)."""
        return check_mapping(self, specs)

    def check_against(self, specs: Mapping[str, PropertySpec]) -> CrmMapping:
        """Strict: the mapping with the CRM's field lengths, or MappingError naming every
        entry the CRM cannot take."""
        check = check_mapping(self, specs)
        if check.problems:
            raise MappingError(f"{self.origin}: " + "; ".join(p_message(p) for p in check.problems))
        return check.mapping

    def crm_values(self, golden: pl.DataFrame) -> list[dict[str, str | None]]:
        """Each golden row as {crm property: value}, the id property included."""
        return [values for values, _ in self.crm_values_and_fills(golden)]

    def crm_values_and_fills(
        self, golden: pl.DataFrame
    ) -> list[tuple[dict[str, str | None], set[str]]]:
        """`crm_values`, and per row the properties whose value is a fallback or default
        (to be written only where the CRM holds nothing)."""
        wanted = [self.id_field] + [f.golden for f in self.fields]
        for f in self.fields:
            wanted += [s if s != EMAIL_LOCAL_PART else "email" for s in f.fallback]
        columns = [c for c in dict.fromkeys(wanted) if c in golden.columns]
        id_map = FieldMap(golden=self.id_field, crm=self.id_property)
        rows = []
        for row in golden.select(columns).iter_rows(named=True):
            values = {self.id_property: id_map.transform(row[self.id_field], None)}
            fills: set[str] = set()
            for f in self.fields:
                value = row[f.golden]
                if value in (None, "") and (f.fallback or f.default is not None):
                    value = f.fill(row)
                    if value is not None:
                        fills.add(f.crm)
                values[f.crm] = f.transform(value, self.lengths.get(f.crm))
            rows.append((values, fills))
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
        """A pulled CRM record's values under the landing field names (value maps reversed;
        a value bizdev filled in from a fallback or default reads as empty)."""
        email_prop = next((f.crm for f in self.fields if f.golden == "email"), None)
        email = properties.get(email_prop) if email_prop else None
        out: dict[str, str | None] = {}
        for prop, f in self.canonical_fields().items():
            value = properties.get(prop)
            if f.is_fill(value, email):
                value = None
            if value is not None and f.value_map:
                reverse = {v: k for k, v in f.value_map.items() if k != "*"}
                value = reverse.get(value, value)
            out[f.golden] = value
        return out


def p_message(problem: FieldProblem) -> str:
    return f"{problem.where}: {problem.message}"
