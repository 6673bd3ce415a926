"""The bookkeeping of a push: snapshot rows, change rows and rejections, collected as
the push goes and written every few batches (`flush`), so what the CRM accepted is not
sent again and what it rejected is sent again: at once next run when the refusal was of
the moment (a lock, a limit, a timeout), and only once the row changed when it was
permanent (a validation error would only repeat)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import polars as pl

from bizdev_assets.crm.conflicts import RecordPlan
from bizdev_assets.crm.state import (
    CHANGE_SCHEMA,
    CHANGES_TABLE,
    REJECTION_SCHEMA,
    REJECTIONS_TABLE,
    SNAPSHOT_SCHEMA,
    SNAPSHOT_TABLE,
    open_rejections,
    utcnow,
)
from resources.warehouse import Warehouse


@dataclass
class Pending:
    """One contact on its way to the CRM."""

    contact_id: str
    crm_id: str | None
    key: str  # what identifies the row in the write call
    payload: dict[str, str | None]
    plan: RecordPlan
    desired: dict[str, str | None]
    fingerprint: str = ""  # of what is sent (`payload_fingerprint`)


def payload_fingerprint(payload: dict[str, str | None], mapping_version: int) -> str:
    """What identifies one send of a contact: its values and the mapping that made them."""
    text = json.dumps([mapping_version, payload], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Journal:
    """Collects snapshot rows, change rows and rejections; `flush` writes them."""

    def __init__(self, warehouse: Warehouse, crm_type: str, run_id: str) -> None:
        self.warehouse, self.crm_type, self.run_id = warehouse, crm_type, run_id
        self.snapshots: list[dict] = []
        self.changes: list[dict] = []
        self.rejections: list[dict] = []
        self.open = {
            r["contact_id"]: r
            for r in open_rejections(warehouse, crm_type)
            .filter(pl.col("resolved_at").is_null())
            .iter_rows(named=True)
        }

    def synced(self, pending: Pending, crm_id: str | None, outcome: str) -> None:
        """The CRM now holds `plan.crm_after` (sent, or nothing needed sending)."""
        self._snapshot(pending.contact_id, crm_id, pending.desired, pending.plan.crm_after)
        self._change_rows(pending, crm_id, outcome, None)
        if pending.contact_id in self.open:
            self._rejection(pending, None, resolved=True)

    def gone(self, pending: Pending, error: str) -> None:
        """The CRM says the record no longer exists (deleted, archived or merged by a rep):
        remembered, so the contact is neither updated again nor re-created."""
        self._snapshot(pending.contact_id, pending.crm_id, pending.desired, {}, gone=True)
        self._change_rows(pending, pending.crm_id, "not_found", error)
        if pending.contact_id in self.open:
            self._rejection(pending, None, resolved=True)

    def archive_failed(self, contact_id: str, crm_id: str, error: str) -> None:
        self.changes.append(self._record_change(contact_id, crm_id, "rejected", error))

    def _snapshot(
        self, contact_id: str, crm_id: str | None, sent: dict, known: dict, gone: bool = False
    ) -> None:
        self.snapshots.append(
            {
                "crm_type": self.crm_type,
                "contact_id": contact_id,
                "crm_id": crm_id,
                "sent_values": json.dumps(sent, sort_keys=True),
                "crm_values": json.dumps(known, sort_keys=True),
                "crm_gone": gone,
                "synced_at": utcnow(),
                "run_id": self.run_id,
            }
        )

    def _record_change(self, contact_id: str, crm_id: str, outcome: str, error) -> dict:
        """A change row about a whole record (mirror archive)."""
        return {
            "run_id": self.run_id,
            "crm_type": self.crm_type,
            "object": "contacts",
            "direction": "push",
            "contact_id": contact_id,
            "crm_id": crm_id,
            "field": "*",
            "old_value": None,
            "new_value": None,
            "bizdev_value": None,
            "decision": "mirror",
            "outcome": outcome,
            "error": error,
            "changed_at": utcnow(),
        }

    def archived(self, contact_id: str, crm_id: str) -> None:
        """Mirror mode archived the contact's CRM record; a return to the golden set
        creates it anew (the snapshot keeps no CRM id)."""
        self._snapshot(contact_id, None, {}, {})
        self.changes.append(self._record_change(contact_id, crm_id, "archived", None))

    def rejected(self, pending: Pending, error: str, *, permanent: bool) -> None:
        self._change_rows(pending, pending.crm_id, "rejected", error)
        self._rejection(pending, error, resolved=False, permanent=permanent)

    def refused_before(self, pending: Pending) -> bool:
        """The CRM refused exactly this send for good before: sending it again is useless."""
        before = self.open.get(pending.contact_id)
        return bool(
            before and before.get("permanent") and before.get("payload_hash") == pending.fingerprint
        )

    def _change_rows(self, pending: Pending, crm_id, outcome: str, error) -> None:
        now = utcnow()
        for change in pending.plan.changes:
            sent = change.send and outcome not in ("rejected", "not_found")
            self.changes.append(
                {
                    "run_id": self.run_id,
                    "crm_type": self.crm_type,
                    "object": "contacts",
                    "direction": "push",
                    "contact_id": pending.contact_id,
                    "crm_id": crm_id,
                    "field": change.field,
                    "old_value": change.crm_value,
                    "new_value": change.bizdev_value if sent else change.crm_value,
                    "bizdev_value": change.bizdev_value,
                    "decision": change.decision,
                    "outcome": outcome if change.send else "kept",
                    "error": error if change.send else None,
                    "changed_at": now,
                }
            )

    def _rejection(
        self, pending: Pending, error: str | None, *, resolved: bool, permanent: bool = False
    ) -> None:
        now = utcnow()
        before = self.open.get(pending.contact_id)
        self.rejections.append(
            {
                "crm_type": self.crm_type,
                "object": "contacts",
                "contact_id": pending.contact_id,
                "record_key": pending.key,
                "error": error if not resolved else (before or {}).get("error"),
                "first_failed_at": (before or {}).get("first_failed_at") or now,
                "last_failed_at": now if not resolved else (before or {}).get("last_failed_at"),
                "attempts": int((before or {}).get("attempts") or 0) + (0 if resolved else 1),
                "run_id": self.run_id,
                "resolved_at": now if resolved else None,
                "permanent": permanent,
                "payload_hash": pending.fingerprint,
            }
        )

    def flush(self) -> None:
        """Audit rows first, the snapshot last: a crash in between can only make the next
        run send those rows again (an idempotent upsert/update), never lose their record."""
        if self.changes:
            self.warehouse.append_rows(
                CHANGES_TABLE, pl.DataFrame(self.changes, schema=CHANGE_SCHEMA)
            )
        if self.rejections:
            frame = pl.DataFrame(self.rejections, schema=REJECTION_SCHEMA)
            frame = frame.unique(["crm_type", "contact_id"], keep="last")
            self.warehouse.upsert(
                REJECTIONS_TABLE, frame, key=["crm_type", "contact_id"], preserve=()
            )
        if self.snapshots:
            frame = pl.DataFrame(self.snapshots, schema=SNAPSHOT_SCHEMA)
            frame = frame.unique(["crm_type", "contact_id"], keep="last")
            self.warehouse.upsert(
                SNAPSHOT_TABLE, frame, key=["crm_type", "contact_id"], preserve=()
            )
        self.snapshots, self.changes, self.rejections = [], [], []
