"""Where a data subject can be in the warehouse: every table, classified.

Each table bizdev writes is listed with the columns that identify a subject (by kind:
their emails, phones, record, contact, cluster, CRM and workflow ids), the free-text and
JSON columns that may quote them, or why it holds no one. Erasure deletes the rows that
match; a table found in the warehouse but missing here is still scanned (every text
column, for the subject's emails and phones) and makes the erasure `partial_success`
until it is classified. `tests/test_gdpr_registry.py` fails when a table with text
columns is not listed, so a new table cannot be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableRule:
    keys: dict[str, str] = field(default_factory=dict)  # column -> identifier kind
    text: tuple[str, ...] = ()  # free text / JSON: scanned for emails and phones
    raw_row_key: bool = False  # (file_hash, source_sheet, source_row) of their rows
    all_text: bool = False  # columns vary (one per CRM property): scan every text column
    no_subject: str = ""  # why the table holds no data subject (then nothing is deleted)
    dlt_tree: bool = False  # a dlt table: child rows of a deleted row go with it


def _none(reason: str) -> TableRule:
    return TableRule(no_subject=reason)


_PERSON = {"email": "email", "phone": "phone", "mobile": "phone"}
_OTHER = {"other_email": "email", "other_phone": "phone"}
_PAIR = {"record_id_l": "record_id", "record_id_r": "record_id"}

PII_TABLES: dict[str, TableRule] = {
    # ingest and normalize
    "raw_contact_files": TableRule(
        _PERSON, ("attributes", "read_error", "full_name"), raw_row_key=True
    ),
    "landing_file_log": TableRule(text=("error", "warnings")),
    "contacts_normalized": TableRule(
        {"record_id": "record_id", **_PERSON, **_OTHER},
        ("attributes", "normalization_notes"),
        True,
    ),
    "contacts_quarantine": TableRule(text=("raw_content", "reason"), raw_row_key=True),
    # dedup and golden
    "contact_match_model": _none("the Splink model: parameters, no values"),
    "contact_match_model_profile": _none("counts of each feature's 20 most common values"),
    "contact_clusters": TableRule(
        {"record_id": "record_id", "contact_id": "contact_id", "cluster_id": "cluster_id"}
    ),
    "contact_id_history": TableRule(
        {"old_contact_id": "contact_id", "new_contact_id": "contact_id"}
    ),
    "contact_match_links": TableRule(_PAIR),
    "match_review_queue": TableRule(_PAIR),
    "match_decisions": TableRule(_PAIR, ("note",)),
    "golden_contacts": TableRule(
        {"contact_id": "contact_id", "cluster_id": "cluster_id", **_PERSON}, ("field_provenance",)
    ),
    "contacts": TableRule({"id": "contact_id", "cluster_id": "cluster_id", **_PERSON}),
    "contact_quality_scores": TableRule({"contact_id": "contact_id"}, ("quality_notes",)),
    # ADR-013 tables; enrichment (docs/enrichment.md)
    "enrichment_cache": TableRule({"query_hash": "enrichment_query"}, ("result",)),
    "person_enrichment": TableRule(
        {"contact_id": "contact_id", "email": "email"}, ("providers", "field_provenance")
    ),
    "company_enrichment": _none("one company (domain) each; people only as counts"),
    "company_domains": _none("one registrable domain each; people only as counts"),
    "company_signals": _none("news, funding and hiring items about companies"),
    "signal_feed_log": _none("one feed read each"),
    "signal_inbox": _none("feed items received by the intake API"),
    "enrichment_costs": _none("calls and credits per provider and day"),
    "enrichment_archive_files": _none("keys of the raw-response archive files"),
    "crm_sync_state": _none("one cursor per CRM and object"),
    # CRM sync
    "crm_hubspot_contacts": TableRule(
        {"crm_id": "crm_id", "email": "email", "bizdev_contact_id": "contact_id"}, all_text=True
    ),
    "crm_salesforce_contacts": TableRule(
        {"crm_id": "crm_id", "email": "email", "bizdev_id__c": "contact_id"}, all_text=True
    ),
    "crm_hubspot_companies": TableRule({"crm_id": "crm_id"}, all_text=True),
    "crm_salesforce_accounts": TableRule({"crm_id": "crm_id"}, all_text=True),
    "crm_push_snapshot": TableRule(
        {"contact_id": "contact_id", "crm_id": "crm_id"}, ("sent_values", "crm_values")
    ),
    "crm_sync_runs": TableRule(text=("error", "warnings")),
    "crm_sync_changes": TableRule(
        {"contact_id": "contact_id", "crm_id": "crm_id"},
        ("old_value", "new_value", "bizdev_value", "error"),
    ),
    "crm_sync_rejections": TableRule({"record_key": "contact_id"}, ("record_key", "error")),
    "crm_feed_files": _none("hashes and landing keys of the CRM feed files"),
    "crm_webhook_events": TableRule(text=("payload",)),
    # leads and outreach
    "lead_scores": TableRule({"contact_id": "contact_id"}, ("top_reasons",)),
    "lead_routing": TableRule({"contact_id": "contact_id"}),
    "lead_outcomes": TableRule({"contact_id": "contact_id"}),
    "lead_sla_breaches": TableRule({"contact_id": "contact_id"}),
    "outreach_enrollments": TableRule({"workflow_id": "workflow_id", "contact_id": "contact_id"}),
    "outreach_events": TableRule(
        {"workflow_id": "workflow_id", "contact_id": "contact_id"}, ("detail",)
    ),
    "outreach_suppressions": TableRule({"contact_id": "contact_id"}),
    "outreach_funnel": _none("counts per funnel stage"),
    "outreach_reply_rates": _none("counts per sequence, step and owner"),
    # GDPR's own tables: keyed hashes and statuses only (docs/gdpr.md)
    "gdpr_requests": _none("status per request and destination; no identifier"),
    "gdpr_request_subjects": _none("an open request's identifiers, deleted when it finishes"),
    "gdpr_suppressions": _none("HMAC keys of erased emails and phones"),
    "audit_log": _none("who did what; subjects as HMAC keys"),
    "retention_log": _none("rows deleted per table and run"),
    "consent_records": TableRule({"contact_id": "contact_id"}, ("evidence", "source")),
}

# Tables no asset names: Alembic's bookkeeping holds nothing; Splink's scratch tables
# (left in a DuckDB file by a crashed run) may copy names and emails, so are scanned.
IGNORED = frozenset({"alembic_version"})
SCRATCH_PREFIXES = ("__splink__",)
# The enrichment raw layer (dlt, its own schema): vendors' responses as sent, nested JSON
# split into child tables linked by `_dlt_parent_id`. A response that names the subject
# goes with every child row below it (`warehouse_erasure.py`).
RAW_LAYER_SCHEMA = "enrichment_raw"
DLT_BOOKKEEPING = ("_dlt_loads", "_dlt_pipeline_state", "_dlt_version")


def rule_for(table: str) -> TableRule | None:
    if table.startswith(SCRATCH_PREFIXES):
        return TableRule(all_text=True)
    schema, _, name = table.rpartition(".")
    if schema == RAW_LAYER_SCHEMA:
        if name in DLT_BOOKKEEPING:
            return _none("dlt's load ids, cursor state and schema")
        return TableRule(all_text=True, dlt_tree=True)
    return PII_TABLES.get(table)
