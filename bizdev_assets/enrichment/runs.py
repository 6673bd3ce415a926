"""One enrichment run of companies or people: steps from the `enrichment` resource, the
ledger over the warehouse and landing zone, the waterfall, the table it yields, and the
line per provider. The assets call these; so do the benchmark and the tests that move the
clock to the next day (`now`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from bizdev_assets.enrichment.columns import DOMAINS_TABLE
from bizdev_assets.enrichment.ledger import WarehouseLedger
from bizdev_assets.enrichment.offline import company_records, person_records
from bizdev_assets.enrichment.people import people_to_look_up, person_queries
from bizdev_assets.enrichment.providers import build_steps, ledger_options, provider_lines
from bizdev_assets.enrichment.results import company_enrichment_frame, person_enrichment_frame
from bizdev_assets.enrichment.waterfall import COMPANY, PERSON, run_waterfall
from resources.enrichment import EnrichmentProviders, Query
from resources.landing import LandingZone
from resources.warehouse import Warehouse


@dataclass
class EnrichmentRun:
    frame: pl.DataFrame
    ledger: WarehouseLedger
    lines: dict[str, str]  # provider -> what it did, in words
    not_allowed: int = 0  # people: contacts `may_enrich_person` refused

    @property
    def cache_hit_ratio(self) -> float | None:
        """Paid lookups answered from the cache / all paid lookups answered (ADR SLI)."""
        paid = [t for p, t in self.ledger.tallies.items() if p in self.ledger.budgets]
        cached = sum(t.cache_hits for t in paid)
        answered = cached + sum(t.hits + t.misses + t.mismatches for t in paid)
        return round(cached / answered, 4) if answered else None


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _naive(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now


def enrich_companies(
    warehouse: Warehouse,
    landing: LandingZone,
    enrichment: EnrichmentProviders,
    *,
    run_id: str,
    now: datetime,
) -> EnrichmentRun:
    """Every enrichable row of `company_domains` through the waterfall."""
    domains = warehouse.read_table(DOMAINS_TABLE).filter(pl.col("enrichable"))
    steps, clients = build_steps(enrichment, company_records(domains))
    ledger = WarehouseLedger(
        warehouse, landing, COMPANY, **ledger_options(enrichment, "company"), run_id=run_id, now=now
    )
    try:
        queries = [Query(domain) for domain in domains["domain"]]
        result = run_waterfall(COMPANY, queries, steps, ledger, _stamp)
    finally:
        for client in clients:
            client.close()
    frame = company_enrichment_frame(domains, result, _naive(now))
    return EnrichmentRun(frame, ledger, provider_lines(enrichment, ledger.tallies, "domains"))


def enrich_people(
    warehouse: Warehouse,
    landing: LandingZone,
    enrichment: EnrichmentProviders,
    golden: pl.DataFrame,
    *,
    run_id: str,
    now: datetime,
) -> EnrichmentRun:
    """The golden contacts `may_enrich_person` allows through the waterfall."""
    people, not_allowed = people_to_look_up(golden)
    steps, clients = build_steps(enrichment, person_records(people))
    ledger = WarehouseLedger(
        warehouse, landing, PERSON, **ledger_options(enrichment, "person"), run_id=run_id, now=now
    )
    try:
        result = run_waterfall(PERSON, person_queries(people), steps, ledger, _stamp)
    finally:
        for client in clients:
            client.close()
    frame = person_enrichment_frame(people, result, _naive(now))
    lines = provider_lines(enrichment, ledger.tallies, "people")
    return EnrichmentRun(frame, ledger, lines, not_allowed)
