"""Countries to ISO 3166-1 alpha-2: codes, English names (pycountry) and the German,
French and Spanish names that turn up in European CRM exports."""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl
import pycountry

from bizdev_assets.normalize.text import ascii_fold, map_unique, quote_expr

# Keys are written as `_lookup_key` leaves them: folded, lowercase, letters and spaces.
_ALIASES: dict[str, str] = {
    # English variants pycountry does not know
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "us of a": "US",
    "america": "US",
    "united states of america": "US",
    "holland": "NL",
    "the netherlands": "NL",
    "czech republic": "CZ",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "iran": "IR",
    "vietnam": "VN",
    "taiwan": "TW",
    "turkey": "TR",
    "ivory coast": "CI",
    "uae": "AE",
    "emirates": "AE",
    "macedonia": "MK",
    "moldova": "MD",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "syria": "SY",
    "laos": "LA",
    "vatican": "VA",
    "hong kong sar": "HK",
    "kosovo": "XK",
    # German
    "deutschland": "DE",
    "brd": "DE",
    "osterreich": "AT",
    "oesterreich": "AT",
    "schweiz": "CH",
    "frankreich": "FR",
    "spanien": "ES",
    "italien": "IT",
    "niederlande": "NL",
    "belgien": "BE",
    "luxemburg": "LU",
    "danemark": "DK",
    "schweden": "SE",
    "norwegen": "NO",
    "finnland": "FI",
    "polen": "PL",
    "tschechien": "CZ",
    "ungarn": "HU",
    "griechenland": "GR",
    "irland": "IE",
    "grossbritannien": "GB",
    "vereinigtes konigreich": "GB",
    "vereinigte staaten": "US",
    "vereinigte staaten von amerika": "US",
    "kanada": "CA",
    "mexiko": "MX",
    "brasilien": "BR",
    "russland": "RU",
    "turkei": "TR",
    "indien": "IN",
    "japan": "JP",
    "china": "CN",
    "sudafrika": "ZA",
    "australien": "AU",
    "neuseeland": "NZ",
    "rumanien": "RO",
    "kroatien": "HR",
    "slowakei": "SK",
    "slowenien": "SI",
    # French
    "allemagne": "DE",
    "autriche": "AT",
    "suisse": "CH",
    "espagne": "ES",
    "italie": "IT",
    "pays bas": "NL",
    "belgique": "BE",
    "suede": "SE",
    "norvege": "NO",
    "finlande": "FI",
    "pologne": "PL",
    "tchequie": "CZ",
    "hongrie": "HU",
    "grece": "GR",
    "irlande": "IE",
    "royaume uni": "GB",
    "angleterre": "GB",
    "grande bretagne": "GB",
    "etats unis": "US",
    "etats unis d amerique": "US",
    "canada": "CA",
    "mexique": "MX",
    "bresil": "BR",
    "russie": "RU",
    "turquie": "TR",
    "inde": "IN",
    "japon": "JP",
    "chine": "CN",
    "afrique du sud": "ZA",
    "australie": "AU",
    "maroc": "MA",
    "algerie": "DZ",
    "tunisie": "TN",
    # Spanish
    "espana": "ES",
    "alemania": "DE",
    "suiza": "CH",
    "francia": "FR",
    "italia": "IT",
    "paises bajos": "NL",
    "belgica": "BE",
    "dinamarca": "DK",
    "suecia": "SE",
    "noruega": "NO",
    "finlandia": "FI",
    "polonia": "PL",
    "chequia": "CZ",
    "hungria": "HU",
    "grecia": "GR",
    "irlanda": "IE",
    "reino unido": "GB",
    "inglaterra": "GB",
    "gran bretana": "GB",
    "estados unidos": "US",
    "estados unidos de america": "US",
    "eeuu": "US",
    "ee uu": "US",
    "mexico": "MX",
    "brasil": "BR",
    "rusia": "RU",
    "turquia": "TR",
    "sudafrica": "ZA",
    "nueva zelanda": "NZ",
    "peru": "PE",
}


def _lookup_key(value: str) -> str:
    folded = ascii_fold(value).lower().replace(".", " ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ "Deutschland" -> "DE", "UK" -> "GB", "usa" -> "US"; unknown -> None."""
    key = _lookup_key(value)
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    if len(key) == 2 and key.isalpha():
        found = pycountry.countries.get(alpha_2=key.upper())
        return found.alpha_2 if found else None
    try:
        return pycountry.countries.lookup(value.strip()).alpha_2
    except LookupError:
        pass
    try:
        return pycountry.countries.lookup(key).alpha_2
    except LookupError:
        return None


def country_columns(country: pl.Series) -> pl.DataFrame:
    """Cleaned country strings -> `country` (ISO2 or null) and `country_note`."""
    codes = map_unique(
        country.cast(pl.String), lambda v: (country_code(v),), {"country": pl.String()}
    )
    raw = country.cast(pl.String)
    return codes.with_columns(
        country_note=pl.when(raw.is_not_null() & pl.col("country").is_null()).then(
            pl.lit("country: ") + quote_expr(pl.lit(raw)) + pl.lit(" is not a known country")
        )
    )
