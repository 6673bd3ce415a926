"""Phone numbers of the demo population and the many ways people write them.

A number is stored once, as (country, area, subscriber digits), and rendered per
row in one of several styles, so the same line shows up as `+1 415-555-0134`,
`(415) 555-0134` and `4155550134` in different files, as it does in real exports.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bizdev_assets.demo.geography import COUNTRIES, City
from bizdev_assets.demo.pools import below, pick

N_STYLES = 6


@dataclass(frozen=True, slots=True)
class Phone:
    country: str
    area: str  # area code or mobile prefix, no trunk prefix
    number: str  # subscriber digits
    mobile: bool = False


def _digits(rng: random.Random, n: int) -> str:
    return str(int(rng.random() * 10**n)).zfill(n)


def landline(rng: random.Random, country: str, city: City, switchboard: bool = False) -> Phone:
    """A landline in the city's area; switchboards end in 0, like `089 12345-0`."""
    # A leading 3 or 4 is a valid fixed-line start in every area used here (London
    # and Bristol reject several others, the US rejects 0 and 1).
    number = pick(rng, "34") + _digits(rng, city.digits - 1)
    if switchboard:
        number = number[:-1] + "0"
    return Phone(country, city.area, number)


def extension(rng: random.Random, switchboard: Phone) -> Phone:
    """A direct line that is the switchboard's number with a 3-digit extension.

    German and Austrian numbers have variable length, so `12345-0` becomes `12345-217`;
    elsewhere the extension replaces the last digits.
    """
    ext = str(100 + below(rng, 900))
    n = switchboard.number
    number = n[:-1] + ext if switchboard.country in ("DE", "AT") else n[:-3] + ext
    return Phone(switchboard.country, switchboard.area, number)


def mobile(rng: random.Random, country: str) -> Phone:
    plans = COUNTRIES[country].mobiles
    prefix, digits = plans[int(rng.random() * len(plans))]
    return Phone(country, prefix, pick(rng, "45") + _digits(rng, digits - 1), mobile=True)


def _split(p: Phone) -> tuple[str, str]:
    """(head, grouped tail) in the country's customary grouping."""
    n, c = p.number, p.country
    if c == "US":
        return p.area, f"{n[:3]}-{n[3:]}"
    if c == "ES":
        full = p.area + n
        return full[:3], f"{full[3:6]} {full[6:]}"
    if c == "GB" and p.mobile:
        full = p.area + n
        return full[:4], full[4:]
    if c == "FR":
        return p.area, " ".join(n[i : i + 2] for i in range(0, len(n), 2))
    if c == "CH" and len(n) == 7:
        return p.area, f"{n[:3]} {n[3:5]} {n[5:]}"
    if c == "RU":
        return p.area, f"{n[:3]}-{n[3:5]}-{n[5:]}"
    if len(n) == 8 and c in ("GB", "CN", "JP"):
        return p.area, f"{n[:4]}{'-' if c == 'JP' else ' '}{n[4:]}"
    if c == "AE" or (c == "GB" and len(n) == 7):
        return p.area, f"{n[:3]} {n[3:]}"
    return p.area, n


def _trunk(p: Phone) -> str:
    if p.country == "CN" and p.mobile:
        return ""
    return COUNTRIES[p.country].trunk


def format_phone(p: Phone, style: int) -> str:
    """Render `p` in one of N_STYLES styles; style 0 is international, 1 national."""
    cc = COUNTRIES[p.country].calling
    trunk = _trunk(p)
    head, tail = _split(p)
    digits = p.area + p.number
    if style == 0:
        sep = "-" if p.country in ("US", "JP") else " "
        return f"+{cc} {head}{sep}{tail}"
    if style == 1:
        if p.country == "US":
            return f"({head}) {tail}"
        sep = "-" if p.country == "JP" else " "
        return f"{trunk}{head}{sep}{tail}"
    if style == 2:
        return f"+{cc}{digits}"
    if style == 3:
        return f"{trunk}{digits}"
    if style == 4:
        if trunk == "0":
            return f"+{cc} ({trunk}){head} {tail}"
        if p.country == "ES":
            return f"0034 {head} {tail}"
        return f"+{cc} ({head}) {tail}"
    return _local_habit(p, cc, trunk, head, tail)


def _local_habit(p: Phone, cc: str, trunk: str, head: str, tail: str) -> str:
    """The one spelling each country's people use that the generic styles miss."""
    n = p.number
    if p.country == "US":
        return f"{head}.{n[:3]}.{n[3:]}" if not p.mobile else f"1-{head}-{tail}"
    if p.country in ("DE", "AT"):
        if p.mobile:
            return f"{trunk}{head}/{n}"
        return f"{trunk}{head} {n[:-3]}-{n[-3:]}" if len(n) > 5 else f"{trunk}{head}/{n}"
    if p.country == "GB":
        return f"({trunk}{head}) {tail}"
    if p.country == "FR":
        return f"{trunk}{head}." + tail.replace(" ", ".")
    if p.country == "JP":
        return f"{trunk}{head}({p.number[:4]}){p.number[4:]}"
    if p.country == "RU":
        return f"8 ({head}) {tail}"
    return f"00{cc} {head} {tail}"
