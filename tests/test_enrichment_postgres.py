"""Enrichment on the production warehouse: the ADR-013 `enrichment_cache` as the
migrations made it, costs, the analysts' view, and the dlt raw layer in the same PostgreSQL
database."""

from __future__ import annotations

import dagster as dg
import polars as pl
from dagster_dlt import DagsterDltResource

from bizdev_assets.enrichment.assets import CONTACTS_VIEW_SQL
from bizdev_assets.enrichment.columns import PERSON_COLUMNS
from bizdev_assets.enrichment.raw_layer import enrichment_raw
from bizdev_assets.enrichment.runs import enrich_companies
from resources.landing import LocalLanding
from resources.warehouse import PostgresWarehouse
from tests.enrichment_support import NOW, golden_contacts, providers, write_golden


def test_cache_costs_and_raw_layer_live_in_the_postgres_warehouse(postgres_url, tmp_path, apollo):
    warehouse = PostgresWarehouse(url=postgres_url)
    warehouse.migrate()
    landing = LocalLanding(root=str(tmp_path / "landing"))
    domains = write_golden(warehouse, golden_contacts(200, 20, 4))
    for domain in domains.filter(domains["enrichable"])["domain"][:15]:
        apollo.seed_organization(domain)
    enrichment = providers(["apollo", "offline"], apollo)

    first = enrich_companies(warehouse, landing, enrichment, run_id="run-1", now=NOW)
    second = enrich_companies(warehouse, landing, enrichment, run_id="run-2", now=NOW)
    warehouse.replace_table("company_enrichment", second.frame)
    warehouse.replace_table("person_enrichment", pl.DataFrame(schema=PERSON_COLUMNS))
    warehouse.query(CONTACTS_VIEW_SQL)
    loaded = dg.materialize(
        [enrichment_raw],
        resources={"warehouse": warehouse, "landing": landing, "dlt_raw": DagsterDltResource()},
    )

    cache = warehouse.query(
        "select source, count(*) as n, count(distinct id) as ids, min(expires_at) > now() as live "
        "from enrichment_cache group by source"
    )
    assert cache.rows() == [("apollo:company", 20, 20, True)]
    assert (first.cache_hit_ratio, second.cache_hit_ratio, len(apollo.requests)) == (0.0, 1.0, 2)
    costs = warehouse.query("select credits, cache_hits from enrichment_costs").row(0)
    assert costs == (15.0, 20)
    assert loaded.success
    assert warehouse.query("select count(*) from enrichment_raw.apollo_responses").item() == 2
    enriched = warehouse.query("select count(industry) as n from contacts_enriched").item()
    assert enriched == 15 * 200 // 24  # contacts of the 15 domains Apollo knows
