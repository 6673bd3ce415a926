from datetime import datetime

import polars as pl
import pytest

from bizdev_assets.normalize.consent import consent_columns, datetime_columns, parse_datetimes


@pytest.mark.parametrize(
    "text", ["yes", "TRUE", "1", "y", "ja", "oui", "sí", "si", "opt-in", "Opted In", "granted"]
)
def test_consent_words_in_several_languages_mean_consent(text):
    assert consent_columns(pl.Series([text])).row(0) == (True, None)


def test_no_and_empty_mean_no_consent_and_unknown_words_get_a_note():
    out = consent_columns(pl.Series(["no", None, "maybe"]))
    assert out.get_column("gdpr_consent").to_list() == [False, False, False]
    assert out.get_column("consent_note").to_list()[:2] == [None, None]
    assert "not understood" in out.get_column("consent_note")[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-14T10:22:33Z", datetime(2025, 3, 14, 10, 22, 33)),
        ("2025-03-14T10:22:33+02:00", datetime(2025, 3, 14, 8, 22, 33)),
        ("2025-03-14 10:22", datetime(2025, 3, 14, 10, 22)),
        ("2025-03-14", datetime(2025, 3, 14)),
        ("14.03.2025", datetime(2025, 3, 14)),
        ("14/03/2025", datetime(2025, 3, 14)),
        ("03/14/2025", datetime(2025, 3, 14)),
        ("1741947753000", datetime(2025, 3, 14, 10, 22, 33)),
        ("2025/03/14", datetime(2025, 3, 14)),
    ],
)
def test_date_formats_sources_use_are_parsed(text, expected):
    assert parse_datetimes(pl.Series([text])).item() == expected


def test_ambiguous_slash_dates_are_day_first_except_for_us_rows():
    values = pl.Series(["03/04/2025", "03/04/2025"])
    parsed = parse_datetimes(values, pl.Series([False, True])).to_list()
    assert parsed == [datetime(2025, 4, 3), datetime(2025, 3, 4)]


def test_unparseable_dates_are_null_with_a_note():
    out = datetime_columns(pl.Series(["someday", None]), "gdpr_consent_date")
    assert out.row(0) == (None, "gdpr_consent_date: 'someday' is not a date")
    assert out.row(1) == (None, None)
