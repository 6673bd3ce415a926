"""`company_signals`: news, funding, hiring and competitor mentions matched to companies.

Items come from the news feeds and the webhook inbox (`signal_sources.py`); matching is
`signals.py`. Signals accumulate: each run upserts by `signal_id` (the same item about
the same company is one row, `first_seen_at` kept) and logs every feed read in
`signal_feed_log`. A feed that is down, broken or undated is a row in that log and a
warning of the `feeds_fresh` check, never a failure of the asset.
"""

from datetime import UTC, datetime, timedelta

import dagster as dg

from bizdev_assets.enrichment.columns import (
    DOMAINS_TABLE,
    ENRICHMENT_TABLE,
    FEED_LOG_TABLE,
    SIGNALS_TABLE,
)
from bizdev_assets.enrichment.signal_sources import (
    InboxSource,
    company_targets,
    competitor_targets,
    feed_log,
    stale_feeds,
)
from bizdev_assets.enrichment.signals import Matcher, match_signals
from bizdev_assets.metadata import markdown_table, table_metadata
from resources.enrichment import SignalSources
from resources.warehouse import Warehouse


@dg.asset(
    deps=[ENRICHMENT_TABLE, DOMAINS_TABLE],
    group_name="enrichment",
    kinds={"python", "duckdb"},
    check_specs=[
        dg.AssetCheckSpec(
            "feeds_fresh",
            asset=SIGNALS_TABLE,
            description="Every configured feed was read and has an item newer than "
            "`freshness_days` (default 7); undated and unreadable feeds are not fresh.",
        )
    ],
)
def company_signals(warehouse: Warehouse, signal_sources: SignalSources):
    """News, funding, hiring and competitor mentions from the feeds of BIZDEV_NEWS_FEEDS
    and the webhook inbox, matched to companies by domain and by whole names (aliases
    included, never substrings); competitors from BIZDEV_COMPETITORS."""
    now = datetime.now(UTC).replace(tzinfo=None)
    reports = []
    if signal_sources.feeds:
        source = signal_sources.feed_source()
        try:
            reports += source.collect()
        finally:
            source.close()
    reports += InboxSource(warehouse).collect()
    companies = company_targets(warehouse)
    competitors = competitor_targets(signal_sources.competitors, companies)
    items = [item for report in reports for item in report.items]
    frame = match_signals(items, Matcher(companies), Matcher(competitors))
    result = warehouse.upsert(SIGNALS_TABLE, frame, key=["signal_id"], preserve=("first_seen_at",))
    log = feed_log(reports)
    if log.height:
        warehouse.append_rows(FEED_LOG_TABLE, log)

    stale = stale_feeds(log, now, timedelta(days=signal_sources.freshness_days))
    yield dg.AssetCheckResult(
        check_name="feeds_fresh",
        passed=not stale,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"feeds": len(signal_sources.feeds), **stale},
    )
    kinds = frame.group_by("kind").len().sort("kind")
    yield dg.MaterializeResult(
        metadata=table_metadata(
            frame, warehouse.row_count(SIGNALS_TABLE), ["company", "kind", "title", "matched_by"]
        )
        | {
            "rows_this_run": result.inserted,
            "items_read": len(items),
            "companies_matched_against": len(companies),
            "feeds": dg.MetadataValue.md(
                markdown_table(
                    log.select("source", "status", "items", "undated_items", "newest_published_at")
                )
            )
            if log.height
            else "no feeds (set BIZDEV_NEWS_FEEDS) and no webhook inbox",
            **{f"{kind}_signals": int(n) for kind, n in kinds.iter_rows()},
        }
    )
