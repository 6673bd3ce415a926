"""Finding every record of a data subject: identity resolution run backwards.

The person asking gives one email (or a contact id). Their records in other files may
carry another email, a phone, a CRM id; `contact_clusters` already links them, so the
subject is every record of every contact the given email or id reaches, with every
email and phone those records hold. An email or phone that a record of someone else
also holds (a shared switchboard, `info@`) is not theirs alone: it is kept out of the
identifiers, so erasure and suppression never reach the other person.
"""

from __future__ import annotations

import polars as pl

from bizdev_assets.gdpr.identifiers import Subject, normal_email
from bizdev_assets.gdpr.sql import columns_of, select_where
from resources.warehouse import Warehouse

CRM_CONTACT_TABLES = {
    "hubspot": ("crm_hubspot_contacts", "bizdev_contact_id"),
    "salesforce": ("crm_salesforce_contacts", "bizdev_id__c"),
}


def resolve_subject(
    warehouse: Warehouse, *, email: str | None = None, contact_id: str | None = None
) -> Subject:
    subject = Subject()
    given = normal_email(email) if email else None
    if contact_id:
        subject.contact_ids.add(contact_id)
    if given:
        subject.emails.add(given)
        records = select_where(
            warehouse, "contacts_normalized", ["record_id"], [("email", {given})]
        )
        subject.record_ids |= set(records["record_id"]) if records.height else set()
        for table, id_column in (("golden_contacts", "contact_id"), ("contacts", "id")):
            rows = select_where(warehouse, table, [id_column], [("email", {given})])
            subject.contact_ids |= {str(v) for v in rows[id_column]} if rows.height else set()
    _all_records(warehouse, subject)
    _identifiers(warehouse, subject)
    _keep_exclusive(warehouse, subject, given)
    _crm_ids(warehouse, subject)
    _workflows(warehouse, subject)
    _files(warehouse, subject)
    return subject


def _all_records(warehouse: Warehouse, subject: Subject) -> None:
    """Their contacts (through the clusters) and every record of those contacts."""
    clusters = select_where(
        warehouse,
        "contact_clusters",
        ["record_id", "contact_id", "cluster_id"],
        [("contact_id", subject.contact_ids), ("record_id", subject.record_ids)],
    )
    if clusters.height == 0:
        return
    subject.contact_ids |= set(clusters["contact_id"].drop_nulls())
    members = select_where(
        warehouse,
        "contact_clusters",
        ["record_id", "cluster_id"],
        [("contact_id", subject.contact_ids)],
    )
    subject.record_ids |= set(members["record_id"].drop_nulls())
    subject.cluster_ids |= set(members["cluster_id"].drop_nulls())


def _identifiers(warehouse: Warehouse, subject: Subject) -> None:
    normalized = select_where(
        warehouse,
        "contacts_normalized",
        [
            "record_id",
            "email",
            "other_email",
            "phone",
            "mobile",
            "other_phone",
            "first_name",
            "last_name",
            "file_hash",
            "source_sheet",
            "source_row",
        ],
        [("record_id", subject.record_ids)],
    )
    for row in normalized.iter_rows(named=True):
        _add_identifiers(subject, row)
        if row.get("file_hash") is not None:
            subject.raw_rows.add((row["file_hash"], row.get("source_sheet"), row["source_row"]))
    for table, id_column in (("golden_contacts", "contact_id"), ("contacts", "id")):
        rows = select_where(
            warehouse,
            table,
            [id_column, "email", "phone", "mobile", "first_name", "last_name"],
            [(id_column, subject.contact_ids)],
        )
        for row in rows.iter_rows(named=True):
            _add_identifiers(subject, row)


def _keep_exclusive(warehouse: Warehouse, subject: Subject, given: str | None) -> None:
    """Drop the emails and phones that records of other people hold too."""
    others = select_where(
        warehouse,
        "contacts_normalized",
        ["record_id", "email", "other_email", "phone", "mobile", "other_phone"],
        [
            ("email", subject.emails),
            ("other_email", subject.emails),
            ("phone", subject.phones),
            ("mobile", subject.phones),
            ("other_phone", subject.phones),
        ],
    )
    if others.height == 0:
        return
    others = others.filter(~pl.col("record_id").is_in(list(subject.record_ids)))
    shared_emails = {
        normal_email(e)
        for column in ("email", "other_email")
        if column in others.columns
        for e in others[column].drop_nulls()
    }
    subject.emails -= shared_emails - {given}
    for column in ("phone", "mobile", "other_phone"):
        if column in others.columns:
            subject.phones -= set(others[column].drop_nulls())


