"""Benchmark: company enrichment of 100k golden contacts over 20k domains.

    .venv/bin/python bench/enrichment.py [--contacts 100000] [--domains 20000] [--raw]

Against the test suite's local Apollo and PDL servers (run in this process, so their
request handling shares the 2 cores with the client), on a DuckDB warehouse:
  1. company_domains from the golden contacts (99.5% company domains, 0.5% free-mail),
  2. first run of the waterfall apollo -> pdl -> offline (Apollo knows 80% of the company
     domains, PDL half of the rest): every lookup a call,
  3. the same run again, cache warm: no call, no credit,
  4. with --raw, the dlt load of the archived responses into `enrichment_raw`.
It prints time, HTTP calls per provider, credits and peak RSS per step as it goes, then
the steps as a markdown table and one JSON line per step. The golden contacts are
synthetic rows written straight into the warehouse: this measures enrichment, not the
contact pipeline.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dlt import DagsterDltResource

from bench.harness import Stopwatch, peak_rss_mb, print_table
from bizdev_assets.enrichment.raw_layer import enrichment_raw
from bizdev_assets.enrichment.runs import enrich_companies
from tests.enrichment_support import (
    company_domain_names,
    embedded,
    golden_contacts,
    providers,
    write_golden,
)
from tests.servers.apollo import ApolloServer
from tests.servers.pdl import PdlServer

COLUMNS = {
    "step": "{step}",
    "time": "{time_s:.1f} s",
    "Apollo calls": "{apollo_calls:,}",
    "PDL calls": "{pdl_calls:,}",
    "credits": "{credits:,.0f}",
    "cache hit ratio": "{cache_hit_ratio}",
    "peak RSS": "{peak_rss_mb:,} MB",
}


def step(label: str, servers: tuple, action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one step, print its line at once, return its figures."""
    apollo, pdl = servers
    before = (len(apollo.requests), len(pdl.requests), apollo.credits + pdl.credits)
    watch = Stopwatch()
    figures = action()
    row = {
        "step": label,
        "time_s": round(watch.seconds, 1),
        "apollo_calls": len(apollo.requests) - before[0],
        "pdl_calls": len(pdl.requests) - before[1],
        "credits": apollo.credits + pdl.credits - before[2],
        "cache_hit_ratio": "",
        **figures,
        "peak_rss_mb": peak_rss_mb(),
    }
    print(
        f"  {label:<32} {row['time_s']:7.1f} s  Apollo {row['apollo_calls']:6,} calls  "
        f"PDL {row['pdl_calls']:6,} calls  {row['credits']:8,.0f} credits  "
        f"peak RSS {row['peak_rss_mb']:,} MB",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--domains", type=int, default=20_000)
    parser.add_argument("--raw", action="store_true", help="also load the raw layer with dlt")
    args = parser.parse_args()
    free_mail = max(1, args.domains // 200)
    companies = company_domain_names(args.domains - free_mail)
    apollo, pdl = ApolloServer(), PdlServer()
    servers = (apollo, pdl)
    for i, domain in enumerate(companies):
        if i % 5:
            apollo.seed_organization(domain)
        elif i % 10 == 0:
            pdl.seed_company(domain)
    enrichment = providers(["apollo", "pdl", "offline"], apollo, pdl, credits=1e9)
    print(
        f"{args.contacts:,} golden contacts over {args.domains:,} domains ({free_mail:,} free-mail)"
    )
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        warehouse, landing = embedded(Path(folder))

        def domains() -> dict[str, Any]:
            write_golden(warehouse, golden_contacts(args.contacts, len(companies), free_mail))
            return {}

        def enrich(run_id: str) -> Callable[[], dict[str, Any]]:
            def run() -> dict[str, Any]:
                result = enrich_companies(
                    warehouse, landing, enrichment, run_id=run_id, now=datetime.now(UTC)
                )
                return {"cache_hit_ratio": result.cache_hit_ratio}

            return run

        def raw() -> dict[str, Any]:
            resources = {
                "warehouse": warehouse,
                "landing": landing,
                "dlt_raw": DagsterDltResource(),
            }
            dg.materialize([enrichment_raw], resources=resources)
            return {}

        try:
            rows.append(step("golden contacts + company_domains", servers, domains))
            rows.append(step("first run (every lookup a call)", servers, enrich("first")))
            rows.append(step("re-run, cache warm", servers, enrich("again")))
            if args.raw:
                rows.append(step("raw layer (dlt) load", servers, raw))
        finally:
            apollo.close()
            pdl.close()
    print()
    print_table(rows, COLUMNS)


if __name__ == "__main__":
    main()
