"""The REST mirror of the main reads, for clients without GraphQL.

`GET /v1/contacts` (search and filters, cursor pages) and `GET /v1/contacts/{id}` (one
contact with its source records, ID history, CRM sync status, company enrichment,
signals and outreach). Scope `contacts:read`; names, emails and phones unmasked only
with `contacts:read:pii` too.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from bizdev_api.auth import Principal, require
from bizdev_api.errors import ApiError
from bizdev_api.reads.contacts import MAX_PAGE, ContactFilter, ContactReads
from bizdev_api.reads.masking import masked, masked_contact

router = APIRouter(tags=["contacts"])


@router.get("/v1/contacts", summary="Search contacts (cursor pages)")
async def list_contacts(
    request: Request,
    email: str | None = Query(None, max_length=320),
    name: str | None = Query(None, max_length=200),
    company: str | None = Query(None, max_length=200),
    min_quality: float | None = Query(None, ge=0, le=1),
    max_quality: float | None = Query(None, ge=0, le=1),
    consent: bool | None = None,
    owner: str | None = Query(None, max_length=100),
    limit: int = Query(20, ge=1, le=MAX_PAGE),
    cursor: str | None = Query(None, max_length=200),
    principal: Principal = Depends(require("reads", "contacts:read")),
) -> dict[str, Any]:
    reads: ContactReads = request.app.state.services.contacts
    where = ContactFilter(email, name, company, min_quality, max_quality, consent, owner)
    page = await run_in_threadpool(reads.page, where, limit, cursor)
    pii = principal.has("contacts:read:pii")
    return {
        "data": [masked(c, pii) for c in page["contacts"]],
        "next_cursor": page["next_cursor"],
        "masked": not pii,
    }


@router.get("/v1/contacts/{contact_id}", summary="One contact and what hangs off it")
async def get_contact(
    contact_id: str,
    request: Request,
    principal: Principal = Depends(require("reads", "contacts:read")),
) -> dict[str, Any]:
    reads: ContactReads = request.app.state.services.contacts
    contact = await run_in_threadpool(contact_detail, reads, contact_id)
    if contact is None:
        raise ApiError(404, f"no contact {contact_id!r} (ids are UUIDs; a merged id redirects)")
    return masked_contact(contact, principal.has("contacts:read:pii"))


def contact_detail(reads: ContactReads, contact_id: str) -> dict[str, Any] | None:
    contact = reads.one(contact_id)
    if contact is None:
        return None
    cid = str(contact["id"])
    company = [str(contact["company_id"])] if contact.get("company_id") else []
    return {
        **contact,
        "source_records": reads.related("sources", [cid])[cid],
        "id_history": reads.related("id_history", [cid])[cid],
        "crm_sync": reads.related("crm", [cid])[cid],
        "crm_rejections": reads.related("rejections", [cid])[cid],
        "company_enrichment": next(iter(reads.by_company("enrichment", company).values()), []),
        "signals": next(iter(reads.by_company("signals", company).values()), []),
        "outreach": reads.related("outreach", [cid])[cid],
    }