def _from_records(warehouse: Warehouse, subject: Subject) -> None:
    clusters = select_where(
        warehouse,
        "contact_clusters",
        ["record_id", "contact_id", "cluster_id"],
        [("contact_id", subject.contact_ids), ("record_id", subject.record_ids)],
    )
    if clusters.height:
        subject.contact_ids |= set(clusters["contact_id"].drop_nulls())
        subject.cluster_ids |= set(clusters["cluster_id"].drop_nulls())
        by_contact = select_where(
            warehouse, "contact_clusters", ["record_id"], [("contact_id", subject.contact_ids)]
        )
        subject.record_ids |= set(by_contact["record_id"].drop_nulls())
    normalized = select_where(
        warehouse,
        "contacts_normalized",
        [
            "record_id",
            "email",
            "phone",
            "mobile",
            "first_name",
            "last_name",
            "file_hash",
            "source_sheet",
            "source_row",
        ],
        [("record_id", subject.record_ids), ("email", subject.emails)],
    )
    for row in normalized.iter_rows(named=True):
        subject.record_ids.add(row["record_id"])
        _add_identifiers(subject, row)
        if row.get("file_hash") is not None:
            subject.raw_rows.add((row["file_hash"], row.get("source_sheet"), row["source_row"]))


def _add_identifiers(subject: Subject, row: dict) -> None:
    for column in ("email", "other_email"):
        if row.get(column):
            subject.emails.add(normal_email(row[column]))
    for column in ("phone", "mobile", "other_phone"):
        if row.get(column):
            subject.phones.add(row[column])
    if row.get("first_name") and row.get("last_name"):
        subject.names.add((row["first_name"], row["last_name"]))


def _crm_ids(warehouse: Warehouse, subject: Subject) -> None:
    snapshot = select_where(
        warehouse,
        "crm_push_snapshot",
        ["crm_type", "crm_id"],
        [("contact_id", subject.contact_ids)],
    )
    for crm_type, crm_id in snapshot.iter_rows():
        if crm_id:
            subject.crm_ids.setdefault(crm_type, set()).add(str(crm_id))
    for crm_type, (table, id_column) in CRM_CONTACT_TABLES.items():
        pulled = select_where(
            warehouse,
            table,
            ["crm_id", "email", "phone", "mobilephone", "firstname", "lastname"],
            [("email", subject.emails), (id_column, subject.contact_ids)],
        )
        if pulled.height:
            subject.crm_ids.setdefault(crm_type, set()).update(pulled["crm_id"].cast(pl.String))
            for row in pulled.iter_rows(named=True):
                _add_identifiers(subject, {k: row.get(k) for k in ("email", "phone")})


def _workflows(warehouse: Warehouse, subject: Subject) -> None:
    rows = select_where(
        warehouse, "outreach_enrollments", ["workflow_id"], [("contact_id", subject.contact_ids)]
    )
    if rows.height:
        subject.workflow_ids |= set(rows["workflow_id"].drop_nulls())


def _files(warehouse: Warehouse, subject: Subject) -> None:
    """Landing keys that hold a row of theirs: their records' files, and the files of
    quarantined rows that quote one of their emails."""
    hashes = {h for h, _, _ in subject.raw_rows}
    log = select_where(warehouse, "landing_file_log", ["source_file"], [("file_hash", hashes)])
    if log.height:
        subject.files |= set(log["source_file"].drop_nulls())
    if "raw_content" in columns_of(warehouse, "contacts_quarantine") and subject.emails:
        likes = " or ".join("lower(raw_content) like ?" for _ in subject.emails)
        rows = warehouse.query(
            f"select distinct source_file from contacts_quarantine where {likes}",
            [f"%{e}%" for e in sorted(subject.emails)],
        )
        subject.files |= set(rows["source_file"].drop_nulls())
