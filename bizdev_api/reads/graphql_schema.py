"""The GraphQL schema (strawberry) over the warehouse: contacts and what hangs off them.

Read-only (a `Query` type, no mutations). Related rows are loaded per request through
DataLoaders, one query per kind for all the contacts of a page. Values are masked as
they are built (`masking.py`) unless the caller holds `contacts:read:pii`. Tables owned
by stages that may not have run (enrichment, signals, outreach) come back as empty
lists / null, and their rows as JSON objects: their columns are those stages' contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from strawberry.types import Info

from bizdev_api.reads.contacts import ContactFilter, ContactReads, encode_cursor
from bizdev_api.reads.masking import masked


@dataclass
class Context:
    reads: ContactReads
    pii: bool
    loaders: dict[str, DataLoader] = field(default_factory=dict)

    def loader(self, kind: str) -> DataLoader:
        if kind not in self.loaders:

            async def load(keys: list[str]) -> list[list[dict]]:
                found = await run_in_threadpool(self._related, kind, list(keys))
                return [found.get(k, []) for k in keys]

            self.loaders[kind] = DataLoader(load_fn=load)
        return self.loaders[kind]

    def _related(self, kind: str, keys: list[str]) -> dict[str, list[dict]]:
        if kind in ("enrichment", "signals"):
            return self.reads.by_company(kind, keys)
        return self.reads.related(kind, keys)


def _build(cls: type, row: dict[str, Any]) -> Any:
    names = {f.name for f in fields(cls) if f.init}  # not the resolvers' fields
    return cls(**{k: row.get(k) for k in names})


@strawberry.type(description="A record from a source file or payload that is part of the contact")
class SourceRecord:
    record_id: str | None
    source_file: str | None
    source_type: str | None
    source_row: int | None
    source_record_id: str | None
    first_name: str | None
    last_name: str | None
    full_name: str | None
    email: str | None
    phone: str | None
    mobile: str | None
    company: str | None
    title: str | None
    city: str | None
    country: str | None
    lead_source: str | None
    gdpr_consent: bool | None


@strawberry.type(description="A contact ID retired by a merge or a split")
class IdChange:
    old_contact_id: str | None
    new_contact_id: str | None
    reason: str | None
    records_moved: int | None
    changed_at: str | None


@strawberry.type(description="The contact in one CRM: last sync, and a refusal still open")
class CrmStatus:
    crm_type: str | None
    crm_id: str | None
    synced_at: str | None
    crm_gone: bool | None
    open_rejection: str | None = None


@strawberry.type(description="A golden contact (the `contacts` table)")
class Contact:
    id: strawberry.ID
    email: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    company: str | None
    company_id: str | None
    country: str | None
    quality_score: float | None
    gdpr_consent: bool | None
    gdpr_consent_date: str | None
    consent_source: str | None
    created_at: str | None
    updated_at: str | None
    moved_from: str | None = strawberry.field(
        default=None, description="the ID asked for, when it was merged into this contact"
    )

    @strawberry.field(description="Source records (at most 50)")
    async def source_records(self, info: Info, first: int = 20) -> list[SourceRecord]:
        rows = await info.context.loader("sources").load(str(self.id))
        pii = info.context.pii
        return [_build(SourceRecord, masked(r, pii)) for r in rows[: max(0, min(first, 50))]]

    @strawberry.field(description="IDs this contact took over")
    async def id_history(self, info: Info) -> list[IdChange]:
        rows = await info.context.loader("id_history").load(str(self.id))
        return [_build(IdChange, r) for r in rows]

    @strawberry.field(description="CRM sync status, per CRM")
    async def crm_status(self, info: Info) -> list[CrmStatus]:
        synced = await info.context.loader("crm").load(str(self.id))
        refused = await info.context.loader("rejections").load(str(self.id))
        errors = {r["crm_type"]: r["error"] for r in refused}
        statuses = [_build(CrmStatus, {**r, "open_rejection": errors.pop(r["crm_type"], None)}) for r in synced]  # fmt: skip
        statuses += [CrmStatus(crm, None, None, None, error) for crm, error in errors.items()]
        return statuses

    @strawberry.field(description="company_enrichment row of the contact's company (JSON)")
    async def company_enrichment(self, info: Info) -> JSON | None:
        if not self.company_id:
            return None
        rows = await info.context.loader("enrichment").load(self.company_id)
        return rows[0] if rows else None

    @strawberry.field(description="company_signals of the contact's company, newest first")
    async def signals(self, info: Info, first: int = 10) -> list[JSON]:
        if not self.company_id:
            return []
        rows = await info.context.loader("signals").load(self.company_id)
        return rows[: max(0, min(first, 20))]

    @strawberry.field(description="outreach_enrollments of the contact (JSON)")
    async def outreach(self, info: Info) -> list[JSON]:
        return await info.context.loader("outreach").load(str(self.id))


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class ContactEdge:
    cursor: str
    node: Contact


@strawberry.type
class ContactConnection:
    edges: list[ContactEdge]
    page_info: PageInfo
    masked: bool = strawberry.field(description="true without contacts:read:pii")


def _contact(row: dict[str, Any], pii: bool) -> Contact:
    return _build(Contact, masked(row, pii))


@strawberry.type
class Query:
    @strawberry.field(description="Contacts matching every filter given, in pages of `first`")
    async def contacts(
        self,
        info: Info,
        email: str | None = None,
        name: str | None = None,
        company: str | None = None,
        min_quality: float | None = None,
        max_quality: float | None = None,
        consent: bool | None = None,
        owner: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> ContactConnection:
        context: Context = info.context
        where = ContactFilter(email, name, company, min_quality, max_quality, consent, owner)
        page = await run_in_threadpool(context.reads.page, where, first, after)
        edges = [
            ContactEdge(cursor=encode_cursor(str(r["id"])), node=_contact(r, context.pii))
            for r in page["contacts"]
        ]
        info_ = PageInfo(has_next_page=page["next_cursor"] is not None, end_cursor=page["next_cursor"])  # fmt: skip
        return ContactConnection(edges=edges, page_info=info_, masked=not context.pii)

    @strawberry.field(description="One contact by ID (an ID retired by a merge finds its heir)")
    async def contact(self, info: Info, id: strawberry.ID) -> Contact | None:
        row = await run_in_threadpool(info.context.reads.one, str(id))
        return _contact(row, info.context.pii) if row else None


schema = strawberry.Schema(query=Query)
