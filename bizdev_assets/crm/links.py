"""Which CRM record each golden contact is linked to, before a push.

A contact is linked to a CRM record, in this order: by the snapshot of an earlier sync
(`crm_push_snapshot`, read by `push.py`); by a pulled record of that CRM clustered into
the contact, read from a feed file bizdev wrote itself (its hash is in
`crm_feed_files`: a file merely named like a feed cannot hand a contact a CRM id); by
the same email in the latest pull (a record a rep created before bizdev knew the
person). Each CRM record is linked to one contact at most.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import polars as pl

from bizdev_assets.crm.feed_files import FEED_FILES_TABLE
from bizdev_assets.crm.mapping import CrmMapping
from bizdev_assets.crm.pull import column
from bizdev_assets.crm.state import Synced
from resources.warehouse import Warehouse


class CrmRow(NamedTuple):
    """A CRM record as of the latest pull."""

    values: dict[str, str | None]
    modified_at: datetime
    deleted: bool
    pulled_at: datetime


def pulled_records(warehouse: Warehouse, table: str, properties: list[str]) -> dict[str, CrmRow]:
    """CRM id -> the record as of the latest pull."""
    if not warehouse.table_exists(table):
        return {}
    frame = warehouse.query(f"select * from {table}")
    present = [p for p in properties if column(p) in frame.columns]
    return {
        r["crm_id"]: CrmRow(
            {p: r[column(p)] for p in present},
            r["modified_at"],
            bool(r["deleted"]),
            r["pulled_at"],
        )
        for r in frame.iter_rows(named=True)
    }


def link_records(
    warehouse: Warehouse,
    crm_type: str,
    golden: pl.DataFrame,
    mapping: CrmMapping,
    synced: dict[str, Synced],
    pulled: dict[str, CrmRow],
) -> dict[str, str]:
    """contact_id -> CRM id for contacts not yet synced to this CRM whose person is
    already there: first through a pulled record clustered into the contact (the newest
    one), then through the same email. A CRM record is given to one contact at most."""
    taken = {last.crm_id for last in synced.values() if last.crm_id}
    linkable = {i for i, row in pulled.items() if not row.deleted and i not in taken}
    links: dict[str, str] = {}
    for contact_id, crm_id in _clustered(warehouse, crm_type):
        if contact_id not in synced and crm_id in linkable:
            links.setdefault(contact_id, crm_id)
            linkable.discard(crm_id)
    email_prop = next((f.crm for f in mapping.fields if f.golden == "email"), None)
    if email_prop is None or "email" not in golden.columns:
        return links
    by_email = {}
    for crm_id in sorted(linkable, key=lambda i: pulled[i].modified_at):
        email = pulled[crm_id].values.get(email_prop)
        if email:
            by_email.setdefault(email.lower(), crm_id)
    for contact_id, email in zip(golden["contact_id"], golden["email"], strict=True):
        if email and contact_id not in synced and contact_id not in links:
            crm_id = by_email.pop(email.lower(), None)
            if crm_id:
                links[contact_id] = crm_id
    return links


def _clustered(warehouse: Warehouse, crm_type: str) -> list[tuple[str, str]]:
    """(contact_id, CRM id) of pulled records the pipeline clustered, newest record first;
    only records read from this CRM's verified feed files."""
    needed = ("contacts_normalized", "contact_clusters", FEED_FILES_TABLE)
    if not all(warehouse.table_exists(t) for t in needed):
        return []
    rows = warehouse.query(
        "select c.contact_id, n.source_record_id as crm_id "
        "from contacts_normalized n join contact_clusters c using (record_id) "
        f"where n.file_hash in (select file_hash from {FEED_FILES_TABLE} where crm_type = ?) "
        "and n.source_record_id is not null "
        "order by n.record_updated_at desc nulls last, n.source_record_id",
        [crm_type],
    )
    return list(zip(rows["contact_id"], rows["crm_id"], strict=True))
