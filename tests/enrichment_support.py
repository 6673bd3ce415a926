"""Golden contacts for enrichment tests, written straight into a real warehouse, and the
`enrichment` resource pointed at the session's local Apollo and PDL servers.

`golden_contacts(n, company_domains, free_mail)` spreads n contacts over company domains
(`co<k>.example.com` style names on real public suffixes) and free-mail domains, so the
issue's scenario (1,000 contacts over 120 domains, 30 of them free-mail) is
`golden_contacts(1000, 90, 30)`.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import polars as pl

from bizdev_assets.company_identity import company_ids
from bizdev_assets.enrichment.columns import DOMAINS_TABLE
from bizdev_assets.enrichment.domains import build_company_domains
from bizdev_assets.golden.columns import GOLDEN_COLUMNS, GOLDEN_TABLE
from bizdev_assets.normalize.emails import free_email_domains
from resources.enrichment import EnrichmentProviders
from resources.landing import LocalLanding
from resources.warehouse import DuckDBWarehouse, Warehouse

SUFFIXES = ("com", "de", "co.uk", "fr", "io", "nl")
FREE_MAIL = sorted(d for d in free_email_domains() if d.count(".") == 1)
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def company_domain_names(n: int) -> list[str]:
    return [f"northwind{k}.{SUFFIXES[k % len(SUFFIXES)]}" for k in range(n)]


def golden_contacts(
    n: int, company_domains: int, free_mail: int, consent_every: int = 2
) -> pl.DataFrame:
    """n golden contacts over `company_domains` company domains and `free_mail` free-mail
    domains (round robin); every `consent_every`-th contact consented."""
    companies = company_domain_names(company_domains)
    domains = companies + FREE_MAIL[:free_mail]
    rows = []
    for i in range(n):
        k = i % len(domains)
        domain, is_company = domains[k], k < company_domains
        company = f"Northwind {k} GmbH" if is_company else None
        rows.append(
            {
                "contact_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"test:{i}")),
                "cluster_id": f"c{i}",
                "email": f"person{i}@{domain}",
                "email_domain": domain,
                "email_valid": True,
                "is_free_email": not is_company,
                "is_role_email": False,
                "is_disposable_email": False,
                "first_name": f"First{i}",
                "last_name": f"Last{i}",
                "full_name": f"First{i} Last{i}",
                "company": company,
                "website_domain": domain if is_company and i % 3 == 0 else None,
                "title": "Head of Sales" if i % 4 == 0 else None,
                "seniority": "director" if i % 4 == 0 else None,
                "department": "sales",
                "country": "DE",
                "gdpr_consent": i % consent_every == 0,
                "consent_source": "webform" if i % consent_every == 0 else None,
                "record_count": 1,
            }
        )
    frame = pl.DataFrame(rows).with_columns(
        company_key=pl.col("company").str.to_lowercase().str.replace(" gmbh", "")
    )
    frame = frame.with_columns(company_id=company_ids(frame))
    return frame.select(
        [
            pl.col(c).cast(t) if c in frame.columns else pl.lit(None, dtype=t).alias(c)
            for c, t in GOLDEN_COLUMNS.items()
        ]
    )


def write_golden(warehouse: Warehouse, golden: pl.DataFrame) -> pl.DataFrame:
    """Write golden contacts and the company_domains built from them; returns the domains."""
    warehouse.replace_table(GOLDEN_TABLE, golden)
    domains = build_company_domains(golden)
    warehouse.replace_table(DOMAINS_TABLE, domains)
    return domains


def enrichable(domains: pl.DataFrame) -> list[str]:
    return domains.filter(pl.col("enrichable"))["domain"].to_list()


def providers(
    order: Sequence[str], apollo=None, pdl=None, credits: float = 1_000.0, **options
) -> EnrichmentProviders:
    """The `enrichment` resource for `order`, with keys and base URLs of the local servers
    (`options` override any of them)."""
    values = {
        "order": list(order),
        "apollo_api_key": apollo.api_key if apollo else None,
        "apollo_api_base": apollo.url if apollo else "http://127.0.0.1:9",
        "pdl_api_key": pdl.api_key if pdl else None,
        "pdl_api_base": pdl.url if pdl else "http://127.0.0.1:9",
        "default_daily_credits": credits,
        "backoff_seconds": 0.001,
        "timeout_seconds": 2.0,
        "allow_insecure_http": True,  # the local servers speak plain HTTP
    }
    return EnrichmentProviders(**{**values, **options})


def embedded(tmp_path: Path) -> tuple[DuckDBWarehouse, LocalLanding]:
    return DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb")), LocalLanding(
        root=str(tmp_path / "landing")
    )


@cache
def _template(n: int, company_domains: int, free_mail: int) -> Path:
    """A warehouse file holding the scenario's golden contacts and domains, written once
    per session and copied by each test (writing it costs more than copying it)."""
    folder = Path(tempfile.mkdtemp(prefix="bizdev-enrichment-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    warehouse = DuckDBWarehouse(path=str(folder / "warehouse.duckdb"))
    write_golden(warehouse, golden_contacts(n, company_domains, free_mail))
    return folder / "warehouse.duckdb"


def scenario(
    tmp_path: Path, n: int = 1000, company_domains: int = 90, free_mail: int = 30
) -> tuple[DuckDBWarehouse, LocalLanding, list[str]]:
    """A fresh warehouse with the scenario written in, a landing folder, the company domains."""
    shutil.copy(_template(n, company_domains, free_mail), tmp_path / "warehouse.duckdb")
    warehouse, landing = embedded(tmp_path)
    return warehouse, landing, company_domain_names(company_domains)
