import string

import polars as pl
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from bizdev_assets.normalize.emails import email_columns, normalize_email

local_chars = st.text(
    alphabet=string.ascii_lowercase + string.digits + "._+-", min_size=1, max_size=20
)
domains = st.sampled_from(["gmail.com", "googlemail.com", "acme.de", "example.co.uk", "web.de"])


def test_gmail_dots_and_plus_tags_share_a_match_key():
    assert normalize_email("a.b+x@gmail.com")["email_match_key"] == "ab@gmail.com"
    assert normalize_email("AB@googlemail.com")["email_match_key"] == "ab@gmail.com"


def test_other_domains_keep_dots_but_drop_plus_tags():
    assert normalize_email("a.b+news@acme.de")["email_match_key"] == "a.b@acme.de"


def test_mailto_angle_brackets_and_case_are_cleaned():
    out = normalize_email("Bob Smith <MAILTO:Bob.Smith@Acme.COM>;")
    assert out["email"] == "bob.smith@acme.com"
    assert (out["email_local"], out["email_domain"]) == ("bob.smith", "acme.com")


def test_invalid_address_is_nulled_flagged_and_explained():
    out = normalize_email("bob@@x")
    assert out["email"] is None and out["email_valid"] is False
    assert out["email_note"].startswith("email: 'bob@@x' is not a valid address")


def test_missing_email_has_null_validity():
    assert normalize_email(None)["email_valid"] is None


def test_free_disposable_and_role_flags():
    assert normalize_email("x@gmx.de")["is_free_email"] is True
    assert normalize_email("x@mailinator.com")["is_disposable_email"] is True
    assert normalize_email("info@acme.de")["is_role_email"] is True
    assert normalize_email("no-reply+x@acme.de")["is_role_email"] is True
    assert normalize_email("jane@acme.de")["is_free_email"] is False


def test_special_use_domains_are_rejected():
    assert normalize_email("a@host.test")["email_valid"] is False


def test_international_local_parts_are_accepted():
    assert normalize_email("Jürgen.Müller@Firma.de")["email"] == "jürgen.müller@firma.de"


@given(st.text(max_size=30))
@settings(max_examples=300)
def test_the_fast_path_agrees_with_email_validator(text):
    candidates = [text, text + "@acme.de", "a" + text + "@ex" + text + ".com"]
    out = email_columns(pl.Series(candidates, dtype=pl.String)).get_column("email").to_list()
    for value, got in zip(candidates, out, strict=True):
        cleaned = value.lower().strip(" \"'`;,")
        if cleaned.startswith("mailto:") or "<" in value or cleaned != value.lower():
            continue  # cleaning changes the value; covered elsewhere
        try:
            expected = validate_email(cleaned, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            expected = None
        assert got == expected, value


@given(local_chars, domains)
def test_normalizing_is_idempotent(local, domain):
    first = normalize_email(f"{local}@{domain}")
    if first["email"] is not None:
        again = normalize_email(first["email"])
        assert again["email"] == first["email"]
        assert again["email_match_key"] == first["email_match_key"]


@given(local_chars, domains)
def test_valid_addresses_round_trip_lowercased(local, domain):
    address = f"{local}@{domain}".upper()
    out = normalize_email(address)
    if out["email"] is not None:
        assert out["email"] == address.lower()
