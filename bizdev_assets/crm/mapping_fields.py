"""The entries of a field mapping file: one `FieldMap` per golden field -> CRM property,
how each entry is read and checked (`parse_field`), and the `create` section of custom
properties the mapping needs (`parse_new_properties`). `mapping.py` holds the mapping."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bizdev_assets.crm.mapping_check import PUSHABLE
from resources.crm.client import NewProperty

POLICIES = ("crm_wins", "bizdev_wins", "most_recent", "never_overwrite")
CASES = ("upper", "lower", "title")
EMAIL_LOCAL_PART = "email_local_part"  # a fallback: the part of the email before the @
NEW_TYPES = ("string", "number", "bool", "date", "datetime")


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
    fallback: tuple[str, ...] = ()  # golden fields / email_local_part when the field is empty
    default: str | None = None  # the last resort when the field and its fallbacks are empty

    def fill(self, row: Mapping[str, Any]) -> Any:
        """The first of the fallbacks that has a value, else the default (None: neither)."""
        for source in self.fallback:
            if source == EMAIL_LOCAL_PART:
                value = (row.get("email") or "").partition("@")[0] or None
            else:
                value = row.get(source)
            if value not in (None, ""):
                return value
        return self.default

    def is_fill(self, value: str | None, email: str | None) -> bool:
        """Whether a CRM value is what `fill` would put there (not a real value to ingest)."""
        if value is None:
            return False
        if self.default is not None and value == self.default:
            return True
        return EMAIL_LOCAL_PART in self.fallback and value == (email or "").partition("@")[0]

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


def check_golden(name: Any, where: str, fail) -> None:
    if name not in PUSHABLE:
        close = difflib.get_close_matches(str(name), PUSHABLE, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise fail(where, f"'{name}' is not a golden contact field{hint}")


def parse_field(entry: Any, index: int, fail) -> FieldMap:
    where = f"fields[{index}]"
    if not isinstance(entry, dict) or "golden" not in entry or "crm" not in entry:
        raise fail(where, "expected {golden: <field>, crm: <property>, ...}")
    known = {
        "golden",
        "crm",
        "conflict",
        "format",
        "case",
        "value_map",
        "truncate",
        "fallback",
        "default",
    }
    unknown = set(entry) - known
    if unknown:
        raise fail(where, f"unknown keys {sorted(unknown)}; allowed: {sorted(known)}")
    check_golden(entry["golden"], f"{where}.golden", fail)
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
    fallback = entry.get("fallback") or ()
    fallback = (fallback,) if isinstance(fallback, str) else tuple(fallback)
    for i, source in enumerate(fallback):
        if source != EMAIL_LOCAL_PART:
            check_golden(source, f"{where}.fallback[{i}]", fail)
    default = entry.get("default")
    if default is not None and not isinstance(default, str | int | float):
        raise fail(f"{where}.default", f"expected a text or number, got {default!r}")
    return FieldMap(
        golden=entry["golden"],
        crm=str(entry["crm"]),
        conflict=conflict,
        format=entry.get("format"),
        case=case,
        value_map={str(k): str(v) for k, v in value_map.items()},
        truncate=truncate,
        fallback=fallback,
        default=None if default is None else str(default),
    )


def parse_new_properties(entries: Any, fail) -> dict[str, NewProperty]:
    """The `create` section: property name -> {label, type, length, precision, scale,
    unique, description}."""
    if not isinstance(entries, dict):
        raise fail("create", "expected a mapping of property name -> {label, type, ...}")
    out = {}
    for name, spec in entries.items():
        where = f"create.{name}"
        if not isinstance(spec, dict) or not spec.get("label") or not spec.get("type"):
            raise fail(where, "expected {label: ..., type: ...}")
        unknown = set(spec) - {
            "label",
            "type",
            "length",
            "precision",
            "scale",
            "unique",
            "description",
        }
        if unknown:
            raise fail(where, f"unknown keys {sorted(unknown)}")
        if spec["type"] not in NEW_TYPES:
            raise fail(f"{where}.type", f"'{spec['type']}' is not one of {', '.join(NEW_TYPES)}")
        out[str(name)] = NewProperty(
            name=str(name),
            label=str(spec["label"]),
            type=spec["type"],
            length=spec.get("length"),
            precision=spec.get("precision"),
            scale=spec.get("scale"),
            unique=bool(spec.get("unique")),
            description=str(spec.get("description") or ""),
        )
    return out
