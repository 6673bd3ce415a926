"""Second e-mails and phones, LinkedIn profiles and birth dates kept in `attributes` are
pulled out into columns the match model compares."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from bizdev_assets.normalize.contact_points import contact_point_columns


def points(attributes: list[dict | None], email=None, phone=None, mobile=None, region="DE"):
    n = len(attributes)
    return contact_point_columns(
        pl.Series([json.dumps(a, ensure_ascii=False) if a else None for a in attributes]),
        pl.Series(email or [None] * n, dtype=pl.String),
        pl.DataFrame(
            {"phone": phone or [None] * n, "mobile": mobile or [None] * n},
            schema={"phone": pl.String, "mobile": pl.String},
        ),
        pl.Series([region] * n),
    ).rows(named=True)


def test_a_second_address_under_any_header_is_found_by_what_it_is():
    rows = points(
        [{"Private E-Mail": "Hans.M@GMX.de"}, {"Kontakt 2": "a@b.com", "Email 2": "c@d.org"}],
        email=[None, "a@b.com"],
    )
    assert rows[0]["other_email"] == "hans.m@gmx.de"
    assert rows[1]["other_email"] == "c@d.org"  # a@b.com is the record's own address


def test_a_second_number_needs_a_phone_header_and_differs_from_the_record_own():
    rows = points(
        [{"Mobile 2": "0151 2345678"}, {"Handy": "0151 2345678"}, {"Kundennummer": "0151 2345678"}],
        mobile=[None, "+491512345678", None],
    )
    assert [row["other_phone"] for row in rows] == ["+491512345678", None, None]


def test_linkedin_profiles_and_birth_dates_are_read_as_the_file_writes_them():
    rows = points(
        [
            {
                "LinkedIn URL": "https://de.linkedin.com/in/Hans-M-1a2b/?trk=x",
                "Geburtsdatum": "09.04.1998",
            },
            {"linkedin": "linkedin.com/in/hans-m-1a2b", "Birthdate": "1998-04-09"},
            {"Fecha de nacimiento": "no sabe"},
        ]
    )
    assert rows[0]["linkedin"] == rows[1]["linkedin"] == "linkedin.com/in/hans-m-1a2b"
    assert rows[0]["birth_date"] == rows[1]["birth_date"] == dt.date(1998, 4, 9)
    assert rows[2]["birth_date"] is None
