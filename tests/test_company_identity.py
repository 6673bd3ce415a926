"""A company is its registrable domain, read the same from every form a contact writes it
in; mailbox providers are never a company; without a domain the name key identifies it."""

from __future__ import annotations

import polars as pl
import pytest

from bizdev_assets.company_identity import (
    company_domain,
    company_id_for_domain,
    company_id_for_key,
    company_ids,
    read_domain,
)


@pytest.mark.parametrize(
    "written",
    [
        "acme.co.uk",
        "ACME.CO.UK.",
        "https://www.Mail.ACME.co.uk./about?x=1#top",
        "acme.co.uk/contact",
        "acme.co.uk:8443",
        "jo@acme.co.uk",
    ],
)
def test_every_form_of_a_domain_reads_as_its_registrable_domain(written):
    assert read_domain(written).domain == "acme.co.uk"


def test_unicode_and_punycode_forms_of_an_idn_are_one_domain():
    unicode, punycode = read_domain("Bücher.de."), read_domain("xn--bcher-kva.de")
    assert unicode.domain == punycode.domain == "xn--bcher-kva.de"
    assert unicode.unicode == "bücher.de"


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("localhost", "not a host name"),
        ("10.0.0.1", "IP address"),
        ("a..b", "not a valid domain name"),
        ("xn--zz.com", "not a valid domain name"),
        ("-bad-.com", "not a valid domain name"),
        ("", "empty"),
    ],
)
def test_what_is_not_a_domain_says_why(written, problem):
    reading = read_domain(written)
    assert reading.domain is None and problem in reading.problem


def test_free_mail_and_disposable_domains_are_never_a_company():
    assert company_domain(None, "gmail.com") == (None, "email: gmail.com is free-mail")
    assert company_domain(None, "mailinator.com")[0] is None
    assert company_domain("gmail.com", "acme.com") == ("acme.com", "email")


def test_the_website_wins_over_the_email_domain():
    assert company_domain("globex.com", "mail.acme.com") == ("globex.com", "website")


def test_company_id_comes_from_the_domain_else_from_the_name_key():
    frame = pl.DataFrame(
        {
            "website_domain": ["bücher.de", None, None, None],
            "email_domain": [None, "xn--bcher-kva.de", "gmail.com", None],
            "company_key": ["buecher", "buecher verlag", "acme", None],
        }
    )
    ids = company_ids(frame).to_list()
    assert ids[0] == ids[1] == company_id_for_domain("xn--bcher-kva.de")
    assert ids[2] == company_id_for_key("acme")
    assert ids[3] is None
