"""Masked values for everything bizdev writes into Dagster's event log.

The warehouse holds contacts' names, emails and phones by design; Dagster's run
history is read by more people, kept longer and shipped to log tools. So metadata
previews, log lines and check messages show ids, counts and masked values
(`j***@example.com`, `A***`, `+49*******78`), never the raw ones. `metadata.py` masks
preview columns by name (`PII_COLUMNS`); messages go through `mask_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_EMAIL = re.compile(r"[^\s@'\"<>(),;:\[\]]+@[^\s@'\"<>(),;:\[\]]+")
# A run of 6+ digits, allowing the separators phone numbers are written with.
_DIGITS = re.compile(r"\+?\d[\d ()./\-]{4,}\d")
_QUOTED = re.compile(r"'([^'\n]{1,200})'")


def mask_email(value: str) -> str:
    """`john.doe@example.com` -> `j***@example.com` (the domain is a company, not a person)."""
    local, at, domain = value.rpartition("@")
    if not at:
        return mask_name(value)
    return f"{local[:1]}***@{domain}"


def mask_name(value: str) -> str:
    """`Ada Lovelace` -> `A***`."""
    value = value.strip()
    return f"{value[:1]}***" if value else value


def mask_phone(value: str) -> str:
    """`+4915112345678` -> `+49*********78`: country code and last two digits kept."""
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    keep = set(digits[:2] + digits[-2:]) if len(digits) > 6 else set()
    return "".join(ch if not ch.isdigit() or i in keep else "*" for i, ch in enumerate(value))


def mask_length(value: str) -> str:
    """Content that may hold anything: only its size."""
    return f"<{len(value):,} characters>"


def mask_text(text: str) -> str:
    """A free-text message with every email address and phone-like number masked."""
    text = _EMAIL.sub(lambda m: mask_email(m.group()), text)
    return _DIGITS.sub(lambda m: mask_phone(m.group()), text)


def mask_reason(text: str) -> str:
    """A quarantine reason or check message: also every quoted value (`'Ada'` -> `'A***'`),
    since the normalizers quote the value they refused."""
    text = _QUOTED.sub(lambda m: f"'{mask_name(m.group(1))}'", text)
    return mask_text(text)


PII_COLUMNS: dict[str, Callable[[str], str]] = {
    **dict.fromkeys(("first_name", "last_name", "full_name", "name_key"), mask_name),
    **dict.fromkeys(("email", "email_local", "email_match_key"), mask_email),
    **dict.fromkeys(("phone", "mobile"), mask_phone),
    **dict.fromkeys(("street", "raw_content", "attributes", "_raw_line"), mask_length),
    **dict.fromkeys(("reason", "normalization_notes", "failures"), mask_reason),
    "error": mask_text,
}


def mask_cell(column: str, value: object) -> object:
    """A preview cell as shown: masked when its column holds personal data."""
    masker = PII_COLUMNS.get(column)
    if masker is None or value is None:
        return value
    return masker(str(value))
