"""Postal addresses written the way each country writes them, and how they drift.

House number before the street in France and the English-speaking world, after it in
Germany, Italy, Spain and Poland, with floors, flats and suites where those countries
put them. `vary` makes the variants that the same address takes in another file:
Straße/Str., Calle/C/, postal code spacing and lost leading zeros, "12a"/"12 a".
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from .locales import Locale

_GB_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# (long form, short form) pairs; `vary` swaps whichever one the street contains.
ABBREVIATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "de": (("straße", "str."), ("Straße", "Str."), ("strasse", "str."), ("Platz", "Pl."),
           ("platz", "pl."), ("Allee", "Al.")),
    "fr": (("rue ", "r. "), ("avenue ", "av. "), ("boulevard ", "bd "), ("chemin ", "ch. "),
           ("place ", "pl. "), ("impasse ", "imp. "), ("allée ", "all. "), ("quai ", "q. ")),
    "es": (("Calle ", "C/ "), ("Avenida ", "Avda. "), ("Plaza ", "Pza. "), ("Paseo ", "Pº "),
           ("Ronda ", "Rda. "), ("Camino ", "Cmno. "), ("Pasaje ", "Pje. "),
           ("Carretera ", "Ctra. "), ("Glorieta ", "Gta. ")),
    "pt": (("Rua ", "R. "), ("Avenida ", "Av. "), ("Praça ", "Pç. "), ("Travessa ", "Tv. "),
           ("Alameda ", "Al. "), ("Rodovia ", "Rod. "), ("Largo ", "Lgo. ")),
    "it": (("Via ", "V. "), ("Viale ", "V.le "), ("Piazza ", "P.za "), ("Corso ", "C.so "),
           ("Vicolo ", "Vic. "), ("Largo ", "L.go "), ("Piazzale ", "P.le ")),
    "pl": (("ul. ", "ulica "), ("al. ", "aleja "), ("pl. ", "plac ")),
    "nl": (("straat", "str."), ("plein", "pln."), ("laan", "ln.")),
    "en": ((" Street", " St"), (" Road", " Rd"), (" Avenue", " Ave"), (" Lane", " Ln"),
           (" Drive", " Dr"), (" Court", " Ct"), (" Place", " Pl"), (" Boulevard", " Blvd"),
           (" Square", " Sq"), (" Way", " Wy"), (" Close", " Cl")),
}  # fmt: skip
EN_SUFFIXES = ("Street", "Street", "Road", "Road", "Avenue", "Lane", "Drive", "Way", "Court",
               "Place", "Close", "Boulevard", "Square")  # fmt: skip
GB_STREETS = ("High Street", "Station Road", "Church Lane", "Church Street", "Victoria Road",
              "Green Lane", "Manor Road", "Park Road", "Queen Street", "King Street")  # fmt: skip
US_STREETS = ("Main Street", "Oak Street", "Maple Avenue", "Park Avenue", "Elm Street",
              "Washington Street", "Lake Drive", "Broadway", "Market Street", "2nd Street")  # fmt: skip


@lru_cache(maxsize=16)
def _template(pattern: str) -> tuple[str, int, int]:
    """'##-###' -> ('{0}{1}-{2}{3}{4}', 5 digits, 0 letters)."""
    out, d = [], 0
    for ch in pattern:
        if ch in "#?":
            out.append(f"{{{d}}}")
            d += 1
        else:
            out.append(ch)
    return "".join(out), pattern.count("#"), pattern.count("?")


def postcode(loc: Locale, prefix: str, r: float) -> str:
    """A postal code in the city's range: the prefix completed to the country's pattern.

    `r` (uniform in [0, 1)) supplies the remaining characters, so callers can draw all
    their randomness in one vectorized call.
    """
    fill = f"{int(r * 1e9):09d}"
    if loc.postcode_pattern == "UK":
        a, b = _GB_LETTERS[int(fill[1:3]) % 20], _GB_LETTERS[int(fill[3:5]) % 20]
        return f"{prefix} {int(fill[0]) % 9 + 1}{a}{b}"
    template, digits, letters = _template(loc.postcode_pattern)
    chars = list((prefix + fill)[:digits])
    chars += [_GB_LETTERS[int(fill[2 * k : 2 * k + 2]) % 20] for k in range(letters)]
    return template.format(*chars)


def street_line(loc: Locale, street: str, r: list[float]) -> str:
    """Street and house number in the locale's order, with its floors, flats and suites.

    `r`: four uniforms in [0, 1) (number, letter, floor/flat, layout).
    """
    number = str(1 + int(r[3] ** 2 * (9998 if loc.country == "US" else 180)))
    if r[0] < 0.08 and loc.language in ("de", "nl", "pl"):
        number += "abc"[int(r[1] * 3)]
    lang = loc.language
    if lang == "de" or lang == "nl":
        return f"{street} {number}"
    if lang == "fr":
        return f"{number}{' bis' if r[1] < 0.03 else ''} {street}"
    if lang == "es":
        floor = f", {int(r[2] * 8) + 1}º {'ABCD'[int(r[1] * 4)]}" if r[0] < 0.35 else ""
        return f"{street}, {number}{floor}"
    if lang == "pt":
        return f"{street}, {number}" + (f" - apto {int(r[2] * 150) + 11}" if r[0] < 0.25 else "")
    if lang == "it":
        return f"{street}, {number}" if r[1] < 0.5 else f"{street} {number}"
    if lang == "pl":
        flat = f"/{int(r[2] * 60) + 1}" if r[0] < 0.4 else ""
        return f"ul. {street} {number}{flat}"
    suite = f", Suite {int(r[2] * 900) + 100}" if loc.country == "US" and r[0] < 0.15 else ""
    return f"{number} {street}{suite}"


def _abbreviate(loc: Locale, street: str) -> str | None:
    for long, short in ABBREVIATIONS[loc.language]:
        if long in street:
            return street.replace(long, short, 1)
        if short in street:
            return street.replace(short, long, 1)
    return None


def _postcode_format(loc: Locale, code: str) -> str | None:
    if loc.country in ("NL", "GB"):
        return code.replace(" ", "") if " " in code else None
    if loc.country in ("PL", "BR"):
        return code.replace("-", "")
    if loc.country == "DE":
        return "D-" + code
    if code.startswith("0"):  # a spreadsheet read the code as a number
        return code.lstrip("0")
    if loc.country == "US":
        return f"{code}-{int(code) % 9000 + 1000}"
    return None


def _number_format(street: str) -> str | None:
    spaced = re.sub(r"(\d)([a-c])\b", r"\1 \2", street)
    if spaced != street:
        return spaced
    if ", " in street:
        return street.replace(", ", " ", 1)
    return None


def vary(loc: Locale, street: str, code: str, rnd: random.Random) -> tuple[str, str] | None:
    """The same address as another file writes it, or None when nothing applies."""
    options: list[tuple[str, str]] = []
    if street and (s := _abbreviate(loc, street)):
        options.append((s, code))
    if street and "ß" in street:
        options.append((street.replace("ß", "ss"), code))
    if street and (s := _number_format(street)):
        options.append((s, code))
    if code and (c := _postcode_format(loc, code)):
        options.append((street, c))
    if not options:
        return None
    return options[rnd.randrange(len(options))]
