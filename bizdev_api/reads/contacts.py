"""The reads behind GraphQL and the REST mirror: contacts and what hangs off them.

Plain SQL with `?` parameters (never user text in the statement: a search for
`' or 1=1 --` is just a name nobody has), run through `WarehouseReader`. Contacts are
paged by keyset on `id` (an opaque cursor = the last id seen), so page 5,000 costs what
page 1 costs. The related reads take many contact ids at once, so a page of 100 contacts
and their source records is a handful of queries, not hundreds.

Tables of other stages that may not exist yet (enrichment, signals, outreach, lead
routing) read as empty. Rows come back unmasked: masking is the caller's (`masking.py`).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from bizdev_api.errors import ApiError
from bizdev_api.reads.source import WarehouseReader

MAX_PAGE = 100
CONTACT_COLUMNS = (
    "id", "email", "first_name", "last_name", "phone", "company", "company_id", "country",
    "quality_score", "gdpr_consent", "gdpr_consent_date", "consent_source", "created_at",
    "updated_at",
)  # fmt: skip
SOURCE_COLUMNS = (
    "record_id", "source_file", "source_type", "source_row", "source_record_id", "first_name",
    "last_name", "full_name", "email", "phone", "mobile", "company", "title", "city",
    "country", "lead_source", "gdpr_consent",
)  # fmt: skip
_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class ContactFilter:
    email: str | None = None
    name: str | None = None
    company: str | None = None
    min_quality: float | None = None
    max_quality: float | None = None
    consent: bool | None = None
    owner: str | None = None


def encode_cursor(contact_id: str) -> str:
    return base64.urlsafe_b64encode(contact_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        value = ""
    if not _ID.match(value):
        raise ApiError(400, "the cursor is not one this API gave out; start again without it")
    return value


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ContactReads:
    def __init__(self, reader: WarehouseReader) -> None:
        self.reader = reader

    def page(self, where: ContactFilter, first: int, after: str | None) -> dict[str, Any]:
        """Up to `first` contacts after the cursor, and the cursor of the next page."""
        if not 1 <= first <= MAX_PAGE:
            raise ApiError(400, f"page size {first}: ask for 1 to {MAX_PAGE} contacts at a time")
        if not self.reader.has("contacts"):
            return {"contacts": [], "next_cursor": None}
        clauses, params = self._where(where)
        last = decode_cursor(after)
        if last is not None:
            clauses.append("c.id > ?")
            params.append(last)
        sql = (
            f"select {', '.join(f'c.{c}' for c in CONTACT_COLUMNS)} from contacts c "
            f"{'where ' + ' and '.join(clauses) if clauses else ''} "
            f"order by c.id limit {first + 1}"
        )
        rows = self.reader.query(sql, params).to_dicts()
        more = len(rows) > first
        rows = rows[:first]
        return {
            "contacts": [_plain(r) for r in rows],
            "next_cursor": encode_cursor(str(rows[-1]["id"])) if more and rows else None,
        }

    def _where(self, where: ContactFilter) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if where.email:
            clauses.append("lower(c.email) = ?")
            params.append(where.email.strip().lower())
        if where.name:
            clauses.append(
                "(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) ilike ? escape '\\'"
            )
            params.append(_like(where.name.strip()))
        if where.company:
            clauses.append("c.company ilike ? escape '\\'")
            params.append(_like(where.company.strip()))
        if where.min_quality is not None:
            clauses.append("c.quality_score >= ?")
            params.append(where.min_quality)
        if where.max_quality is not None:
            clauses.append("c.quality_score <= ?")
            params.append(where.max_quality)
        if where.consent is not None:
            clauses.append("coalesce(c.gdpr_consent, false) = ?")
            params.append(where.consent)
        if where.owner:
            owners = [t for t in ("lead_routing", "outreach_enrollments") if self.reader.has(t)]
            if not owners:
                clauses.append("false")
            else:
                union = " union ".join(
                    f"select contact_id from {t} where owner_id = ?" for t in owners
                )
                clauses.append(f"cast(c.id as varchar) in ({union})")
                params += [where.owner] * len(owners)
        return clauses, params

    def one(self, contact_id: str) -> dict[str, Any] | None:
        """The contact by id, or by an id it had before a merge or split (`moved_from`)."""
        if not _ID.match(contact_id) or not self.reader.has("contacts"):
            return None
        columns = ", ".join(CONTACT_COLUMNS)
        rows = self.reader.query(f"select {columns} from contacts where id = ?", [contact_id])
        if rows.height:
            return _plain(rows.to_dicts()[0])
        if self.reader.has("contact_id_history"):
            moved = self.reader.query(
                "select new_contact_id from contact_id_history where old_contact_id = ? "
                "order by changed_at desc limit 1",
                [contact_id],
            )
            if moved.height and moved["new_contact_id"][0] not in (None, contact_id):
                found = self.one(str(moved["new_contact_id"][0]))
                return {**found, "moved_from": contact_id} if found else None
        return None

    def related(self, kind: str, ids: list[str], limit: int = 50) -> dict[str, list[dict]]:
        """contact id -> rows of `kind` (sources, id_history, crm, outreach)."""
        ids = [i for i in ids if _ID.match(i)]
        out: dict[str, list[dict]] = {i: [] for i in ids}
        table, sql = _RELATED[kind]
        if not ids or not all(self.reader.has(t) for t in table):
            return out
        marks = ", ".join("?" * len(ids))
        params = ids * sql.count("{ids}")
        for row in self.reader.query(sql.format(ids=marks), params).to_dicts():
            bucket = out.get(str(row.pop("_contact")))
            if bucket is not None and len(bucket) < limit:
                bucket.append(_plain(row))
        return out

    def by_company(self, kind: str, company_ids: list[str], limit: int = 20) -> dict[str, list]:
        """company id -> rows of `company_enrichment` or `company_signals` (any columns)."""
        table = {"enrichment": "company_enrichment", "signals": "company_signals"}[kind]
        ids = sorted({i for i in company_ids if i and _ID.match(i)})
        out: dict[str, list] = {i: [] for i in ids}
        if not ids or not self.reader.has(table):
            return out
        marks = ", ".join("?" * len(ids))
        order = " order by published_at desc nulls last" if kind == "signals" else ""
        sql = f"select * from {table} where cast(company_id as varchar) in ({marks}){order}"
        for row in self.reader.query(sql, ids).to_dicts():
            bucket = out.get(str(row.get("company_id")))
            if bucket is not None and len(bucket) < limit:
                bucket.append(_plain(row))
        return out


_RELATED: dict[str, tuple[tuple[str, ...], str]] = {
    "sources": (
        ("contact_clusters", "contacts_normalized"),
        f"select cl.contact_id as _contact, {', '.join(f'n.{c}' for c in SOURCE_COLUMNS)} "
        "from contact_clusters cl join contacts_normalized n on n.record_id = cl.record_id "
        "where cl.contact_id in ({ids}) order by n.source_file, n.source_row",
    ),
    "id_history": (
        ("contact_id_history",),
        "select new_contact_id as _contact, old_contact_id, new_contact_id, reason, "
        "records_moved, changed_at from contact_id_history where new_contact_id in ({ids}) "
        "order by changed_at",
    ),
    "crm": (
        ("crm_push_snapshot",),
        "select contact_id as _contact, crm_type, crm_id, synced_at, crm_gone "
        "from crm_push_snapshot where contact_id in ({ids}) order by crm_type",
    ),
    "rejections": (
        ("crm_sync_rejections",),
        "select contact_id as _contact, crm_type, error, last_failed_at, attempts, permanent "
        "from crm_sync_rejections where resolved_at is null and contact_id in ({ids})",
    ),
    "outreach": (
        ("outreach_enrollments",),
        "select contact_id as _contact, * from outreach_enrollments "
        "where contact_id in ({ids}) order by enrolled_at desc",
    ),
}


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready values: decimals as floats, times as ISO text."""
    out = {}
    for key, value in row.items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif type(value).__name__ == "Decimal":
            value = float(value)
        out[key] = value
    return out
