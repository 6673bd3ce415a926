import polars as pl
import pytest

from bizdev_assets.normalize.geography import country_code, country_columns


@pytest.mark.parametrize(
    ("text", "iso2"),
    [
        ("US", "US"), ("USA", "US"), ("U.S.A.", "US"), ("GB", "GB"), ("UK", "GB"),
        ("Deutschland", "DE"), ("Österreich", "AT"), ("Schweiz", "CH"), ("Allemagne", "DE"),
        ("Royaume-Uni", "GB"), ("España", "ES"), ("Alemania", "DE"), ("Estados Unidos", "US"),
        ("Frankreich", "FR"), ("Francia", "FR"), ("germany", "DE"), ("DEU", "DE"),
        ("The Netherlands", "NL"), ("Korea, Republic of", "KR"),
    ],
)  # fmt: skip
def test_codes_and_names_in_several_languages_map_to_iso2(text, iso2):
    assert country_code(text) == iso2


def test_unknown_country_is_null_with_a_note():
    out = country_columns(pl.Series(["Narnia", None]))
    assert out.row(0) == (None, "country: 'Narnia' is not a known country")
    assert out.row(1) == (None, None)
