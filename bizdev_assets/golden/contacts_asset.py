"""`contacts`: the ADR-013 table that services and CRM sync read, kept in step with
golden contacts.

An upsert, not a reload: `created_at` of a contact stays when it was first written and
`updated_at` moves only when one of its values changed. Contacts no longer golden (their
cluster merged into another) are deleted in the same transaction.
"""

import dagster as dg

from bizdev_assets.golden.assets import GOLDEN_TABLE
from bizdev_assets.golden.contacts_table import GOLDEN_INPUT_COLUMNS, adr_contacts
from bizdev_assets.metadata import table_metadata
from bizdev_assets.quality.assets import SCORES_TABLE
from resources.warehouse import Warehouse

CONTACTS_TABLE = "contacts"


@dg.asset(
    name=CONTACTS_TABLE,
    deps=[GOLDEN_TABLE, SCORES_TABLE],
    group_name="golden",
    kinds={"postgres", "duckdb"},
)
def contacts(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """ADR-013 `contacts` (id, unique email, names, company_id, quality_score, GDPR consent,
    created_at/updated_at) upserted from golden_contacts and contact_quality_scores. When
    golden contacts share an email, the best-scored keeps it and the others get null."""
    columns = ", ".join(GOLDEN_INPUT_COLUMNS)
    golden = warehouse.query(f"select {columns} from {GOLDEN_TABLE}")
    scores = warehouse.query(f"select contact_id, quality_score from {SCORES_TABLE}")
    frame, emails_nulled = adr_contacts(golden, scores)
    if emails_nulled:
        context.log.warning(
            f"{emails_nulled} golden contacts share an email with a better-scored contact; "
            "their contacts.email is null (ADR-013: email is unique)"
        )
    result = warehouse.upsert(CONTACTS_TABLE, frame, key=["id"], delete_missing=True)
    context.log.info(
        f"contacts: {result.inserted} inserted, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.deleted} deleted (no longer golden)"
    )
    changed = result.inserted + result.updated
    return dg.MaterializeResult(
        metadata=table_metadata(
            frame, frame.height, ["id", "email", "first_name", "last_name", "quality_score"]
        )
        | {
            "rows_this_run": dg.MetadataValue.int(changed),
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "deleted": result.deleted,
            "emails_nulled": emails_nulled,
            "with_consent": int(frame["gdpr_consent"].sum()),
            "warehouse": warehouse.location,
        }
    )
