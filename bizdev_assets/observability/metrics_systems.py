"""Metrics of the systems around the contact chain, from their warehouse tables: CRM sync
(`crm_sync_runs`, `crm_sync_rejections`), enrichment (`enrichment_costs`,
`enrichment_cache`) and outreach (`outreach_events`, `outreach_enrollments`,
`outreach_suppressions`, `lead_sla_breaches`, `lead_scores`) and GDPR requests
(`gdpr_requests`). A table not written yet yields nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from bizdev_assets.observability.families import bounded, epoch_seconds
from bizdev_assets.observability.snapshot import Catalog, Reader, pairs

SYNC_OUTCOMES = ("read", "changed", "sent", "succeeded", "rejected")
_SALESFORCE_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")
_HUBSPOT_HEADER = re.compile(r"X-HubSpot-RateLimit-([A-Za-z-]+)=(\d+)")


def api_usage_ratio(text: str | None) -> float | None:
    """Share of the CRM's API allowance used, from the headers a sync stored
    (`Sforce-Limit-Info: api-usage=N/M`; HubSpot's daily, else per-interval, limit)."""
    if not text:
        return None
    if match := _SALESFORCE_USAGE.search(text):
        used, limit = int(match[1]), int(match[2])
        return used / limit if limit else None
    headers = {name.lower(): int(value) for name, value in _HUBSPOT_HEADER.findall(text)}
    for limit_name, remaining_name in (("daily", "daily-remaining"), ("max", "remaining")):
        limit, remaining = headers.get(limit_name), headers.get(remaining_name)
        if limit and remaining is not None:
            return (limit - remaining) / limit
    return None


def crm_metrics(warehouse: Reader, catalog: Catalog, now: datetime) -> Iterator[Metric]:
    if not catalog.has("crm_sync_runs", "crm_type", "direction", "status", "finished_at"):
        return
    runs = warehouse.query(
        "select crm_type, direction, status, count(*) as runs, "
        "sum(records_read), sum(records_changed), sum(records_sent), "
        "sum(records_succeeded), sum(records_rejected), "
        "sum(api_calls), sum(retries), sum(rate_limited) "
        "from crm_sync_runs group by 1, 2, 3 order by 1, 2, 3"
    )
    total = CounterMetricFamily(
        "bizdev_crm_sync_runs",
        "CRM sync runs per object, by outcome",
        labels=["crm", "direction", "status"],
    )
    records = CounterMetricFamily(
        "bizdev_crm_sync_records",
        "Records through CRM sync (read, changed, sent, succeeded, rejected)",
        labels=["crm", "direction", "outcome"],
    )
    calls = {
        "api_calls": CounterMetricFamily("bizdev_crm_api_calls", "CRM API calls", labels=["crm"]),
        "retries": CounterMetricFamily(
            "bizdev_crm_retries", "CRM API calls retried", labels=["crm"]
        ),
        "rate_limited": CounterMetricFamily(
            "bizdev_crm_rate_limited", "CRM API answers that were rate limits (429)", labels=["crm"]
        ),
    }
    per_crm: dict[str, list[float]] = {}
    by_direction: dict[tuple[str, str], list[float]] = {}
    for crm, direction, status, n, *sums in runs.iter_rows():
        total.add_metric([crm, direction, status], n)
        outcome_sums = by_direction.setdefault((crm, direction), [0.0] * len(SYNC_OUTCOMES))
        for i, value in enumerate(sums[: len(SYNC_OUTCOMES)]):
            outcome_sums[i] += float(value or 0)
        call_sums = per_crm.setdefault(crm, [0.0, 0.0, 0.0])
        for i, value in enumerate(sums[len(SYNC_OUTCOMES) :]):
            call_sums[i] += float(value or 0)
    for (crm, direction), sums in by_direction.items():
        for outcome, value in zip(SYNC_OUTCOMES, sums, strict=True):
            records.add_metric([crm, direction, outcome], value)
    for crm, sums in per_crm.items():
        for family, value in zip(calls.values(), sums, strict=True):
            family.add_metric([crm], value)
    yield total
    yield records
    yield from calls.values()
    yield from _crm_recency(warehouse, now)
    if catalog.has("crm_sync_rejections", "crm_type", "resolved_at"):
        open_rejections = warehouse.query(
            "select crm_type, count(*) from crm_sync_rejections where resolved_at is null group by 1"
        )
        family = GaugeMetricFamily(
            "bizdev_crm_rejections_open",
            "Contacts a CRM refused and not yet got through",
            labels=["crm"],
        )
        for crm, n in bounded(pairs(open_rejections)).items():
            family.add_metric([crm], n)
        yield family


def _crm_recency(warehouse: Reader, now: datetime) -> Iterator[Metric]:
    last = warehouse.query(
        "select crm_type, direction, max(finished_at) from crm_sync_runs "
        "where status = 'succeeded' group by 1, 2 order by 1, 2"
    )
    stamp = GaugeMetricFamily(
        "bizdev_crm_sync_last_success_timestamp_seconds",
        "When the last successful sync of a CRM finished (Unix time)",
        labels=["crm", "direction"],
    )
    lag = GaugeMetricFamily(
        "bizdev_crm_sync_lag_seconds",
        "Seconds since the last successful sync of a CRM (the ADR's sync delay; SLO 5 min)",
        labels=["crm", "direction"],
    )
    for crm, direction, finished in last.iter_rows():
        seconds = epoch_seconds(finished)
        if seconds is None:
            continue
        stamp.add_metric([crm, direction], seconds)
        lag.add_metric([crm, direction], max(0.0, now.timestamp() - seconds))
    yield stamp
    yield lag
    usage = warehouse.query(
        "select crm_type, api_usage from crm_sync_runs where api_usage is not null "
        "and api_usage <> '' order by finished_at"
    )
    latest: dict[str, float] = {}
    for crm, text in usage.iter_rows():
        ratio = api_usage_ratio(text)
        if ratio is not None:
            latest[crm] = ratio
    family = GaugeMetricFamily(
        "bizdev_crm_api_usage_ratio",
        "Share of the CRM's API allowance used (last reading)",
        labels=["crm"],
    )
    for crm, ratio in latest.items():
        family.add_metric([crm], ratio)
    yield family


def enrichment_metrics(warehouse: Reader, catalog: Catalog, now: datetime) -> Iterator[Metric]:
    if catalog.has("enrichment_costs", "provider", "day", "calls", "credits", "cache_hits"):
        costs = warehouse.query(
            "select provider, sum(calls), sum(cache_hits), sum(credits), "
            "sum(case when cast(day as varchar) = ? then credits else 0 end), "
            "max(case when cast(day as varchar) = ? then daily_budget end) "
            "from enrichment_costs group by 1 order by 1",
            [now.date().isoformat()] * 2,
        )
        calls = CounterMetricFamily(
            "bizdev_enrichment_calls", "Paid provider calls", labels=["provider"]
        )
        hits = CounterMetricFamily(
            "bizdev_enrichment_cache_hits", "Lookups answered from the cache", labels=["provider"]
        )
        spent = CounterMetricFamily(
            "bizdev_enrichment_credits_spent", "Provider credits spent", labels=["provider"]
        )
        today = GaugeMetricFamily(
            "bizdev_enrichment_credits_today", "Credits spent today (UTC)", labels=["provider"]
        )
        budget = GaugeMetricFamily(
            "bizdev_enrichment_daily_budget_credits", "Daily credit budget", labels=["provider"]
        )
        ratio = GaugeMetricFamily(
            "bizdev_enrichment_cache_hit_ratio",
            "Share of lookups answered from the cache (all time; rate() the counters for a window)",
            labels=["provider"],
        )
        for provider, n_calls, n_hits, credits, credits_today, daily_budget in costs.iter_rows():
            calls.add_metric([provider], n_calls or 0)
            hits.add_metric([provider], n_hits or 0)
            spent.add_metric([provider], credits or 0)
            today.add_metric([provider], credits_today or 0)
            if daily_budget is not None:
                budget.add_metric([provider], daily_budget)
            lookups = (n_calls or 0) + (n_hits or 0)
            ratio.add_metric([provider], (n_hits or 0) / lookups if lookups else 0.0)
        yield from (calls, hits, spent, today, budget, ratio)
    if catalog.has("enrichment_cache", "source"):
        entries = warehouse.query("select source, count(*) from enrichment_cache group by 1")
        family = GaugeMetricFamily(
            "bizdev_enrichment_cache_entries", "Cached provider answers", labels=["source"]
        )
        for source, n in bounded(pairs(entries)).items():
            family.add_metric([source], n)
        yield family


def outreach_metrics(warehouse: Reader, catalog: Catalog) -> Iterator[Metric]:
    tables = (
        ("outreach_events", "event", CounterMetricFamily, "bizdev_outreach_events",
         "Outreach events (sent, opened, replied, bounced, unsubscribed...)"),
        ("outreach_enrollments", "status", GaugeMetricFamily, "bizdev_outreach_enrollments",
         "Outreach enrolments, by status"),
        ("outreach_suppressions", "reason", GaugeMetricFamily, "bizdev_outreach_suppressions",
         "Contacts never to enrol again (GDPR: unsubscribed; bounced)"),
        ("lead_sla_breaches", "level", CounterMetricFamily, "bizdev_lead_sla_breaches",
         "Lead SLA breaches and escalations notified"),
    )  # fmt: skip
    for table, column, kind, name, documentation in tables:
        if not catalog.has(table, column):
            continue
        counts = warehouse.query(f"select {column}, count(*) from {table} group by 1")
        family = kind(name, documentation, labels=[column])
        for value, n in bounded(pairs(counts)).items():
            family.add_metric([value], n)
        yield family
    if catalog.has("lead_scores", "qualified"):
        qualified = warehouse.query("select count(*) from lead_scores where qualified")
        yield GaugeMetricFamily(
            "bizdev_qualified_leads",
            "Golden contacts scored as qualified leads",
            value=qualified[0, 0],
        )


def gdpr_metrics(warehouse: Reader, catalog: Catalog, now: datetime) -> Iterator[Metric]:
    """Requests per status, and per destination the unfinished ones and the age of the
    oldest (the 30-day SLA: docs/gdpr.md)."""
    if not catalog.has("gdpr_requests", "destination", "status", "requested_at"):
        return
    statuses = warehouse.query("select status, count(*) from gdpr_requests group by 1")
    family = GaugeMetricFamily(
        "bizdev_gdpr_requests",
        "GDPR request destinations, by status (pending, running, finished, partial_success, failed)",
        labels=["status"],
    )
    for status, n in bounded(pairs(statuses)).items():
        family.add_metric([status], n)
    yield family
    unfinished = warehouse.query(
        "select destination, count(*), min(requested_at) from gdpr_requests "
        "where coalesce(status, '') <> 'finished' group by 1 order by 1"
    )
    open_ = GaugeMetricFamily(
        "bizdev_gdpr_requests_open",
        "GDPR requests not finished, by destination",
        labels=["destination"],
    )
    oldest = GaugeMetricFamily(
        "bizdev_gdpr_oldest_open_request_age_seconds",
        "Age of the oldest unfinished GDPR request, by destination",
        labels=["destination"],
    )
    counts = bounded((d, n) for d, n, _ in unfinished.iter_rows())
    for destination, n in counts.items():
        open_.add_metric([destination], n)
    for destination, _, requested_at in unfinished.iter_rows():
        started = epoch_seconds(requested_at)
        if started is not None and destination in counts:
            oldest.add_metric([destination], max(0.0, now.timestamp() - started))
    yield open_
    yield oldest
