"""What travels between the enrolment, the workflow and its activities (all JSON-able
dataclasses, Temporal's default payload converter serialises them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WORKFLOW_TYPE = "OutreachSequence"
# One workflow per (contact, sequence); the contact first, so every sequence of a contact
# is found by the id prefix (unsubscribe, pause, status).
WORKFLOW_ID_PREFIX = "outreach"


def workflow_id(contact_id: str, sequence_id: str) -> str:
    return f"{contact_id_prefix(contact_id)}{sequence_id}"


def contact_id_prefix(contact_id: str) -> str:
    return f"{WORKFLOW_ID_PREFIX}-{contact_id}-"


@dataclass
class Lead:
    """The enrolled contact as the sequence needs it (copied at enrolment)."""

    contact_id: str
    email: str
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    company: str | None = None
    title: str | None = None
    timezone: str = "UTC"
    owner_id: str | None = None
    owner_name: str | None = None
    owner_email: str | None = None
    hubspot_owner_id: str | None = None
    salesforce_owner_id: str | None = None
    hubspot_contact_id: str | None = None
    salesforce_contact_id: str | None = None

    def template_fields(self) -> dict[str, str]:
        return {
            "first_name": self.first_name or "there",
            "last_name": self.last_name or "",
            "full_name": self.full_name or self.email,
            "company": self.company or "your team",
            "title": self.title or "",
            "owner_name": self.owner_name or "The team",
            "owner_email": self.owner_email or "",
        }


@dataclass
class RunOptions:
    activity_timeout_seconds: float = 60.0
    steps_per_run: int = 40  # steps before continue-as-new (keeps histories short)


@dataclass
class SequenceState:
    """Where a sequence stands; carried over continue-as-new."""

    phase: str = "main"  # main | reply (the on_reply steps)
    next_step: int = 0
    status: str = "active"  # active | paused | completed | stopped
    stop_reason: str | None = None  # replied | unsubscribed | bounced | email_failed
    replied: bool = False
    paused: bool = False
    events: list[list[str]] = field(default_factory=list)  # [kind, step, at ISO, detail]


@dataclass
class OutreachInput:
    lead: Lead
    sequence: dict[str, Any]  # Sequence.to_dict(): the definition this run keeps
    options: RunOptions = field(default_factory=RunOptions)
    state: SequenceState | None = None  # set by continue-as-new


@dataclass
class EmailRequest:
    idempotency_key: str  # workflow id + step: becomes the Message-ID
    lead: Lead
    subject: str
    body: str


@dataclass
class EmailResult:
    message_id: str
    already_sent: bool  # a retry found it sent before: nothing was sent now


@dataclass
class TaskRequest:
    external_id: str  # workflow id + step: the task's id in every CRM
    lead: Lead
    subject: str
    body: str
    due_at: str  # ISO UTC


@dataclass
class TaskResult:
    created: list[list[str]]  # [crm, task id, "created" | "existing"]
    skipped: list[str]  # why a CRM got no task ("hubspot: not configured", ...)
