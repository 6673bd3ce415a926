"""Per-locale value pools, built once from Faker's locale data and then sampled with numpy.

Calling Faker per row is far too slow for a million rows, so each locale's names, streets
and cities are drawn from Faker once into arrays with sampling weights. Faker's name lists
are mostly flat; real name frequencies are skewed (a few very common surnames, many rare
ones), which is what makes namesakes common, so flat lists get Zipf-like weights over a
fixed shuffle. Pools are seeded with a constant: the "world" is the same for every run
seed, only who is sampled from it changes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from faker import Faker

from .addresses import EN_SUFFIXES, GB_STREETS, US_STREETS
from .locales import LOCALES, City, Locale

_POOL_SEED = 20_261_201

# Street types as often as they occur in real addresses (Faker draws them uniformly).
STREET_TYPES: dict[str, tuple[tuple[str, float], ...]] = {
    "fr": (("rue", 0.6), ("avenue", 0.15), ("boulevard", 0.08), ("chemin", 0.05),
           ("place", 0.05), ("allée", 0.04), ("impasse", 0.03)),
    "es": (("Calle", 0.6), ("Avenida", 0.15), ("Plaza", 0.07), ("Paseo", 0.06),
           ("Ronda", 0.03), ("Camino", 0.04), ("Carretera", 0.02), ("Travesía", 0.03)),
    "pt": (("Rua", 0.7), ("Avenida", 0.18), ("Travessa", 0.04), ("Alameda", 0.03),
           ("Praça", 0.03), ("Rodovia", 0.02)),
    "it": (("Via", 0.7), ("Viale", 0.1), ("Piazza", 0.08), ("Corso", 0.06), ("Vicolo", 0.03),
           ("Largo", 0.03)),
}  # fmt: skip


@dataclass(frozen=True)
class Pool:
    """Values and their sampling probabilities."""

    values: np.ndarray
    p: np.ndarray

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.values[rng.choice(len(self.values), size=n, p=self.p)]


@dataclass(frozen=True)
class LocalePools:
    locale: Locale
    first_male: Pool
    first_female: Pool
    surnames: Pool
    streets: Pool
    cities: tuple[City, ...]
    city_p: np.ndarray


def _zipf(n: int, rng: np.random.Generator) -> np.ndarray:
    ranks = rng.permutation(n) + 1
    w = 1.0 / (ranks + 15.0)
    return w / w.sum()


def _pool(names: object, rng: np.random.Generator, ranked: bool = False) -> Pool:
    """A pool from a Faker name list (weights kept when Faker has them)."""
    if isinstance(names, dict):
        values = np.array(list(names.keys()), dtype=object)
        w = np.array(list(names.values()), dtype=float)
        return Pool(values, w / w.sum())
    values = np.array(list(dict.fromkeys(names)), dtype=object)  # type: ignore[call-overload]
    if ranked:  # already ordered by frequency
        w = 1.0 / (np.arange(len(values)) + 15.0)
        return Pool(values, w / w.sum())
    return Pool(values, _zipf(len(values), rng))


def _surnames(loc: Locale, person: type, rng: np.random.Generator) -> Pool:
    if loc.code == "pl_PL":  # ordered by frequency; mixed with the long tail
        common = _pool(person.male_last_names, rng, ranked=True)
        tail = np.array(person.unisex_last_names, dtype=object)
        values = np.concatenate([common.values, tail])
        p = np.concatenate([common.p * 0.6, np.full(len(tail), 0.4 / len(tail))])
        return Pool(values, p)
    return _pool(person.last_names, rng)


def _streets(loc: Locale, fake: Faker, surnames: Pool, rng: np.random.Generator) -> Pool:
    if loc.language == "en":
        common = GB_STREETS if loc.country == "GB" else US_STREETS
        names = surnames.sample(rng, 1500)
        suffix = rng.choice(np.array(EN_SUFFIXES), size=len(names))
        values = list(common) + [f"{n} {s}" for n, s in zip(names, suffix, strict=True)]
        values = list(dict.fromkeys(values))
        return Pool(np.array(values, dtype=object), _zipf(len(values), rng))
    raw = list(dict.fromkeys(fake.street_name() for _ in range(1500)))
    if loc.language in STREET_TYPES:
        kinds, w = zip(*STREET_TYPES[loc.language], strict=True)
        chosen = rng.choice(np.array(kinds), size=len(raw), p=np.array(w) / sum(w))
        bodies = [s.split(" ", 1)[1] if " " in s else s for s in raw]
        bodies = [b[3:] if b.startswith("de d") else b for b in bodies]
        raw = list(dict.fromkeys(f"{k} {b}" for k, b in zip(chosen, bodies, strict=True)))
    return Pool(np.array(raw, dtype=object), _zipf(len(raw), rng))


def _towns(loc: Locale, fake: Faker, rng: np.random.Generator) -> list[tuple[str, str | None]]:
    """Smaller places as (name, postal code prefix or None). Faker's own lists are read
    sorted: some are built from sets, whose order changes from one process to the next."""
    provider = type(fake.provider("faker.providers.address"))
    if hasattr(provider, "cap_city_province"):  # Italy: real CAP -> town pairs
        pairs = sorted({(towns[0][0], cap) for cap, towns in provider.cap_city_province.items()})
        picked = rng.choice(len(pairs), size=400, replace=False)
        return [pairs[k] for k in sorted(picked.tolist())]
    if hasattr(provider, "cities"):
        names = sorted(set(provider.cities))
        picked = rng.choice(len(names), size=min(400, len(names)), replace=False)
        return [(names[k], None) for k in sorted(picked.tolist())]
    return [(town, None) for town in dict.fromkeys(fake.city() for _ in range(400))]


def _cities(
    loc: Locale, fake: Faker, rng: np.random.Generator
) -> tuple[tuple[City, ...], np.ndarray]:
    """Big cities (most business contacts) plus smaller towns with a made-up code range."""
    big = loc.cities
    big_names = {c.name for c in big}
    areas = [c.area_code for c in big]
    digits = loc.postcode_pattern.count("#")
    tail = []
    for town, code in _towns(loc, fake, rng):
        if town in big_names:
            continue
        if code:
            prefix = code
        elif loc.postcode_pattern == "UK":
            prefix = "".join(rng.choice(list("BCDGHKLMNPRSTW"), size=2)) + str(rng.integers(1, 30))
        else:
            prefix = f"{int(rng.integers(0, 10 ** (digits - 2))):0{digits - 2}d}"
        tail.append(City(town, (prefix,), areas[int(rng.integers(0, len(areas)))]))
    big_w = 1.0 / (np.arange(len(big)) + 2.0)
    p = np.concatenate([0.55 * big_w / big_w.sum(), np.full(len(tail), 0.45 / max(len(tail), 1))])
    return big + tuple(tail), p / p.sum()


def _build(loc: Locale) -> LocalePools:
    rng = np.random.default_rng([_POOL_SEED, hash_code(loc.code)])
    fake = Faker(loc.code)
    fake.seed_instance(_POOL_SEED)
    person = importlib.import_module(f"faker.providers.person.{loc.code}").Provider
    surnames = _surnames(loc, person, rng)
    cities, city_p = _cities(loc, fake, rng)
    return LocalePools(
        loc,
        _pool(person.first_names_male, rng),
        _pool(person.first_names_female, rng),
        surnames,
        _streets(loc, fake, surnames, rng),
        cities,
        city_p,
    )


def hash_code(text: str) -> int:
    """A stable integer for a string (Python's hash() changes per process)."""
    return int.from_bytes(text.encode(), "little") % (2**63)


@lru_cache(maxsize=1)
def all_pools() -> tuple[LocalePools, ...]:
    """One LocalePools per entry of LOCALES, in the same order."""
    return tuple(_build(loc) for loc in LOCALES)
