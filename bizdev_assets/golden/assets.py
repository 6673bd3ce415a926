"""The `golden` group: `golden_contacts` (one row per cluster, each field chosen by the
survivorship rules) and `contacts` (the ADR-013 table services and CRM sync read).

`contacts` is an upsert, not a reload: `created_at` of a contact stays when it was first
written and `updated_at` moves only when one of its values changed. Contacts no longer
golden (their cluster merged into another) are deleted in the same transaction.
"""

from datetime import UTC, datetime

import dagster as dg
import polars as pl

from bizdev_assets.crm.feed_files import verified_feed_hashes
from bizdev_assets.dedup.cluster_run import CLUSTERS_TABLE
from bizdev_assets.golden.changes import golden_rows_kept, plan_golden
from bizdev_assets.golden.columns import GOLDEN_COLUMNS, GOLDEN_TABLE
from bizdev_assets.golden.contacts_changes import golden_and_scores, plan_contacts
from bizdev_assets.golden.contacts_table import CONTACTS_TABLE, adr_contacts
from bizdev_assets.golden.parts import (
    Built,
    GoldenCheckFailed,
    golden_parts,
    records_outside_clusters,
)
from bizdev_assets.golden.rules import SurvivorshipRules
from bizdev_assets.golden.survivorship import rules_digest
from bizdev_assets.metadata import table_metadata
from bizdev_assets.normalize.columns import NORMALIZED_TABLE
from bizdev_assets.quality.scoring import SCORES_TABLE
from resources.pipeline_config import PipelineConfig
from resources.warehouse import Warehouse


class GoldenConfig(dg.Config):
    # Rebuild every golden contact, not only those whose records changed.
    full_refresh: bool = False


# Whole-table figures for the checks and the metadata, after an incremental write too.
GOLDEN_TOTALS = f"""
    select count(*) as contacts, coalesce(sum(record_count), 0) as records,
        count(*) filter (where gdpr_consent) as with_consent,
        (select count(*) from (select email from {GOLDEN_TABLE} where email is not null
            group by email having count(*) > 1) as shared) as emails_shared
    from {GOLDEN_TABLE}
"""


@dg.asset(
    deps=[CLUSTERS_TABLE, NORMALIZED_TABLE],
    group_name="golden",
    kinds={"polars", "duckdb"},
    check_specs=[
        dg.AssetCheckSpec(
            "one_contact_per_cluster",
            asset=GOLDEN_TABLE,
            blocking=True,
            description="contact_id and cluster_id are unique and every cluster has a contact.",
        ),
        dg.AssetCheckSpec(
            "email_unique",
            asset=GOLDEN_TABLE,
            description="ADR-013 `contacts.email` is UNIQUE: no two golden contacts share an email.",
        ),
    ],
)
def golden_contacts(
    context: dg.AssetExecutionContext,
    config: GoldenConfig,
    warehouse: Warehouse,
    pipeline_config: PipelineConfig,
):
    """The deduplicated contacts: survivorship per field (most trusted source, most recent,
    most complete; rules in YAML), per-field provenance, and the ADR-013 contact fields.

    Only the contacts whose records changed since they were built are built again (see
    golden/changes.py); new rules, new code or `full_refresh: true` rebuild every one."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rules = SurvivorshipRules.load(pipeline_config.survivorship_rules_path())
    with warehouse.session():  # one connection for the reads, the write and the totals
        rules = rules.with_verified_feeds(verified_feed_hashes(warehouse))  # `source: crm_feed`
        plan = plan_golden(warehouse, rules_digest(rules), config.full_refresh)
        context.log.info(f"{plan.mode} build of golden contacts: {plan.reason}")
        problem = records_outside_clusters(warehouse) if plan.mode == "full" else None
        if problem:
            raise ValueError(f"golden_contacts not built: {problem}")
        n_clusters = warehouse.query(
            f"select count(distinct cluster_id) as n from {CLUSTERS_TABLE}"
        )["n"][0]
        # The blocking check guards the table: each part is checked before it is written,
        # and the whole before the write commits, so a broken result is never written.
        kept, built = golden_rows_kept(warehouse, plan), Built()
        parts = golden_parts(warehouse, plan, rules, now, n_clusters - kept, built)
        try:
            if plan.mode == "full":
                warehouse.write_parts(GOLDEN_TABLE, parts)
            elif plan.touched:
                warehouse.write_parts(GOLDEN_TABLE, parts, "contact_id", remove=plan.touched)
            elif kept != n_clusters:
                raise GoldenCheckFailed(f"{kept} golden contacts for {n_clusters} clusters")
        except GoldenCheckFailed as failure:
            yield dg.AssetCheckResult(
                check_name="one_contact_per_cluster",
                passed=False,
                metadata={"clusters": n_clusters, "problem": str(failure)},
            )
            raise dg.Failure(f"golden_contacts not written: {failure}") from None
        yield dg.AssetCheckResult(
            check_name="one_contact_per_cluster",
            passed=True,
            metadata={"golden_contacts": kept + built.contacts, "clusters": n_clusters},
        )
        totals = warehouse.query(GOLDEN_TOTALS).row(0, named=True)
    totals = {k: int(v) for k, v in totals.items()}
    if totals["emails_shared"]:
        context.log.warning(
            f"{totals['emails_shared']} emails are held by more than one golden contact"
        )
    yield dg.AssetCheckResult(
        check_name="email_unique",
        passed=totals["emails_shared"] == 0,
        severity=dg.AssetCheckSeverity.WARN,
        # A count only: the addresses themselves are personal data, kept out of logs.
        metadata={"emails_shared": totals["emails_shared"]},
    )
    yield dg.MaterializeResult(
        metadata=table_metadata(
            built.preview if built.preview is not None else pl.DataFrame(schema=GOLDEN_COLUMNS),
            totals["contacts"],
            ["contact_id", "full_name", "email", "company", "country", "record_count"],
        )
        | {
            "rows_this_run": dg.MetadataValue.int(built.contacts),
            "parts": len(built.parts),
            "mode": plan.mode,
            "mode_reason": plan.reason,
            "records_merged": totals["records"] - totals["contacts"],
            "with_consent": totals["with_consent"],
        }
    )


# Whole-table figures for the metadata, after an incremental write too. Every email held
# by several golden contacts stays with one of them: the others are the emails nulled.
CONTACTS_TOTALS = f"""
    select count(*) as n, count(*) filter (where gdpr_consent) as with_consent,
        (select count(email) - count(distinct email) from {GOLDEN_TABLE}) as emails_nulled
    from {CONTACTS_TABLE}
