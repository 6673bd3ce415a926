"""Postal addresses as match keys: one address written the ways different files write
it gets one key; the house number and postal code survive formatting."""

from __future__ import annotations

import polars as pl
import pytest

from bizdev_assets.normalize.addresses import address_key_columns, postal_key, street_parts


@pytest.mark.parametrize(
    "written",
    [
        ("Hauptstraße 12a", "Hauptstr. 12 a", "HAUPTSTRASSE 12A"),
        ("12 Main Street", "12 Main St", "12 main st."),
        ("Calle Mayor, 5, 2º A", "C/ Mayor 5", "Calle Mayor 5"),
        ("ul. Hutnicza 10b/32", "ulica Hutnicza 10 b/32"),
        ("Rua Isaac Fonseca, 59 - apto 11", "R. Isaac Fonseca 59"),
        ("18 rue Martins", "18 r. Martins", "18 bis rue Martins"),
        ("Via Roman 22", "V. Roman, 22"),
        ("Kerkstraat 4", "Kerkstr. 4"),
        ("90 Arnold Drive, Suite 120", "90 Arnold Dr"),
    ],
)
def test_one_street_address_written_differently_gets_one_key(written):
    assert len({street_parts(line) for line in written}) == 1, [street_parts(w) for w in written]


def test_the_house_number_keeps_its_letter_and_loses_the_flat():
    assert street_parts("Hauptstraße 12 a") == ("haupt", "12a")
    assert street_parts("ul. Hutnicza 10b/32") == ("hutnicza", "10b")
    assert street_parts("18 r. Martins") == ("martins", "18")


@pytest.mark.parametrize(
    ("codes", "key"),
    [
        (("80331", "D-80331"), "80331"),
        (("SW1A 1AA", "sw1a1aa"), "SW1A1AA"),
        (("02026", "2026"), "2026"),
        (("94105-1234", "94105"), "94105"),
        (("03-154", "03154"), "3154"),
    ],
)
def test_one_postal_code_written_differently_gets_one_key(codes, key):
    assert {postal_key(code) for code in codes} == {key}


def test_address_keys_are_null_where_nothing_identifies_a_place():
    keys = address_key_columns(
        pl.Series(["Calle 5", None, "Street"]), pl.Series([None, "12345", "  "])
    )
    # A numbered street ("Calle 5") keeps only its number: the type word names nothing.
    assert keys.rows() == [(None, "5", None), (None, None, "12345"), (None, None, None)]
