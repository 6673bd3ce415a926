"""`company_domains`: one row per registrable domain of the golden contacts, with what the
contacts say about it; only company domains are enrichable."""

from __future__ import annotations

import polars as pl

from bizdev_assets.enrichment.domains import build_company_domains
from tests.enrichment_support import golden_contacts


def golden(**columns) -> pl.DataFrame:
    base = golden_contacts(len(next(iter(columns.values()))), 1, 0)
    base = base.with_columns(website_domain=pl.lit(None, dtype=pl.String))
    return base.with_columns(**{k: pl.Series(v, dtype=pl.String) for k, v in columns.items()})


def by_domain(frame: pl.DataFrame) -> dict[str, dict]:
    return {row["domain"]: row for row in frame.iter_rows(named=True)}


def test_the_issue_scenario_has_90_company_and_30_free_mail_domains():
    domains = build_company_domains(golden_contacts(1000, 90, 30))
    kinds = dict(domains.group_by("kind").len().iter_rows())
    assert (domains.height, kinds) == (120, {"company": 90, "free_mail": 30})
    assert domains["contact_count"].sum() == 1000
    assert domains.filter(pl.col("enrichable"))["kind"].unique().to_list() == ["company"]


def test_contacts_of_one_company_count_once_whatever_form_their_domain_has():
    rows = by_domain(
        build_company_domains(
            golden(
                website_domain=["bücher.de", None, None, "localhost"],
                email_domain=["x.com", "xn--bcher-kva.de", "mailinator.com", None],
                company=["Bücher GmbH", "Bücher GmbH", None, None],
            )
        )
    )
    buecher = rows["xn--bcher-kva.de"]
    assert (buecher["domain_unicode"], buecher["contact_count"]) == ("bücher.de", 2)
    assert (buecher["website_contacts"], buecher["email_contacts"]) == (1, 1)
    assert rows["mailinator.com"]["kind"] == "disposable"
    assert rows["localhost"]["kind"] == "invalid"
    assert "not a host name" in rows["localhost"]["note"]
    assert not rows["localhost"]["enrichable"] and rows["localhost"]["company_id"] is None


def test_names_are_ranked_by_how_many_contacts_give_them():
    row = build_company_domains(
        golden(
            email_domain=["acme.com"] * 4,
            company=["Acme Inc", "Acme", "Acme", None],
            department=["sales", "sales", "it", "unknown"],
        )
    ).row(0, named=True)
    assert row["company_names"] == ["Acme", "Acme Inc"]
    assert row["departments"] == ["sales", "it"]


def test_role_addresses_still_name_their_company():
    contacts = golden(email_domain=["acme.com"], company=["Acme"]).with_columns(
        is_role_email=pl.lit(True)
    )
    assert build_company_domains(contacts)["kind"].to_list() == ["company"]
