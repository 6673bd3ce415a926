"""Postal addresses as match keys: the street's name, the house number, the postal code.

One address is written many ways: "Hauptstraße 12a" / "Hauptstr. 12 a", "12 Main Street"
/ "12 Main St", "Calle Mayor, 5, 2º A" / "C/ Mayor 5", "D-80331" / "80331", "02026" /
"2026" (a spreadsheet read the code as a number), "94105-1234" / "94105". The keys keep
what identifies the place and drop what only says how it was written:

- `street_key`: the street's own name words, lowercase and accent-folded, without the
  street-type word in any of its forms (street/st, Straße/Str., calle/C/, rue/r., via,
  ulica/ul., ...), flat, floor and suite parts, or single letters; a type glued to the
  name (Hauptstraße, Kerkstraat) is cut to one short form.
- `house_number`: the first number in the line, with a letter that follows it ("12a").
- `postal_key`: upper case, letters and digits only, no country prefix ("D-"), ZIP+4
  cut to the ZIP, leading zeros dropped.

Run once per distinct value (`map_unique`): addresses repeat across colleagues.
"""

from __future__ import annotations

import re

import polars as pl

from bizdev_assets.normalize.text import ascii_fold, map_unique

ADDRESS_KEY_COLUMNS: dict[str, pl.DataType] = {
    "street_key": pl.String(),
    "house_number": pl.String(),
    "postal_key": pl.String(),
}

# Street-type words and their abbreviations, in the languages of the files we see. A
# word here never identifies a street on its own, so it is left out of the key.
STREET_TYPES = frozenset(
    [
        "street",
        "st",
        "road",
        "rd",
        "avenue",
        "ave",
        "av",
        "lane",
        "ln",
        "drive",
        "dr",
        "court",
        "ct",
        "place",
        "pl",
        "boulevard",
        "blvd",
        "bd",
        "square",
        "sq",
        "way",
        "wy",
        "close",
        "cl",
        "terrace",
        "ter",
        "crescent",
        "cres",
        "highway",
        "hwy",
        "parkway",
        "pkwy",
        "strasse",
        "str",
        "platz",
        "allee",
        "al",
        "weg",
        "gasse",
        "ring",
        "damm",
        "ufer",
        "rue",
        "chemin",
        "ch",
        "impasse",
        "imp",
        "allee",
        "all",
        "quai",
        "route",
        "rte",
        "cours",
        "calle",
        "avenida",
        "avda",
        "plaza",
        "pza",
        "paseo",
        "ronda",
        "rda",
        "camino",
        "cmno",
        "pasaje",
        "pje",
        "carretera",
        "ctra",
        "glorieta",
        "gta",
        "travesia",
        "rua",
        "praca",
        "pc",
        "travessa",
        "tv",
        "alameda",
        "rodovia",
        "rod",
        "largo",
        "lgo",
        "via",
        "viale",
        "vle",
        "piazza",
        "corso",
        "cso",
        "vicolo",
        "vic",
        "piazzale",
        "ple",
        "ulica",
        "ul",
        "aleja",
        "plac",
        "osiedle",
        "os",
        "straat",
        "plein",
        "pln",
        "laan",
        "gracht",
        "kade",
    ]
)
# Words that introduce the flat, floor or suite: everything from them on is dropped.
UNIT_WORDS = frozenset(
    [
        "suite",
        "ste",
        "apt",
        "apto",
        "apartamento",
        "apartment",
        "flat",
        "floor",
        "piso",
        "planta",
        "etage",
        "stock",
        "lok",
        "lokal",
        "wohnung",
        "bloco",
        "sala",
    ]
)
# House-number suffixes (12 bis) and ordinal endings (2nd) left apart by tokenizing.
FILLER_WORDS = frozenset(["bis", "ter", "quater", "nd", "th"])
# A street type glued to the end of the name, cut to one form: Hauptstraße = Hauptstr.
_GLUED_TYPE = re.compile(r"(?<=[a-z]{3})(strasse|str|straat)$")
_TOKEN = re.compile(r"[a-z]+|\d+")
# The first number, with a letter that belongs to it ("12a", "12 a"; not "18 r. Martins").
_HOUSE_NUMBER = re.compile(r"(?<![a-z0-9])(\d+)(?:\s?([a-z])(?![a-z.]))?")
_FLAT_AFTER_SLASH = re.compile(r"(\d+\s?[a-z]?)\s*/\s*\d+\w*")


def street_parts(street: str) -> tuple[str | None, str | None]:
    """ "Hauptstraße 12 a" -> ("haupt", "12a"); (None, None) when nothing is left."""
    text = ascii_fold(street).lower()
    text = _FLAT_AFTER_SLASH.sub(r"\1", text)  # "10b/32": the flat follows the slash
    number = _HOUSE_NUMBER.search(text)
    words = []
    for token in _TOKEN.findall(text):
        if token in UNIT_WORDS:
            break
        if token.isdigit() or len(token) < 2 or token in STREET_TYPES | FILLER_WORDS:
            continue
        glued = _GLUED_TYPE.search(token)
        words.append(token[: glued.start()] if glued else token)
    house = number.group(1).lstrip("0") + (number.group(2) or "") if number else ""
    return (" ".join(words) or None), (house or None)


def postal_key(code: str) -> str | None:
    """ "D-80331" -> "80331", "sw1a 1aa" -> "SW1A1AA", "02026" -> "2026", "94105-1234" -> "94105"."""
    text = ascii_fold(code).upper().strip()
    text = re.sub(r"^[A-Z]{1,2}-(?=\d)", "", text)
    if re.fullmatch(r"\d{5}-\d{4}", text):
        text = text[:5]
    key = re.sub(r"[^A-Z0-9]", "", text)
    if key.isdigit():
        key = key.lstrip("0")
    return key or None


def address_key_columns(street: pl.Series, postal_code: pl.Series) -> pl.DataFrame:
    """Cleaned street lines and postal codes -> street_key, house_number, postal_key."""
    parts = map_unique(
        street.cast(pl.String),
        street_parts,
        {"street_key": pl.String(), "house_number": pl.String()},
    )
    codes = map_unique(
        postal_code.cast(pl.String), lambda v: (postal_key(v),), {"postal_key": pl.String()}
    )
    return parts.hstack(codes).cast(ADDRESS_KEY_COLUMNS)
