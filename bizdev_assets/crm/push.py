"""Diff-based push of golden contacts to one CRM.

For every golden contact: map its fields (`mapping.py`), compare with the snapshot of
the last sync and the latest pull (`conflicts.py`), and send only the fields that
changed, in batches of the CRM's size. A contact already linked to a CRM record (from an
earlier push, or because the record was pulled and clustered with it) is updated by its
CRM id; others are upserted on the mapping's id property (HubSpot email, Salesforce
Bizdev_Id__c), so a retried batch never creates a record twice.

What succeeded is written to the snapshot as the run goes (every few batches and when
the run stops, failed or not), so the next run resumes where this one stopped. A row the
CRM rejected keeps its old snapshot, so it is sent again next run; it stays in
`crm_sync_rejections` (with the CRM's message) until it succeeds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from bizdev_assets.crm.client import CrmClient, CrmError, WriteResult
from bizdev_assets.crm.conflicts import plan_record
from bizdev_assets.crm.journal import Journal, Pending
from bizdev_assets.crm.mapping import CrmMapping
from bizdev_assets.crm.pull import FEED_PREFIX, column
from bizdev_assets.crm.state import RunRecord, snapshot
from resources.warehouse import Warehouse

MODES = ("upsert", "update_only", "create_only")
FLUSH_EVERY_BATCHES = 20


@dataclass
class PushOptions:
    mode: str = "upsert"  # upsert | update_only | create_only
    mirror: bool = False  # archive in the CRM what left the golden set (explicit opt-in)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"push mode {self.mode!r}: expected one of {', '.join(MODES)}")


@dataclass
class PushCounts:
    golden: int = 0
    changed: int = 0  # contacts with at least one field bizdev changed
    sent: int = 0
    succeeded: int = 0
    rejected: int = 0
    conflicts: int = 0  # fields both sides changed
    kept_crm_value: int = 0  # conflicts the CRM's value won
    skipped: dict[str, int] = field(default_factory=dict)
    archived: int = 0

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def push_contacts(
    client: CrmClient,
    warehouse: Warehouse,
    mapping: CrmMapping,
    run: RunRecord,
    options: PushOptions,
    *,
    pull_table: str,
    log: logging.Logger | Callable | None = None,
) -> PushCounts:
    """Push golden contacts' changes; see the module docstring. Raises CrmError when a
    call fails for good, after saving what succeeded before it."""
    counts = PushCounts()
    golden = _golden(warehouse, mapping)
    counts.golden = golden.height
    desired_rows = mapping.crm_values(golden)
    snap = snapshot(warehouse, client.crm_type)
    links = _linked_crm_ids(warehouse, client.crm_type)
    current = _current(warehouse, pull_table, mapping.properties)
    policies = {f.crm: f.conflict for f in mapping.fields}
    journal = Journal(warehouse, client.crm_type, run.run_id)
    updates: list[Pending] = []
    upserts: list[Pending] = []
    contact_ids = golden["contact_id"].to_list()
    changed_at = golden["bizdev_changed_at"].to_list()
    for contact_id, desired, bizdev_changed_at in zip(
        contact_ids, desired_rows, changed_at, strict=True
    ):
        crm_id, sent, known = snap.get(contact_id, (None, None, None))
        crm_id = crm_id or links.get(contact_id)
        now_in_crm = current.get(crm_id) if crm_id else None
        if now_in_crm is not None and now_in_crm[2]:
            counts.skip("deleted_in_crm")
            continue
        if options.mode == "update_only" and crm_id is None:
            counts.skip("not_in_crm_update_only")
            continue
        if options.mode == "create_only" and (crm_id is not None or sent is not None):
            counts.skip("in_crm_create_only")
            continue
        plan = plan_record(
            desired,
            policies,
            sent=sent,
            known=known,
            current=now_in_crm[0] if now_in_crm else None,
            crm_modified_at=now_in_crm[1] if now_in_crm else None,
            bizdev_changed_at=bizdev_changed_at,
        )
        conflicts = [c for c in plan.changes if c.decision not in ("new", "changed")]
        counts.conflicts += len(conflicts)
        counts.kept_crm_value += sum(not c.send for c in conflicts)
        if desired == sent and not plan.changes:
            continue
        counts.changed += bool(plan.changes) or sent is None
        key_value = desired.get(mapping.id_property)
        payload = dict(plan.send)
        pending = Pending(contact_id, crm_id, key_value or contact_id, payload, plan, desired)
        if not plan.needs_call:
            journal.synced(pending, crm_id, "kept")  # nothing to send: the bases move on
        elif crm_id is not None:
            if sent is None and key_value is not None:
                payload[mapping.id_property] = key_value  # link a rep's record to bizdev
            pending.key = crm_id
            updates.append(pending)
        elif key_value is None:
            counts.skip(f"no_{mapping.id_property}")
        else:
            payload[mapping.id_property] = key_value
            upserts.append(pending)
    batches = [("update", b) for b in _batches(updates, client.batch_size)]
    write = "create" if options.mode == "create_only" else "upsert"
    batches += [(write, b) for b in _batches(upserts, client.batch_size)]
    try:
        for number, (operation, batch) in enumerate(batches, start=1):
            results = _send(client, mapping, operation, batch)
            counts.sent += len(batch)
            for pending, result in zip(batch, results, strict=True):
                if result.ok:
                    counts.succeeded += 1
                    journal.synced(pending, result.crm_id or pending.crm_id, "succeeded")
                else:
                    counts.rejected += 1
                    journal.rejected(pending, result.error or "rejected without a message")
            if number % FLUSH_EVERY_BATCHES == 0:
                journal.flush()
                _log(
                    log, f"{client.crm_type}: {counts.sent:,}/{len(updates) + len(upserts):,} sent"
                )
        if options.mirror:
            counts.archived = _mirror(client, journal, snap, set(contact_ids))
    finally:
        journal.flush()
    return counts


def _send(client: CrmClient, mapping: CrmMapping, operation: str, batch: list[Pending]):
    if operation == "update":
        return client.update("contacts", [(p.crm_id, p.payload) for p in batch])
    if operation == "create":
        return client.create("contacts", [p.payload for p in batch])
    return client.upsert("contacts", [p.payload for p in batch], mapping.id_property)


def _mirror(client, journal: Journal, snap: dict, golden_ids: set[str]) -> int:
    """Archive in the CRM the records of contacts that left the golden set."""
    gone = [(cid, crm_id) for cid, (crm_id, _, _) in snap.items() if cid not in golden_ids]
    gone = [(cid, crm_id) for cid, crm_id in gone if crm_id]
    archived = 0
    for batch in _batches(gone, client.batch_size):
        results: list[WriteResult] = client.archive("contacts", [crm_id for _, crm_id in batch])
        for (contact_id, crm_id), result in zip(batch, results, strict=True):
            if not result.ok:
                continue
            archived += 1
            journal.archived(contact_id, crm_id)
    return archived


def _batches(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _golden(warehouse: Warehouse, mapping: CrmMapping) -> pl.DataFrame:
    """Golden contacts with their quality score and the time bizdev last changed them.

    The email comes from the ADR `contacts` table, where it is unique (a shared email
    stays with the best-scored contact): a CRM keyed on email must not get two contacts
    writing to one record."""
    fields = {mapping.id_field, *(f.golden for f in mapping.fields)} - {"quality_score"}
    columns = [f"g.{c}" for c in sorted(fields | {"contact_id"})]
    if not warehouse.table_exists("contacts"):
        raise CrmError("table `contacts` is missing: materialize the contact chain first")
    columns = [("c.email as email" if c == "g.email" else c) for c in columns]
    return warehouse.query(
        f"select {', '.join(columns)}, s.quality_score, "
        "coalesce(g.last_updated_at, c.updated_at) as bizdev_changed_at "
        "from golden_contacts g join contacts c on cast(c.id as varchar) = g.contact_id "
        "left join contact_quality_scores s using (contact_id) order by g.contact_id"
    )


def _linked_crm_ids(warehouse: Warehouse, crm_type: str) -> dict[str, str]:
    """contact_id -> CRM id, for contacts that contain a record pulled from this CRM."""
    if not (
        warehouse.table_exists("contacts_normalized") and warehouse.table_exists("contact_clusters")
    ):
        return {}
    rows = warehouse.query(
        "select c.contact_id, min(n.source_record_id) as crm_id "
        "from contacts_normalized n join contact_clusters c using (record_id) "
        "where n.source_file like ? and n.source_record_id is not null group by c.contact_id",
        [f"{FEED_PREFIX}/{crm_type}_contacts_%"],
    )
    return dict(zip(rows["contact_id"], rows["crm_id"], strict=True))


def _current(
    warehouse: Warehouse, table: str, properties: list[str]
) -> dict[str, tuple[dict, datetime, bool]]:
    """CRM id -> (values, modified_at, deleted) as of the latest pull."""
    if not warehouse.table_exists(table):
        return {}
    frame = warehouse.query(f"select * from {table}")
    present = [p for p in properties if column(p) in frame.columns]
    return {
        r["crm_id"]: ({p: r[column(p)] for p in present}, r["modified_at"], bool(r["deleted"]))
        for r in frame.iter_rows(named=True)
    }


def _log(log, message: str) -> None:
    if log is None:
        return
    (log.info if hasattr(log, "info") else log)(message)
