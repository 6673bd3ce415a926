"""HubSpot tasks (the engagements `tasks` object), each associated to a contact.

A task carries its outreach external id in the custom property `bizdev_task_id` (create
it once in HubSpot: Settings > Properties > Task properties, single-line text); a retried
step searches by it before creating. Requests go through the shared retry loop with
HubSpot's classifier; a create is never resent after a 5xx or timeout (the activity's
retry searches first). HubSpot's search index trails a create by a few seconds, so a
retry within that window can still duplicate a task; the window is documented in
docs/outreach.md.
"""

from __future__ import annotations

from datetime import datetime

from hubspot import HubSpot
from hubspot.crm.objects.tasks import (
    AssociationSpec,
    Filter,
    FilterGroup,
    PublicAssociationsForObject,
    PublicObjectId,
    PublicObjectSearchRequest,
    SimplePublicObjectInputForCreate,
)
from urllib3.util.retry import Retry

from resources.crm.client import CrmError
from resources.crm.hubspot.api import HubSpotApi
from resources.crm.tasks import TaskSpec
from resources.http_retry import RetryPolicy

EXTERNAL_ID_PROPERTY = "bizdev_task_id"
TASK_TO_CONTACT = 204  # HubSpot-defined association type: task -> contact


class HubSpotTasks:
    crm_type = "hubspot"

    def __init__(
        self,
        access_token: str,
        api_base: str = "https://api.hubapi.com",
        *,
        max_retries: int = 6,
        backoff_seconds: float = 1.0,
        timeout_seconds: float = 30.0,
    ):
        policy = RetryPolicy(
            vendor="HubSpot",
            error=CrmError,
            max_retries=max_retries,
            backoff_seconds=backoff_seconds,
        )
        self.api = HubSpotApi(
            access_token, api_base, policy=policy, timeout_seconds=timeout_seconds
        )
        tasks = HubSpot(
            access_token=access_token,
            host=api_base.rstrip("/"),
            retry=Retry(total=0, redirect=False, raise_on_status=False),
        ).crm.objects.tasks
        self._basic, self._search = tasks.basic_api, tasks.search_api

    def find(self, external_id: str) -> str | None:
        request = PublicObjectSearchRequest(
            filter_groups=[
                FilterGroup(
                    filters=[
                        Filter(property_name=EXTERNAL_ID_PROPERTY, operator="EQ", value=external_id)
                    ]
                )
            ],
            properties=[EXTERNAL_ID_PROPERTY],
            limit=1,
        )
        found = self.api.call(
            "task_search",
            lambda **kw: self._search.do_search_with_http_info(request, **kw),
            write=False,
            idempotent=True,
        )
        results = found.results or []
        return str(results[0].id) if results else None

    def ensure_task(self, task: TaskSpec) -> tuple[str, bool]:
        existing = self.find(task.external_id)
        if existing:
            return existing, False
        properties = {
            "hs_task_subject": task.subject,
            "hs_task_body": task.body,
            "hs_timestamp": _epoch_ms(task.due_at),
            "hs_task_status": "NOT_STARTED",
            "hs_task_type": "TODO",
            EXTERNAL_ID_PROPERTY: task.external_id,
        }
        if task.owner_id:
            properties["hubspot_owner_id"] = task.owner_id
        body = SimplePublicObjectInputForCreate(
            properties=properties,
            associations=[
                PublicAssociationsForObject(
                    to=PublicObjectId(id=task.crm_contact_id),
                    types=[
                        AssociationSpec(
                            association_category="HUBSPOT_DEFINED",
                            association_type_id=TASK_TO_CONTACT,
                        )
                    ],
                )
            ],
        )
        created = self.api.call(
            "task_create",
            lambda **kw: self._basic.create_with_http_info(body, **kw),
            write=True,
            idempotent=False,
        )
        return str(created.id), True


def _epoch_ms(iso: str) -> str:
    return str(int(datetime.fromisoformat(iso).timestamp() * 1000))
