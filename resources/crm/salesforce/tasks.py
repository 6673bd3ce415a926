"""Salesforce `Task`s on a Contact (`WhoId`), owned by the lead's owner (`OwnerId`).

Each task carries its outreach external id in the custom Activity field
`Bizdev_Task_Id__c` (Text(255); create it once: Setup > Object Manager > Activity >
Fields). A retried step queries by it before creating, and the create is never resent
after a 5xx or timeout (the activity's retry queries first; SOQL sees a committed task at
once).
"""

from __future__ import annotations

from datetime import datetime

from resources.crm.client import CrmError
from resources.crm.salesforce.client import SalesforceCrm
from resources.crm.salesforce.reads import FIELD_NAME

EXTERNAL_ID_FIELD = "Bizdev_Task_Id__c"


class SalesforceTasks:
    crm_type = "salesforce"

    def __init__(self, crm: SalesforceCrm):
        self.connection = crm.connection

    def find(self, external_id: str) -> str | None:
        literal = external_id.replace("\\", "\\\\").replace("'", "\\'")
        soql = f"SELECT Id FROM Task WHERE {EXTERNAL_ID_FIELD} = '{literal}' LIMIT 1"
        answer = self.connection.call("task_query", lambda sf: sf.query(soql))
        records = answer.get("records") or []
        return str(records[0]["Id"]) if records else None

    def ensure_task(self, task) -> tuple[str, bool]:
        if not FIELD_NAME.match(EXTERNAL_ID_FIELD):
            raise CrmError(f"not a Salesforce field name: {EXTERNAL_ID_FIELD}")
        existing = self.find(task.external_id)
        if existing:
            return existing, False
        record = {
            "attributes": {"type": "Task"},
            "Subject": task.subject[:255],
            "Description": task.body,
            "WhoId": task.crm_contact_id,
            "ActivityDate": datetime.fromisoformat(task.due_at).date().isoformat(),
            "Status": "Not Started",
            "Priority": "Normal",
            EXTERNAL_ID_FIELD: task.external_id,
        }
        if task.owner_id:
            record["OwnerId"] = task.owner_id
        answer = self.connection.call(
            "task_create",
            lambda sf: sf.restful(
                "composite/sobjects",
                method="POST",
                json={"allOrNone": True, "records": [record]},
            ),
            write=True,
            idempotent=False,
        )
        result = answer[0] if isinstance(answer, list) and answer else {}
        if not result.get("success"):
            errors = "; ".join(
                f"{e.get('statusCode')}: {e.get('message')}" for e in result.get("errors") or []
            )
            raise CrmError(
                f"Salesforce refused the task {task.external_id}: {errors or answer!r:.300}"
            )
        return str(result["id"]), True
