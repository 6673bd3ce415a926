"""The demo's companies: long-tailed sizes, a domain, a switchboard, an address.

Company size follows a shifted Zipf law, so a few employers have hundreds or
thousands of contacts sharing one switchboard number, domain and website, and most
have one or two. That sharing is what makes phone, domain and company weak
evidence for "same person" — the trap entity resolution must not fall into.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass

import numpy as np

from bizdev_assets.demo.geography import COUNTRIES, City
from bizdev_assets.demo.phones import Phone, landline
from bizdev_assets.demo.pools import Pools, ascii_fold, below, pick
from bizdev_assets.demo.vocab import (
    BRAND_HEADS,
    BRAND_TAILS,
    COMPANY_NOUNS,
    EMAIL_PATTERNS,
    LEGAL_FORMS,
)

CODES: tuple[str, ...] = tuple(COUNTRIES)


@dataclass(frozen=True)
class Companies:
    name: list[str]  # canonical display name, e.g. "Novatek Systems GmbH"
    base: list[str]  # the name without legal form, e.g. "Novatek Systems"
    legal: list[tuple[str, tuple[str, ...]]]  # canonical suffix and its other spellings
    country: np.ndarray  # index into CODES
    city: list[City]
    street: list[str]
    postcode: list[str]
    domain: list[str]
    pattern: list[str]  # work e-mail pattern, see vocab.EMAIL_PATTERNS
    switchboard: list[Phone]
    weight: np.ndarray  # relative size: chance a person works here

    def __len__(self) -> int:
        return len(self.name)


def postcode(prng: random.Random, pattern: str) -> str:
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(str(int(prng.random() * 10)))
        elif ch == "@":
            out.append(chr(65 + int(prng.random() * 26)))
        else:
            out.append(ch)
    return "".join(out)


_CITY_CUM = {
    code: list(itertools.accumulate(1.0 / (i + 1) for i in range(len(c.cities))))
    for code, c in COUNTRIES.items()
}


def pick_city(prng: random.Random, code: str) -> City:
    """Cities listed first (the bigger ones) are likelier."""
    cum = _CITY_CUM[code]
    i = bisect.bisect(cum, prng.random() * cum[-1])
    return COUNTRIES[code].cities[min(i, len(cum) - 1)]


def _base_name(prng: random.Random, pools: Pools, code: str, lang: str) -> str:
    roll = prng.random()
    nouns = COMPANY_NOUNS[lang]
    if roll < 0.35 and COUNTRIES[code].latin:
        locale = COUNTRIES[code].locale
        pool = pools.last[(locale, 0)]
        size = len(pool.cum)
        surname = pools.last_names[pool.start + int(prng.random() ** 2 * size)]
        if prng.random() < 0.15:
            other = pools.last_names[pool.start + below(prng, size)]
            return f"{surname} & {other}"
        return f"{surname} {pick(prng, nouns)}" if prng.random() < 0.6 else surname
    if roll < 0.9:
        brand = pick(prng, BRAND_HEADS) + pick(prng, BRAND_TAILS)
        return f"{brand} {pick(prng, nouns)}" if prng.random() < 0.5 else brand
    letters = "".join(chr(65 + below(prng, 26)) for _ in range(pick(prng, (2, 3, 3, 4))))
    return f"{letters} {pick(prng, nouns)}"


def _domain(prng: random.Random, base: str, code: str, taken: set[str]) -> str:
    slug = ascii_fold(base).lower().replace("&", " ")
    words = ["".join(ch for ch in w if ch.isalnum()) for w in slug.split()]
    words = [w for w in words if w]
    stem = ("-" if prng.random() < 0.3 else "").join(words) or "company"
    tld = pick(prng, COUNTRIES[code].tlds)
    domain = stem + tld
    k = 1
    while domain in taken:
        k += 1
        domain = f"{stem}{'-' + code.lower() if k == 2 else k}{tld}"
    taken.add(domain)
    return domain


def build_companies(
    rng: np.random.Generator, prng: random.Random, pools: Pools, country_share: np.ndarray, n: int
) -> Companies:
    """`n` companies, at least one in every country with a non-zero share."""
    present = np.flatnonzero(country_share > 0)
    rest = rng.choice(len(CODES), size=max(0, n - len(present)), p=country_share)
    countries = np.concatenate([present, rest]).astype(np.int8)
    name, base, legal, city, street, post, domain, pattern, board = ([] for _ in range(9))
    taken_names: set[str] = set()
    taken_domains: set[str] = set()
    for c in countries.tolist():
        code = CODES[c]
        lang = COUNTRIES[code].lang
        b = _base_name(prng, pools, code, lang)
        while f"{code}|{b}" in taken_names:
            b = _base_name(prng, pools, code, lang) if prng.random() < 0.8 else f"{b} Group"
        taken_names.add(f"{code}|{b}")
        forms = LEGAL_FORMS[code]
        form = forms[0] if prng.random() < 0.7 else pick(prng, forms)
        home = pick_city(prng, code)
        base.append(b)
        legal.append(form)
        name.append(b + form[0])
        city.append(home)
        street.append(pick(prng, pools.streets[code]))
        post.append(postcode(prng, home.postcode))
        domain.append(_domain(prng, b, code, taken_domains))
        pattern.append(pick(prng, EMAIL_PATTERNS))
        board.append(landline(prng, code, home, switchboard=True))
    ranks = rng.permutation(len(countries))
    weight = 1.0 / (ranks + 20.0)
    return Companies(
        name, base, legal, countries, city, street, post, domain, pattern, board, weight
    )


def company_variants(companies: Companies, i: int) -> list[str]:
    """Other ways people write company `i`: `ACME`, `Acme`, `Acme Gesellschaft mbH`..."""
    b, (suffix, others) = companies.base[i], companies.legal[i]
    variants = [
        b,
        b.upper(),
        (b + suffix).upper(),
        b + suffix.rstrip("."),
        b.lower() + suffix.lower(),
    ]
    variants.extend(b + o for o in others)
    return variants
