"""Companies: names, web domains, e-mail patterns, switchboard numbers and addresses.

Business contacts come in clusters: many colleagues share a company's domain, its
switchboard line and its street address, and the company decides the shape of their
e-mail addresses. Company sizes are heavy-tailed (many small firms, a few large ones),
so a large share of contacts sit next to dozens of colleagues with the same phone
number and postal address, the opposite of one-person-one-phone generators.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import addresses, phones
from .locales import LOCALES, Locale
from .names import email_token
from .pools import LocalePools

PATTERNS: tuple[str, ...] = ("first.last", "flast", "f.last", "firstl", "first", "first_last")
PATTERN_P = np.array([0.50, 0.17, 0.12, 0.06, 0.08, 0.07])
_SYLLABLES = ("no", "va", "tek", "lu", "ri", "on", "ax", "is", "ter", "ma", "sol", "bri", "zen",
              "dy", "cor", "ex", "al", "ver", "qui", "tra")  # fmt: skip
_WEB_FORMS = ("www.{}", "www.{}", "https://www.{}", "http://{}", "{}", "https://{}")


@dataclass
class Companies:
    locale: np.ndarray
    name: list[str]
    domain: list[str]
    website: list[str]
    pattern: np.ndarray  # index into PATTERNS
    first_surname_only: np.ndarray  # Spanish/Portuguese double surnames: one in the address
    switchboard: list[str]
    street: list[str]
    postcode: list[str]
    city: list[str]
    area: list[str]
    weight: np.ndarray  # relative size: how many contacts work there

    def __len__(self) -> int:
        return len(self.name)


def _name(loc: Locale, r: list[float], last: str, other: str, city: str) -> tuple[str, str]:
    """(company name, the part its domain is made from)."""
    legal = loc.legal_forms[int(r[1] * len(loc.legal_forms))]
    industry = loc.industries[int(r[2] * len(loc.industries))]
    kind = r[0]
    if kind < 0.35:
        core = last
    elif kind < 0.5:
        joiner = " & " if r[3] < 0.5 else "-"
        core = f"{last}{joiner}{other}" if other != last else last
    elif kind < 0.75:
        core = f"{industry} {last}" if loc.industry_first else f"{last} {industry}"
    elif kind < 0.87:
        core = f"{industry} {city}" if loc.industry_first else f"{city} {industry}"
    else:
        digits = f"{int(r[3] * 1e6):06d}"
        n = 2 + int(digits[0]) % 2
        core = "".join(
            _SYLLABLES[int(digits[1 + 2 * k : 3 + 2 * k]) % 20] for k in range(n)
        ).title()
    bare = r[4] < 0.12  # small firms often go without the legal form in contact lists
    return (core if bare else f"{core} {legal}"), core


def _domain(core: str, loc: Locale, taken: set[str], r: float) -> str:
    words = [email_token(w, loc.umlaut_email) for w in core.replace("&", " ").split()]
    words = [w for w in words if w]
    slug = "-".join(words) if r < 0.5 else "".join(words)
    tld = loc.tld if r < 0.7 or r > 0.95 else "com"
    domain, k = f"{slug}.{tld}", 1
    while domain in taken:
        k += 1
        domain = f"{slug}-{('group', 'online')[k - 2]}.{tld}" if k < 4 else f"{slug}{k}.{tld}"
    taken.add(domain)
    return domain


def make_companies(
    n: int, locale_p: np.ndarray, pools: tuple[LocalePools, ...], rng: np.random.Generator
) -> Companies:
    locale = rng.choice(len(LOCALES), size=n, p=locale_p)
    weight = np.floor(rng.lognormal(mean=0.6, sigma=1.4, size=n)) + 1.0
    pattern = rng.choice(len(PATTERNS), size=n, p=PATTERN_P)
    first_only = rng.random(n) < 0.6
    rand = rng.random((n, 12)).tolist()
    cols: dict[str, list[str]] = {
        k: [""] * n for k in ("name", "domain", "web", "street", "code", "city", "area")
    }
    taken: set[str] = set()
    for li, lp in enumerate(pools):
        idx = np.flatnonzero(locale == li).tolist()
        k = len(idx)
        lasts, others = lp.surnames.sample(rng, k), lp.surnames.sample(rng, k)
        city_i = rng.choice(len(lp.cities), size=k, p=lp.city_p)
        streets = lp.streets.sample(rng, k)
        for j, i in enumerate(idx):
            r, city = rand[i], lp.cities[city_i[j]]
            name, core = _name(lp.locale, r, lasts[j], others[j], city.name)
            domain = _domain(core, lp.locale, taken, r[5])
            cols["name"][i], cols["domain"][i], cols["city"][i] = name, domain, city.name
            cols["web"][i] = _WEB_FORMS[int(r[6] * len(_WEB_FORMS))].format(domain)
            cols["street"][i] = addresses.street_line(lp.locale, streets[j], r[7:11])
            prefix = city.postcode_prefixes[int(r[11] * len(city.postcode_prefixes))]
            cols["code"][i] = addresses.postcode(lp.locale, prefix, r[3])
            cols["area"][i] = city.area_code
    switchboard = _switchboards(locale, cols["area"], rng)
    return Companies(
        locale, cols["name"], cols["domain"], cols["web"], pattern, first_only, switchboard,
        cols["street"], cols["code"], cols["city"], cols["area"], weight,
    )  # fmt: skip


def _switchboards(locale: np.ndarray, areas: list[str], rng: np.random.Generator) -> list[str]:
    """One main line per company, generated per country and put back in company order."""
    out = [""] * len(areas)
    for li, loc in enumerate(LOCALES):
        idx = np.flatnonzero(locale == li)
        numbers = phones.landlines(loc.country, [areas[i] for i in idx], rng)
        for i, number in zip(idx, numbers, strict=True):
            out[i] = number
    return out
