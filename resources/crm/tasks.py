"""What a CRM task client offers the outreach activities: make sure one task exists.

A task is identified by an external id (the outreach workflow id + step) stored on the
task itself, so a retried or replayed step finds the task it created before instead of
creating a second one. HubSpot: `hubspot/tasks.py`; Salesforce: `salesforce/tasks.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TaskSpec:
    external_id: str
    crm_contact_id: str  # HubSpot contact id / Salesforce Contact Id (WhoId)
    owner_id: str | None  # hubspot_owner_id / Salesforce User Id; None = the CRM's default
    subject: str
    body: str
    due_at: str  # ISO 8601 UTC


class CrmTaskClient(Protocol):
    crm_type: str

    def ensure_task(self, task: TaskSpec) -> tuple[str, bool]:
        """The task's CRM id, and whether this call created it (False: it existed)."""
        ...
