"""Where signal items come from, and what they are matched against.

Sources (`resources.enrichment.SignalSource`): the news feeds of BIZDEV_NEWS_FEEDS, and
the webhook inbox: a warehouse table, `signal_inbox`, that the intake API appends items
to (`item_id`, `title`, `url`, `summary`, `published_at`, `received_at`). The inbox is
read whole each run; a signal's id makes a re-read item the same row again.

Targets: our companies (`company_enrichment` with the names their contacts give in
`company_domains`) and the competitors of BIZDEV_COMPETITORS; a competitor whose domain
is one of our companies' carries that company's id.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from bizdev_assets.enrichment.columns import DOMAINS_TABLE, ENRICHMENT_TABLE, FEED_LOG_COLUMNS
from bizdev_assets.enrichment.signals import Target, aliases_of, parse_competitors
from resources.enrichment import SignalItem, SourceReport
from resources.warehouse import Warehouse

INBOX_TABLE = "signal_inbox"
INBOX_COLUMNS = ("item_id", "title", "url", "summary", "published_at")


class InboxSource:
    """The intake API's webhook inbox as a `SignalSource`."""

    name = "webhook"

    def __init__(self, warehouse: Warehouse):
        self.warehouse = warehouse

    def collect(self) -> list[SourceReport]:
        if not self.warehouse.table_exists(INBOX_TABLE):
            return []
        rows = self.warehouse.read_table(INBOX_TABLE)
        missing = sorted(set(INBOX_COLUMNS) - set(rows.columns))
        if missing:
            return [
                SourceReport("webhook", "error", error=f"{INBOX_TABLE} lacks columns {missing}")
            ]
        items = [
            SignalItem("webhook", str(r["item_id"] or r["url"] or r["title"]), r["title"] or "",
                       r["url"], r["summary"] or "", r["published_at"])
            for r in rows.select(INBOX_COLUMNS).iter_rows(named=True)
            if r["title"] or r["url"]
        ]  # fmt: skip
        return [SourceReport("webhook", "ok", items)]


def company_targets(warehouse: Warehouse) -> list[Target]:
    """Our companies with their aliases (none before the first company_enrichment)."""
    if not (warehouse.table_exists(ENRICHMENT_TABLE) and warehouse.table_exists(DOMAINS_TABLE)):
        return []
    rows = warehouse.query(
        f"select e.company_id, e.domain, e.name, d.company_names from {ENRICHMENT_TABLE} e "
        f"left join {DOMAINS_TABLE} d on d.domain = e.domain"
    )
    targets = []
    for row in rows.iter_rows(named=True):
        names = [n for n in [row["name"], *(row["company_names"] or [])] if n]
        target = Target(names[0] if names else row["domain"], row["domain"], row["company_id"])
        for name in names:
            target.aliases |= aliases_of(name)
        targets.append(target)
    return targets


def competitor_targets(entries: list[str], companies: list[Target]) -> list[Target]:
    ids = {t.domain: t.company_id for t in companies if t.domain}
    competitors = parse_competitors(entries)
    for competitor in competitors:
        competitor.company_id = ids.get(competitor.domain)
    return competitors


def feed_log(reports: list[SourceReport]) -> pl.DataFrame:
    """One `signal_feed_log` row per report."""
    rows = []
    for report in reports:
        dates = [i.published_at for i in report.items if i.published_at is not None]
        rows.append(
            {
                "source": report.source,
                "fetched_at": report.fetched_at,
                "status": report.status,
                "http_status": report.http_status,
                "items": len(report.items),
                "undated_items": len(report.items) - len(dates),
                "newest_published_at": max(dates) if dates else None,
                "error": report.error,
            }
        )
    return pl.DataFrame(rows, schema=FEED_LOG_COLUMNS)


def stale_feeds(log: pl.DataFrame, now: datetime, max_age: timedelta) -> dict[str, str]:
    """feed -> why it is not fresh: unreadable, no dated item, or newest item too old."""
    stale = {}
    for row in log.iter_rows(named=True):
        if row["source"] == "webhook":
            continue
        if row["status"] in ("error", "unreadable"):
            stale[row["source"]] = f"{row['status']}: {row['error']}"
        elif row["newest_published_at"] is None:
            stale[row["source"]] = f"no dated items ({row['items']} items without a date)"
        elif row["newest_published_at"] < now - max_age:
            stale[row["source"]] = f"newest item from {row['newest_published_at']:%Y-%m-%d %H:%M}"
    return stale