"""


class ContactsConfig(dg.Config):
    # Write every contact, not only those whose golden row or score changed.
    full_refresh: bool = False


@dg.asset(
    deps=[GOLDEN_TABLE, SCORES_TABLE],
    group_name="golden",
    kinds={"postgres", "duckdb"},
)
def contacts(
    context: dg.AssetExecutionContext, config: ContactsConfig, warehouse: Warehouse
) -> dg.MaterializeResult:
    """ADR-013 `contacts` (id, unique email, names, company_id, quality_score, GDPR consent,
    created_at/updated_at) upserted from golden_contacts and contact_quality_scores. When
    golden contacts share an email, the best-scored keeps it and the others get null.

    Only the contacts whose golden row or score changed since the last write, and those
    sharing an email with them, are written (see golden/contacts_changes.py)."""
    with warehouse.session():
        plan = plan_contacts(warehouse, config.full_refresh)
        context.log.info(f"{plan.mode} write of contacts: {plan.reason}")
        golden, scores = golden_and_scores(warehouse, plan)
    frame, emails_nulled = adr_contacts(golden, scores)
    if emails_nulled:
        context.log.warning(
            f"{emails_nulled} golden contacts share an email with a better-scored contact; "
            "their contacts.email is null (ADR-013: email is unique)"
        )
    with warehouse.session():
        result = warehouse.upsert(
            CONTACTS_TABLE,
            frame,
            key=["id"],
            delete_missing=plan.mode == "full",
            delete=plan.removed,
        )
        totals = warehouse.query(CONTACTS_TOTALS).row(0, named=True)
    context.log.info(
        f"contacts: {result.inserted} inserted, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.deleted} deleted (no longer golden)"
    )
    changed = result.inserted + result.updated
    return dg.MaterializeResult(
        metadata=table_metadata(
            frame, int(totals["n"]), ["id", "email", "first_name", "last_name", "quality_score"]
        )
        | {
            "rows_this_run": dg.MetadataValue.int(changed),
            "mode": plan.mode,
            "mode_reason": plan.reason,
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "deleted": result.deleted,
            "emails_nulled": int(totals["emails_nulled"]),
            "with_consent": int(totals["with_consent"]),
            "warehouse": warehouse.location,
        }
    )
