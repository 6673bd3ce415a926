"""The activities of `OutreachSequence`: the only places a sequence touches the world.

Both are idempotent, so Temporal may retry them (retry policies in `workflow.py`) and a
worker may die at any point: `send_email` builds the same Message-ID on every attempt and
the mail transport never sends a Message-ID twice; `create_task` looks the task up by its
external id in each CRM before creating it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from temporalio import activity
from temporalio.exceptions import ApplicationError

from bizdev_assets.outreach.messages import build_email
from bizdev_assets.outreach.records import EmailRequest, EmailResult, TaskRequest, TaskResult
from resources.crm.tasks import CrmTaskClient, TaskSpec
from resources.mail import MailRejected, MailResource


@dataclass
class OutreachActivities:
    mail: MailResource
    task_clients: list[CrmTaskClient] = field(default_factory=list)
    skipped_crms: list[str] = field(default_factory=list)  # "hubspot: not configured", ...

    def all(self) -> list:
        return [self.send_email, self.create_task]

    @activity.defn(name="send_email")
    def send_email(self, request: EmailRequest) -> EmailResult:
        message = build_email(request, self.mail.sender, self.mail.sender_domain)
        try:
            receipt = self.mail.send(message)
        except MailRejected as exc:
            raise ApplicationError(str(exc), type="MailRejected", non_retryable=True) from exc
        if receipt.already_sent:
            activity.logger.info(f"{receipt.message_id} was sent before: not sent again")
        return EmailResult(message_id=receipt.message_id, already_sent=receipt.already_sent)

    @activity.defn(name="create_task")
    def create_task(self, request: TaskRequest) -> TaskResult:
        lead = request.lead
        created: list[list[str]] = []
        skipped = list(self.skipped_crms) or ([] if self.task_clients else ["no CRM configured"])
        for client in self.task_clients:
            contact = (
                lead.hubspot_contact_id
                if client.crm_type == "hubspot"
                else lead.salesforce_contact_id
            )
            if not contact:
                skipped.append(f"{client.crm_type}: contact not in the CRM yet")
                continue
            owner = (
                lead.hubspot_owner_id if client.crm_type == "hubspot" else lead.salesforce_owner_id
            )
            task_id, was_created = client.ensure_task(
                TaskSpec(
                    external_id=request.external_id,
                    crm_contact_id=contact,
                    owner_id=owner,
                    subject=request.subject,
                    body=request.body,
                    due_at=request.due_at,
                )
            )
            created.append([client.crm_type, task_id, "created" if was_created else "existing"])
        return TaskResult(created=created, skipped=skipped)
