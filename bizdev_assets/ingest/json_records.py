"""One JSON record -> flat text fields, and the parsing rules that keep a bad one alone."""

from __future__ import annotations

import json
import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonNumber(str):
    """A JSON number as written: `4155550134` stays that text, and a 4,300-digit id does
    not hit Python's int-conversion limit."""


DECODER = json.JSONDecoder(parse_int=JsonNumber, parse_float=JsonNumber, parse_constant=JsonNumber)


class TooDeep(Exception):
    """A record nests objects or arrays past the configured depth."""


def flatten(record: dict[str, Any], max_depth: int) -> dict[str, str | None]:
    """Flatten nested objects to dotted keys; every leaf becomes text (or null).

    Booleans become "true"/"false" and arrays JSON text, so nothing is lost and
    normalization sees one type. Raises TooDeep past `max_depth` levels.
    """
    flat: dict[str, str | None] = {}
    _flatten_into(flat, record, "", 1, max_depth)
    return flat


def _flatten_into(
    flat: dict[str, str | None], record: dict[str, Any], prefix: str, depth: int, max_depth: int
) -> None:
    if depth > max_depth:
        raise TooDeep
    for key, value in record.items():
        name = _text(f"{prefix}{key}")
        if isinstance(value, dict) and value:
            _flatten_into(flat, value, f"{name}.", depth + 1, max_depth)
        elif value is None:
            flat[name] = None
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        elif isinstance(value, str):
            flat[name] = _text(str(value))
        else:
            if _depth(value) + depth > max_depth:
                raise TooDeep
            flat[name] = _text(json.dumps(value, ensure_ascii=False))


def _text(value: str) -> str:
    """A JSON string as storable text: a lone surrogate (`"\\ud800"`) becomes U+FFFD and
    a NUL (`"\\u0000"`, which PostgreSQL cannot store) is removed."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if value.isascii() or not _SURROGATE.search(value):
        return value
    return _SURROGATE.sub("\ufffd", value)


def _depth(value: Any) -> int:
    """Nesting depth of an array value (iterative: a deep one must not recurse)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, level + 1) for c in children if isinstance(c, list | dict))
    return deepest


def json_type(value: Any) -> str:
    if isinstance(value, JsonNumber):
        return "number"
    names = {bool: "boolean", int: "number", float: "number", str: "string", list: "array"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def unreadable_reason(exc: BaseException) -> str:
    """What a parse failure means, in words that do not point at Python internals."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
    if isinstance(exc, RecursionError):
        return "nested too deeply for the parser"
    return str(exc).split(";")[0]


def skip_value(text: str, pos: int) -> int:
    """End of the JSON value starting at `pos`, found by brackets and strings alone (for a
    value the parser refused, so reading can go on after it)."""
    depth, in_string, escaped = 0, False, False
    for index in range(pos, len(text)):
        ch = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            if depth == 0:
                return index
            depth -= 1
            if depth == 0:
                return index + 1
        elif ch == "," and depth == 0:
            return index
    return len(text)
