"""Who a data subject is, as the strings that identify them, and their keyed hashes.

The suppression list and the audit log never hold an email or a phone: they hold
HMAC-SHA256 of the normalised value under a secret key (`BIZDEV_GDPR_HMAC_KEY`), so a
leaked table cannot be reversed by hashing a list of guessed addresses without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field

EMAIL_PATTERN = r"[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
PHONE_PATTERN = r"\+?\d[\d ()./\-]{5,}\d"
_EMAIL = re.compile(EMAIL_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)
MIN_PHONE_DIGITS = 8  # shorter digit runs (dates, amounts) are never treated as phones


def normal_email(value: str) -> str:
    return value.strip().lower()


def phone_digits(value: str) -> str:
    """The digits of a phone number, without a leading international `00`."""
    digits = re.sub(r"\D", "", value)
    return digits[2:] if digits.startswith("00") else digits


def phone_tail(value: str) -> str:
    """The last 9 digits: what the same number shares written as `+44 20...` or `020...`."""
    return phone_digits(value)[-9:]


def keyed_hash(key: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 hex of `kind:value` (kinds keep an email and a phone apart)."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def email_key(key: bytes, email: str) -> str:
    return keyed_hash(key, "email", normal_email(email))


def phone_key(key: bytes, phone: str) -> str:
    return keyed_hash(key, "phone", phone_tail(phone))


def emails_in(text: str) -> list[str]:
    return [normal_email(m) for m in _EMAIL.findall(text)]


def phones_in(text: str) -> list[str]:
    return [m for m in _PHONE.findall(text) if len(phone_digits(m)) >= MIN_PHONE_DIGITS]


@dataclass
class Subject:
    """Everything that identifies one data subject across bizdev, found through identity
    resolution (`subject.py`): every email and phone of every record of their cluster."""

    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # as written (E.164 and raw forms)
    names: set[tuple[str, str]] = field(default_factory=set)  # (first, last) as found
    record_ids: set[str] = field(default_factory=set)
    contact_ids: set[str] = field(default_factory=set)
    cluster_ids: set[str] = field(default_factory=set)
    crm_ids: dict[str, set[str]] = field(default_factory=dict)  # crm_type -> ids
    workflow_ids: set[str] = field(default_factory=set)
    raw_rows: set[tuple[str, str | None, int]] = field(default_factory=set)  # file_hash, sheet, row
    files: set[str] = field(default_factory=set)  # landing keys holding their rows

    @property
    def phone_tails(self) -> set[str]:
        return {t for p in self.phones if len(t := phone_tail(p)) >= MIN_PHONE_DIGITS}

    def suppression_keys(self, key: bytes) -> set[str]:
        return {email_key(key, e) for e in self.emails} | {
            keyed_hash(key, "phone", t) for t in self.phone_tails
        }

    def matches_text(self, text: str) -> bool:
        """True when `text` holds one of the subject's emails or phone numbers."""
        lowered = text.lower()
        if any(e in lowered for e in self.emails):
            return True
        tails = self.phone_tails
        return bool(tails) and any(phone_tail(p) in tails for p in phones_in(text))

    def to_json(self) -> dict:
        return {
            "emails": sorted(self.emails),
            "phones": sorted(self.phones),
            "names": sorted(list(n) for n in self.names),
            "record_ids": sorted(self.record_ids),
            "contact_ids": sorted(self.contact_ids),
            "cluster_ids": sorted(self.cluster_ids),
            "crm_ids": {k: sorted(v) for k, v in self.crm_ids.items()},
            "workflow_ids": sorted(self.workflow_ids),
            "raw_rows": sorted([list(r) for r in self.raw_rows], key=str),
            "files": sorted(self.files),
        }

    @classmethod
    def from_json(cls, data: dict) -> Subject:
        return cls(
            emails=set(data.get("emails", [])),
            phones=set(data.get("phones", [])),
            names={tuple(n) for n in data.get("names", [])},  # type: ignore[misc]
            record_ids=set(data.get("record_ids", [])),
            contact_ids=set(data.get("contact_ids", [])),
            cluster_ids=set(data.get("cluster_ids", [])),
            crm_ids={k: set(v) for k, v in data.get("crm_ids", {}).items()},
            workflow_ids=set(data.get("workflow_ids", [])),
            raw_rows={tuple(r) for r in data.get("raw_rows", [])},  # type: ignore[misc]
            files=set(data.get("files", [])),
        )
