"""Diff-based push of golden contacts to one CRM.

For every golden contact: map its fields (`mapping.py`), compare with the snapshot of
the last sync and the latest pull (`conflicts.py`), and send only the fields that
changed, in batches of the CRM's `batch_size` (one batch is one call: the unit of
snapshot flushes and of bisecting a refused batch). A contact already linked to a CRM
record (`links.py`) is updated by its CRM id; others are upserted on the mapping's id
property (HubSpot email, Salesforce Bizdev_Id__c), so a retried batch never creates a
record twice. The first sync of a linked record compares with what the CRM holds, so the
conflict policies protect the rep's values.

What succeeded is written to the snapshot as the run goes (every few batches and when
the run stops, failed or not), so the next run resumes where this one stopped. A row the
CRM rejected keeps its old snapshot and stays in `crm_sync_rejections` (with the CRM's
message) until it succeeds: a refusal of the moment is sent again next run; a permanent
one (the CRM's validation) only once what bizdev sends for that contact changed (its
values or the mapping), in the ordinary batches. A batch the CRM refused as a whole is
halved (within a budget) to find the row it objects to; rows answered one by one are
never re-sent one by one. A record the CRM reports gone (deleted, archived, merged) is
remembered and left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import polars as pl

from bizdev_assets.crm.conflicts import plan_record
from bizdev_assets.crm.journal import Journal, Pending, payload_fingerprint
from bizdev_assets.crm.links import CrmRow, link_records, pulled_records
from bizdev_assets.crm.mapping import CrmMapping
from bizdev_assets.crm.state import RunRecord, Synced, snapshot
from resources.crm.client import CrmClient, CrmError, WriteResult
from resources.crm.wire import chunked
from resources.warehouse import Warehouse

MODES = ("upsert", "update_only", "create_only")
FLUSH_EVERY_BATCHES = 20
# Extra calls a run may spend halving batches the CRM refused as a whole, to find the
# row it objects to (never for creates: a create is not safe to send twice).
BISECT_CALL_BUDGET = 50


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
    synced = snapshot(warehouse, client.crm_type)
    pulled = pulled_records(warehouse, pull_table, mapping.properties)
    links = link_records(warehouse, client.crm_type, golden, mapping, synced, pulled)
    journal = Journal(warehouse, client.crm_type, run.run_id)
    updates, upserts = _plan(golden, mapping, options, synced, links, pulled, journal, counts)
    write = "create" if options.mode == "create_only" else "upsert"
    batches = [("update", b) for b in chunked(updates, client.batch_size)]
    batches += [(write, b) for b in chunked(upserts, client.batch_size)]
    budget = [BISECT_CALL_BUDGET]
    try:
        for number, (operation, batch) in enumerate(batches, start=1):
            results = _write(client, mapping, operation, batch, budget)
            counts.sent += len(batch)
            for pending, result in zip(batch, results, strict=True):
                if result.ok:
                    counts.succeeded += 1
                    journal.synced(pending, result.crm_id or pending.crm_id, "succeeded")
                elif result.not_found and operation == "update":
                    counts.skip("deleted_in_crm")
                    journal.gone(pending, result.error or "not found")
                else:
                    counts.rejected += 1
                    error = result.error or "rejected without a message"
                    journal.rejected(pending, error, permanent=result.permanent)
            if number % FLUSH_EVERY_BATCHES == 0:
                journal.flush()
                total = len(updates) + len(upserts)
                _log(log, f"{client.crm_type}: {counts.sent:,}/{total:,} sent")
        if options.mirror:
            counts.archived = _mirror(client, journal, synced, set(golden["contact_id"]))
    finally:
        journal.flush()
    return counts


def _plan(
    golden: pl.DataFrame,
    mapping: CrmMapping,
    options: PushOptions,
    synced: dict[str, Synced],
    links: dict[str, str],
    pulled: dict[str, CrmRow],
    journal: Journal,
    counts: PushCounts,
) -> tuple[list[Pending], list[Pending]]:
    """Decide every contact: (updates by CRM id, upserts/creates by the id property)."""
    policies = {f.crm: f.conflict for f in mapping.fields}
    updates: list[Pending] = []
    upserts: list[Pending] = []
    rows = zip(
        golden["contact_id"],
        mapping.crm_values_and_fills(golden),
        golden["bizdev_changed_at"],
        strict=True,
    )
    for contact_id, (desired, fills), bizdev_changed_at in rows:
        last = synced.get(contact_id)
        crm_id = (last.crm_id if last else None) or links.get(contact_id)
        row = pulled.get(crm_id) if crm_id else None
        if (last and last.crm_gone) or (row and row.deleted):
            counts.skip("deleted_in_crm")
            continue
        if options.mode == "update_only" and crm_id is None:
            counts.skip("not_in_crm_update_only")
            continue
        if options.mode == "create_only" and (crm_id is not None or last is not None):
            counts.skip("in_crm_create_only")
            continue
        # A pull older than the last sync knows less than the snapshot does.
        fresh = row is not None and (last is None or row.pulled_at >= last.synced_at)
        crm_now = (row.values if fresh else None) or (last.known if last else {})
        for prop in fills:  # a filled-in value only fills: the CRM's own value stays
            if crm_now.get(prop) not in (None, "", desired[prop]):
                desired[prop] = None
        plan = plan_record(
            desired,
            policies,
            sent=last.sent if last else None,
            known=last.known if last else None,
            current=row.values if fresh else None,
            crm_modified_at=row.modified_at if row else None,
            bizdev_changed_at=bizdev_changed_at,
        )
        conflicts = [c for c in plan.changes if c.decision not in ("new", "changed")]
        counts.conflicts += len(conflicts)
        counts.kept_crm_value += sum(not c.send for c in conflicts)
        if last and desired == last.sent and not plan.changes:
            continue
        counts.changed += 1
        key_value = desired.get(mapping.id_property)
        pending = Pending(
            contact_id, crm_id, key_value or contact_id, dict(plan.send), plan, desired
        )
        if not plan.needs_call:
            journal.synced(pending, crm_id, "kept")  # nothing to send: the bases move on
            continue
        if crm_id is not None:
            if last is None and key_value is not None:
                pending.payload[mapping.id_property] = key_value  # link a rep's record
            pending.key = crm_id
        elif key_value is None:
            counts.skip(f"no_{mapping.id_property}")
            continue
        else:
            pending.payload[mapping.id_property] = key_value
        pending.fingerprint = payload_fingerprint(pending.payload, mapping.version)
        if journal.refused_before(pending):
            counts.skip("refused_before_unchanged")  # sent when the contact changes
            continue
        (updates if crm_id is not None else upserts).append(pending)
    return updates, upserts


def _write(
    client: CrmClient, mapping: CrmMapping, operation: str, batch: list[Pending], budget: list[int]
) -> list[WriteResult]:
    """One batch; when the CRM refuses it as a whole (not row by row), halve it within the
    run's budget, so one bad row does not hold back the others forever. Rows of a whole
    refusal that could not be narrowed down are not blamed for it (not permanent)."""
    results = _send(client, mapping, operation, batch)
    refused_whole = len(batch) > 1 and all(r.whole_batch and not r.ok for r in results)
    if not refused_whole:
        return results
    if operation == "create" or budget[0] < 2:
        return [replace(r, permanent=False) for r in results]
    budget[0] -= 2
    half = len(batch) // 2
    return _write(client, mapping, operation, batch[:half], budget) + _write(
        client, mapping, operation, batch[half:], budget
    )


def _send(client: CrmClient, mapping: CrmMapping, operation: str, batch: list[Pending]):
    if operation == "update":
        return client.update("contacts", [(p.crm_id, p.payload) for p in batch])
    if operation == "create":
        return client.create("contacts", [p.payload for p in batch])
    return client.upsert("contacts", [p.payload for p in batch], mapping.id_property)


def _mirror(client, journal: Journal, synced: dict[str, Synced], golden_ids: set[str]) -> int:
    """Archive in the CRM the records of contacts that left the golden set."""
    gone = [
        (contact_id, last.crm_id)
        for contact_id, last in synced.items()
        if contact_id not in golden_ids and last.crm_id and not last.crm_gone
    ]
    archived = 0
    for batch in chunked(gone, client.batch_size):
        results = client.archive("contacts", [crm_id for _, crm_id in batch])
        for (contact_id, crm_id), result in zip(batch, results, strict=True):
            if result.ok or result.not_found:
                archived += result.ok
                journal.archived(contact_id, crm_id)
            else:
                journal.archive_failed(contact_id, crm_id, result.error or "archive refused")
    return archived


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


def _log(log, message: str) -> None:
    if log is None:
        return
    (log.info if hasattr(log, "info") else log)(message)
