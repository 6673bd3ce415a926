"""A mapping checked against what the CRM says about its properties: which entries can
sync, which cannot and why, and what fixes each.

Sync what can be synced: an entry whose property is missing, read-only or of another
type is left out (and reported with its fix), the others sync. Only a missing or
read-only match key (`id_property`, what an upsert matches on) makes the mapping unusable
for a push; the pull reads whatever properties exist.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import polars as pl

from bizdev_assets.golden.columns import GOLDEN_COLUMNS
from resources.crm.client import PropertySpec

if TYPE_CHECKING:
    from bizdev_assets.crm.mapping import CrmMapping
    from bizdev_assets.crm.mapping_fields import FieldMap

SETUP_COMMAND = "bizdev crm setup"
# Golden fields a mapping may name: golden_contacts' scalar columns plus the quality score.
PUSHABLE: dict[str, pl.DataType] = {
    name: dtype
    for name, dtype in {**GOLDEN_COLUMNS, "quality_score": pl.Float64()}.items()
    if not isinstance(dtype, pl.List)
}
_TEXT_LIKE = (pl.String, pl.Categorical, pl.Enum)


@dataclass(frozen=True)
class FieldProblem:
    """One mapping entry the CRM cannot take as it stands."""

    where: str  # "id_property" or "fields[title -> jobtitel]"
    crm_property: str
    kind: str  # missing | read_only | type
    message: str
    creatable: bool = False  # a custom property the mapping declares: `bizdev crm setup` makes it


@dataclass(frozen=True)
class MappingCheck:
    mapping: CrmMapping  # the entries the CRM can take, with the CRM's field lengths
    problems: tuple[FieldProblem, ...]
    readable: tuple[str, ...]  # properties that exist: what a pull asks for

    @property
    def match_key_problem(self) -> FieldProblem | None:
        return next((p for p in self.problems if p.where == "id_property"), None)

    @property
    def usable(self) -> bool:
        """A push is possible: the match key exists and can be written."""
        return self.match_key_problem is None

    def fix(self) -> str:
        """What to do about the problems, in one sentence per kind of fix."""
        creatable = [p.crm_property for p in self.problems if p.creatable]
        other = [p for p in self.problems if not p.creatable]
        parts = []
        if creatable:
            parts.append(
                f"run `{SETUP_COMMAND}` to create {', '.join(creatable)} in {self.mapping.crm} "
                f"(`{SETUP_COMMAND} --dry-run` shows the plan)"
            )
        if other:
            parts.append(f"correct {', '.join(p.where for p in other)} in {self.mapping.origin}")
        return "; ".join(parts)

    def warning(self) -> str | None:
        """The run's warning (also stored in crm_sync_runs.warnings), None without problems."""
        if not self.problems:
            return None
        left_out = "; ".join(f"{p.where}: {p.message}" for p in self.problems)
        return f"{self.mapping.origin}: left out of the sync: {left_out}. Fix: {self.fix()}"


def check_mapping(mapping: CrmMapping, specs: Mapping[str, PropertySpec]) -> MappingCheck:
    """Split `mapping` into what the CRM can take and the problems of the rest."""
    problems = []
    key_spec = specs.get(mapping.id_property)
    if key_spec is None:
        problems.append(_missing("id_property", mapping.id_property, specs, mapping))
    elif key_spec.read_only:
        problems.append(_read_only("id_property", mapping.id_property, mapping))
    key_problem = bool(problems)
    usable: list[FieldMap] = []
    for f in mapping.fields:
        where = f"fields[{f.golden} -> {f.crm}]"
        spec = specs.get(f.crm)
        if spec is None:
            problem = _missing(where, f.crm, specs, mapping)
        elif spec.read_only:
            problem = _read_only(where, f.crm, mapping)
        else:
            mismatch = type_problem(f, PUSHABLE[f.golden], spec)
            problem = FieldProblem(where, f.crm, "type", mismatch) if mismatch else None
        if problem is None:
            usable.append(f)
        elif not (f.crm == mapping.id_property and key_problem):  # reported once, as the key
            problems.append(problem)
    lengths = {name: spec.length for name, spec in specs.items() if spec.length}
    checked = replace(mapping, fields=tuple(usable), lengths=lengths)
    readable = tuple(p for p in mapping.properties if p in specs)
    return MappingCheck(checked, tuple(problems), readable)


def _missing(where: str, prop: str, specs: Mapping[str, PropertySpec], m: CrmMapping):
    if prop in m.create:
        message = f"{m.crm} {m.object} has no property '{prop}' yet"
        return FieldProblem(where, prop, "missing", message, creatable=True)
    close = difflib.get_close_matches(prop, specs, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return FieldProblem(
        where, prop, "missing", f"{m.crm} {m.object} has no property '{prop}'{hint}"
    )


def _read_only(where: str, prop: str, m: CrmMapping) -> FieldProblem:
    return FieldProblem(where, prop, "read_only", f"{m.crm} marks '{prop}' read-only")


def type_problem(f: FieldMap, dtype: pl.DataType, spec: PropertySpec) -> str | None:
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
