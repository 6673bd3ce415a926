"""The `golden` group: `golden_contacts` (one row per cluster, each field chosen by the
survivorship rules) and `contacts` (the ADR-013 table services and CRM sync read).

`contacts` is an upsert, not a reload: `created_at` of a contact stays when it was first
written and `updated_at` moves only when one of its values changed. Contacts no longer
golden (their cluster merged into another) are deleted in the same transaction.
"""

import dagster as dg
import polars as pl

from bizdev_assets.crm.feed_files import verified_feed_hashes
from bizdev_assets.dedup.cluster_run import CLUSTERS_TABLE
from bizdev_assets.golden.columns import GOLDEN_TABLE
from bizdev_assets.golden.contacts_table import CONTACTS_TABLE, GOLDEN_INPUT_COLUMNS, adr_contacts
from bizdev_assets.golden.rules import SurvivorshipRules
from bizdev_assets.golden.survivorship import build_golden_contacts
from bizdev_assets.metadata import table_metadata
from bizdev_assets.normalize.columns import NORMALIZED_TABLE
from bizdev_assets.quality.scoring import SCORES_TABLE
from resources.pipeline_config import PipelineConfig
from resources.warehouse import Warehouse


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
    warehouse: Warehouse,
    pipeline_config: PipelineConfig,
):
    """The deduplicated contacts: survivorship per field (most trusted source, most recent,
    most complete; rules in YAML), per-field provenance, and the ADR-013 contact fields."""
    rules = SurvivorshipRules.load(pipeline_config.survivorship_rules_path())
    rules = rules.with_verified_feeds(verified_feed_hashes(warehouse))  # `source: crm_feed`
    normalized = warehouse.read_table(NORMALIZED_TABLE)
    clusters = warehouse.read_table(CLUSTERS_TABLE).select("record_id", "cluster_id", "contact_id")
    golden = build_golden_contacts(normalized, clusters, rules)

    # The blocking check guards the table: a broken result is never written.
    n_clusters = clusters["cluster_id"].n_unique()
    one_each = golden["contact_id"].n_unique() == golden.height == n_clusters
    yield dg.AssetCheckResult(
        check_name="one_contact_per_cluster",
        passed=one_each,
        metadata={"golden_contacts": golden.height, "clusters": n_clusters},
    )
    if not one_each:
        raise dg.Failure(
            f"golden_contacts not written: {golden.height} contacts for {n_clusters} clusters"
        )
    warehouse.replace_table(GOLDEN_TABLE, golden)
    shared = (
        golden.filter(pl.col("email").is_not_null())
        .group_by("email")
        .len()
        .filter(pl.col("len") > 1)
    )
    if shared.height:
        context.log.warning(f"{shared.height} emails are held by more than one golden contact")
    yield dg.AssetCheckResult(
        check_name="email_unique",
        passed=shared.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        # A count only: the addresses themselves are personal data, kept out of logs.
        metadata={"emails_shared": shared.height},
    )
    yield dg.MaterializeResult(
        metadata=table_metadata(
            golden,
            golden.height,
            ["contact_id", "full_name", "email", "company", "country", "record_count"],
        )
        | {
            "records_merged": int(golden["record_count"].sum() - golden.height),
            "with_consent": int(golden["gdpr_consent"].sum()),
        }
    )


@dg.asset(
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
