"""Field-level access: without `contacts:read:pii`, people are shown masked.

Names, emails and phones go through the masks the pipeline uses for Dagster's event log
(`bizdev_assets/masking.py`: `j***@example.com`, `A***`, `+49*********78`); a street is
hidden; columns that can hold anything a source sent (`attributes`, raw lines) and the
match keys derived from names and emails are left out. The domain of an email stays:
it names a company, not a person. Applied to every row the API returns, at the edge, so
no read path can forget it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bizdev_assets.masking import mask_email, mask_name, mask_phone

_MASKS: dict[str, Callable[[str], str]] = {
    **dict.fromkeys(("first_name", "last_name", "full_name"), mask_name),
    "email": mask_email,
    **dict.fromkeys(("phone", "mobile"), mask_phone),
    "street": lambda value: "***",
}
_DROPPED = frozenset({"attributes", "raw_content", "name_key", "email_local", "email_match_key"})


def masked(row: dict[str, Any], pii: bool) -> dict[str, Any]:
    if pii:
        return row
    out = {}
    for key, value in row.items():
        if key in _DROPPED:
            continue
        mask = _MASKS.get(key)
        out[key] = mask(str(value)) if mask is not None and value is not None else value
    return out


def masked_contact(contact: dict[str, Any], pii: bool) -> dict[str, Any]:
    """A contact with its nested rows (source records...) masked too."""
    out = masked(contact, pii)
    for key, value in out.items():
        if isinstance(value, list):
            out[key] = [masked(v, pii) if isinstance(v, dict) else v for v in value]
    return out
