"""The right to erasure: one request, carried to every destination until all finish.

`request_erasure` resolves the subject (`subject.py`), adds their keyed hashes to the
suppression list first (so a run already under way cannot bring them back), records a
`pending` row per destination, writes the audit row, and runs the request. `run_request`
tries every destination not yet `finished`; the `gdpr_erasure_retry` job calls it for
every open request until each one finishes, and the identifiers it needed are deleted
when the last destination is done.

Destinations, in order: outreach (stop sending first), the CRMs, the landing files, the
warehouse (last: it proves with a scan that nothing of the subject is left).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bizdev_assets.gdpr import requests
from bizdev_assets.gdpr.audit import audit_statement
from bizdev_assets.gdpr.identifiers import Subject, email_key, keyed_hash
from bizdev_assets.gdpr.landing_erasure import erase_from_landing
from bizdev_assets.gdpr.mail_erasure import erase_ledger, erase_notifications, erase_outbox
from bizdev_assets.gdpr.outreach_erasure import erase_workflows
from bizdev_assets.gdpr.subject import resolve_subject
from bizdev_assets.gdpr.suppression import add_suppressions
from bizdev_assets.gdpr.warehouse_erasure import erase_from_warehouse
from resources.crm import CrmResource
from resources.landing import LandingZone
from resources.temporal import TemporalResource
from resources.warehouse import Warehouse

DESTINATIONS = ("outreach", "mail", "hubspot", "salesforce", "landing", "warehouse")


@dataclass
class ErasureSystems:
    """What erasure reaches; a missing one (None) is a destination with nothing to do."""

    warehouse: Warehouse
    landing: LandingZone
    secret: bytes
    hubspot: CrmResource | None = None
    salesforce: CrmResource | None = None
    temporal: TemporalResource | None = None
    outbox: Path | None = None  # the .eml outbox folder (embedded mail transport)
    smtp_ledger: Path | None = None
    notifications: Path | None = None

    @classmethod
    def from_resources(cls, resources: dict[str, Any]) -> ErasureSystems:
        return cls(
            warehouse=resources["warehouse"],
            landing=resources["landing"],
            secret=resources["pipeline_config"].gdpr_secret(),
            hubspot=resources.get("hubspot"),
            salesforce=resources.get("salesforce"),
            temporal=resources.get("temporal"),
            outbox=_path(resources.get("mail"), "folder"),
            smtp_ledger=_path(resources.get("mail"), "ledger_path"),
            notifications=_path(resources.get("notifier"), "path"),
        )


def _path(resource: Any, attribute: str) -> Path | None:
    value = getattr(resource, attribute, None)
    return Path(value) if value else None


@dataclass
class Outcome:
    status: str
    reason: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class SubjectNotFound(LookupError):
    pass


def request_erasure(
    systems: ErasureSystems,
    *,
    email: str | None = None,
    contact_id: str | None = None,
    requested_by: str,
    reason: str = "data subject request (GDPR art. 17)",
) -> str:
    """Open an erasure request and run it; the request id. An email that matches nothing
    is still suppressed (and erased from the CRMs), since it may arrive later."""
    if not (email or contact_id):
        raise ValueError("give --email or --contact-id")
    warehouse = systems.warehouse
    requests.ensure_tables(warehouse)
    subject = resolve_subject(warehouse, email=email, contact_id=contact_id)
    if not subject.emails and not subject.record_ids:  # an unknown contact id
        raise SubjectNotFound(f"no contact {contact_id} in {warehouse.location}")
    request_id = f"gdpr-{uuid.uuid4()}"
    key = systems.secret
    subject_key = email_key(key, email) if email else keyed_hash(key, "contact", contact_id or "")
    suppressions = {email_key(key, e): "email" for e in subject.emails} | {
        keyed_hash(key, "phone", t): "phone" for t in subject.phone_tails
    }
    warehouse.append_many(
        {},
        sql_after=[
            *add_suppressions(warehouse, suppressions, request_id),
            *requests.open_request_statements(
                request_id,
                list(DESTINATIONS),
                subject,
                subject_key=subject_key,
                requested_by=requested_by,
            ),
            audit_statement(
                warehouse,
                actor=requested_by,
                action="erasure_requested",
                subject_key=subject_key,
                target=request_id,
                reason=reason,
                detail={
                    "records": len(subject.record_ids),
                    "contacts": len(subject.contact_ids),
                    "emails": len(subject.emails),
                    "phones": len(subject.phone_tails),
                    "files": len(subject.files),
                },
            ),
        ],
    )
    run_request(systems, request_id)
    return request_id


def run_request(systems: ErasureSystems, request_id: str) -> dict[str, str]:
    """Try every destination of the request that has not finished; destination -> status."""
    warehouse = systems.warehouse
    subject = requests.load_subject(warehouse, request_id)
    rows = requests.request_rows(warehouse, request_id)
    statuses = dict(zip(rows["destination"], rows["status"], strict=True))
    if subject is None:
        return statuses
    for destination in DESTINATIONS:
        if statuses.get(destination, requests.DONE) == requests.DONE:
            continue
        requests.set_status(warehouse, request_id, destination, "running")
        try:
            outcome = ERASERS[destination](systems, subject, request_id)
        except Exception as exc:  # recorded with the reason, tried again by the retry job
            outcome = Outcome("failed", f"{type(exc).__name__}: {exc}"[:2000])
        requests.set_status(
            warehouse, request_id, destination, outcome.status, outcome.reason, outcome.detail
        )
        statuses[destination] = outcome.status
    if all(s == requests.DONE for s in statuses.values()):
        key_rows = warehouse.query(
            "select subject_key, requested_by from gdpr_requests where request_id = ? limit 1",
            [request_id],
        )
        warehouse.append_many(
            {},
            sql_after=[
                requests.forget_subject_statement(request_id),
                audit_statement(
                    warehouse,
                    actor="bizdev",
                    action="erasure_finished",
                    subject_key=key_rows["subject_key"][0],
                    target=request_id,
                    detail=statuses,
                ),
            ],
        )
    return statuses


def retry_open_requests(systems: ErasureSystems) -> dict[str, dict[str, str]]:
    return {r: run_request(systems, r) for r in requests.open_request_ids(systems.warehouse)}


def _outreach(systems: ErasureSystems, subject: Subject, _request_id: str) -> Outcome:
    temporal = systems.temporal
    if temporal is None or (
        not subject.workflow_ids and temporal.embedded and not Path(temporal.state_dir).exists()
    ):
        return Outcome("finished", "no outreach workflows (Temporal never used)")
    done = temporal.run(
        lambda client: erase_workflows(client, subject.contact_ids, subject.workflow_ids)
    )
    return Outcome(
        "finished",
        detail={
            "workflows_terminated": len(done.terminated),
            "workflows_deleted": len(done.deleted),
        },
    )


def _mail(systems: ErasureSystems, subject: Subject, _request_id: str) -> Outcome:
    detail = {
        "outbox_files": erase_outbox(systems.outbox, subject) if systems.outbox else 0,
        "ledger_rows": erase_ledger(systems.smtp_ledger, subject) if systems.smtp_ledger else 0,
        "notifications": (
            erase_notifications(systems.notifications, subject) if systems.notifications else 0
        ),
    }
    return Outcome("finished", detail=detail)


def _crm(name: str) -> Callable[[ErasureSystems, Subject, str], Outcome]:
    def erase(systems: ErasureSystems, subject: Subject, _request_id: str) -> Outcome:
        crm: CrmResource | None = getattr(systems, name)
        if crm is None or not crm.configured:
            return Outcome("finished", f"{name} not configured")
        client = crm.client()
        results = client.gdpr_delete(
            sorted(subject.crm_ids.get(name, set())), sorted(subject.emails)
        )
        failed = [r for r in results if not r.ok]
        detail = {"records_erased": len(results) - len(failed), "failed": len(failed)}
        if failed:
            return Outcome(
                "failed", "; ".join(f"{r.key}: {r.error}" for r in failed)[:2000], detail
            )
        return Outcome("finished", detail=detail)

    return erase


def _landing(systems: ErasureSystems, subject: Subject, request_id: str) -> Outcome:
    rewrites = erase_from_landing(systems.landing, systems.warehouse, subject, request_id)
    errors = [f"{r.key}: {r.error}" for r in rewrites if r.error]
    detail = {
        "files_rewritten": sum(1 for r in rewrites if r.rows_removed),
        "rows_removed": sum(r.rows_removed for r in rewrites),
    }
    if errors:
        return Outcome("failed", "; ".join(errors)[:2000], detail)
    return Outcome("finished", detail=detail)


def _warehouse(systems: ErasureSystems, subject: Subject, _request_id: str) -> Outcome:
    done = erase_from_warehouse(systems.warehouse, subject)
    detail: dict[str, Any] = {"rows_deleted": done.deleted}
    if done.remaining:
        left = ", ".join(f"{t} ({n})" for t, n in sorted(done.remaining.items()))
        return Outcome("partial_success", f"still found in: {left}", detail)
    if done.unclassified:
        return Outcome(
            "partial_success",
            "tables not classified in bizdev_assets/gdpr/registry.py (scanned for emails and "
            f"phones only): {', '.join(done.unclassified)}",
            detail,
        )
    return Outcome("finished", detail=detail)


ERASERS: dict[str, Callable[[ErasureSystems, Subject, str], Outcome]] = {
    "outreach": _outreach,
    "mail": _mail,
    "hubspot": _crm("hubspot"),
    "salesforce": _crm("salesforce"),
    "landing": _landing,
    "warehouse": _warehouse,
}
