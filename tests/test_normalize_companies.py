import polars as pl
import pytest

from bizdev_assets.normalize.companies import company_key, display_company, website_columns


@pytest.mark.parametrize(
    "name", ["Acme GmbH", "ACME", "Acme Gesellschaft mbH", "acme ag", "The Acme Company"]
)
def test_legal_forms_and_case_share_one_company_key(name):
    assert company_key(name) == "acme"


@pytest.mark.parametrize("name", ["Globex Inc.", "Globex, Inc", "Globex Corporation", "GLOBEX LLC"])
def test_us_legal_forms_share_one_company_key(name):
    assert company_key(name) == "globex"


def test_multi_word_legal_forms_are_removed():
    assert company_key("Müller Bau GmbH & Co. KG") == "muller bau"
    assert company_key("Société Générale S.A.") == "societe generale"
    assert company_key("Møller-Maersk A/S") == "moller maersk"


def test_ampersand_and_and_match():
    assert company_key("Johnson & Johnson") == company_key("Johnson and Johnson")


def test_a_bare_legal_form_is_not_emptied():
    assert company_key("AG") == "ag"


def test_display_name_is_case_fixed_only_when_shouted_or_lowercase():
    assert display_company("ACME GMBH & CO. KG") == "Acme GmbH & Co. KG"
    assert display_company("IBM") == "IBM"
    assert display_company("eBay Inc.") == "eBay Inc."


def test_websites_become_https_host_and_registered_domain():
    out = website_columns(
        pl.Series(["HTTP://WWW.Shop.Acme.co.uk/about?x=1", "info@globex.de", "nope", None])
    )
    assert out.row(0) == ("https://shop.acme.co.uk", "acme.co.uk", None)
    assert out.row(1)[:2] == ("https://globex.de", "globex.de")
    assert out.row(2)[0] is None and out.row(2)[2].startswith("website: 'nope'")
    assert out.row(3) == (None, None, None)
