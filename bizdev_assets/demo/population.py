"""The real people behind the demo rows: names, employer, address, phones, e-mails.

A person is stored once, as columns indexed by entity number; files render rows
from it. Namesakes are planted on purpose (same name, other person; some at the
same big employer), because a resolver that merges on name alone must fail here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from bizdev_assets.demo.companies import CODES, Companies, build_companies, pick_city, postcode
from bizdev_assets.demo.emails import personal_address, unique, work_local
from bizdev_assets.demo.geography import COUNTRIES, COUNTRY_MIX, City
from bizdev_assets.demo.phones import Phone, extension, landline, mobile
from bizdev_assets.demo.plan import GROUP_NAMES, Plan
from bizdev_assets.demo.pools import (
    LATIN_NAME_LOCALES,
    NAME_LOCALES,
    Pools,
    below,
    pick,
    zipf_cum,
)
from bizdev_assets.demo.vocab import FREE_MAIL, TITLES

T_START = 1672531200  # 2023-01-01T00:00:00Z: a person's records start after this
T_SPAN = 790 * 86400  # ... and their first record is older than 2025-03-01
NAMESAKE_RATE = 0.015  # of people, once at the same big employer and once anywhere
NON_LATIN_RATE = 0.06  # of people seen only through web channels
LATIN = np.array([COUNTRIES[c].latin for c in CODES])


@dataclass(frozen=True)
class People:
    # Plain lists, not numpy arrays: rows read them one element at a time, and a list
    # lookup is several times faster than a numpy scalar access.
    country: list[int]  # index into CODES
    gender: list[int]  # pools.MALE / pools.FEMALE
    first: list[str]
    last: list[str]
    company: list[int]  # index into Companies
    title: list[str]
    city: list[City]
    street: list[str]
    postcode: list[str]
    mobile: list[Phone | None]
    direct: list[Phone | None]  # a direct line at the employer, else they give the switchboard
    work_email: list[str]
    personal_email: list[str | None]
    new_company: list[int]  # the employer after a job change, -1 for none
    new_title: dict[int, str]
    new_email: dict[int, str]
    consent_p: list[float]
    t0: list[int]  # epoch seconds of their first record


@dataclass(frozen=True)
class Population:
    pools: Pools
    companies: Companies
    people: People


def _by_group(rng: np.random.Generator, groups: np.ndarray, n: int) -> np.ndarray:
    country = np.zeros(n, dtype=np.int8)
    for gi, g in enumerate(GROUP_NAMES):
        mask = groups == gi
        mix = COUNTRY_MIX[g]
        p = np.array(list(mix.values()))
        country[mask] = rng.choice([CODES.index(c) for c in mix], size=mask.sum(), p=p / p.sum())
    return country


def _pick_companies(
    rng: np.random.Generator, comps: Companies, country: np.ndarray, abroad: np.ndarray
) -> np.ndarray:
    """Bigger companies employ more people; most work in their own country."""
    out = np.zeros(len(country), dtype=np.int64)
    for c in np.unique(country).tolist():
        mask = (country == c) & ~abroad
        cands = np.flatnonzero(comps.country == c)
        w = comps.weight[cands]
        out[mask] = rng.choice(cands, size=mask.sum(), p=w / w.sum())
    cands = np.flatnonzero(LATIN[comps.country])
    w = comps.weight[cands]
    out[abroad] = rng.choice(cands, size=abroad.sum(), p=w / w.sum())
    return out


def _names(
    rng: np.random.Generator, pools: Pools, country: np.ndarray, latin: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(gender, first-name index, last-name index) per person."""
    n = len(country)
    locale = np.array([NAME_LOCALES.index(COUNTRIES[c].locale) for c in CODES], dtype=np.int8)[
        country
    ]
    mixed = latin & (rng.random(n) < 0.15)  # immigrants, expats: names from another locale
    locale[mixed] = rng.integers(0, len(LATIN_NAME_LOCALES), mixed.sum())
    gender = rng.integers(0, 2, n).astype(np.int8)
    first = np.zeros(n, dtype=np.int32)
    last = np.zeros(n, dtype=np.int32)
    for li, loc in enumerate(NAME_LOCALES):
        for g in (0, 1):
            mask = (locale == li) & (gender == g)
            first[mask] = pools.first[(loc, g)].sample(rng, int(mask.sum()))
            last[mask] = pools.last[(loc, g)].sample(rng, int(mask.sum()))
    return gender, first, last


def _plant_namesakes(
    rng: np.random.Generator, company: np.ndarray, latin: np.ndarray, arrays: tuple[np.ndarray, ...]
) -> None:
    """Give some people the name of a colleague at a big employer, or of a stranger."""
    n = len(company)
    k = int(n * NAMESAKE_RATE)
    order = np.argsort(company, kind="stable")
    size = np.bincount(company)
    a, b = order[:-1], order[1:]
    pairs = np.flatnonzero(
        (company[a] == company[b]) & (size[company[a]] >= 8) & latin[a] & latin[b]
    )
    chosen = rng.choice(pairs, size=min(k, len(pairs)), replace=False) if len(pairs) else pairs
    src, dst = a[chosen], b[chosen]
    people = np.flatnonzero(latin)
    src = np.concatenate([src, rng.choice(people, k)])
    dst = np.concatenate([dst, rng.choice(people, k)])
    for arr in arrays:
        arr[dst] = arr[src]


def _titles(rng: np.random.Generator, country: np.ndarray) -> list[str]:
    """Job titles in the language of the person's country, common ones commonest."""
    lang_of = np.array([list(TITLES).index(COUNTRIES[c].lang) for c in CODES])[country]
    out = np.empty(len(country), dtype=object)
    for li, titles in enumerate(TITLES.values()):
        mask = lang_of == li
        idx = np.searchsorted(
            zipf_cum(len(titles), offset=2.0), rng.random(mask.sum()), side="right"
        )
        out[mask] = np.array(titles, dtype=object)[np.minimum(idx, len(titles) - 1)]
    return out.tolist()


@dataclass
class _Contacts:
    """Address, phones and e-mails per person, built in one pass over people."""

    city: list[City]
    street: list[str]
    postcode: list[str]
    mobile: list[Phone | None]
    direct: list[Phone | None]
    work: list[str]
    personal: list[str | None]


def _contacts(
    rng: np.random.Generator,
    prng: random.Random,
    pools: Pools,
    comps: Companies,
    plan: Plan,
    who: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    names: tuple[list[str], list[str]],
    taken: set[str],
) -> _Contacts:
    """`who` is (country, company, latin, abroad) per person; `taken` holds used e-mails."""
    country, company, latin, abroad = who
    first, last = names
    n = len(country)
    has_personal = (rng.random(n) < np.where(latin, 0.45, 0.6)) | ~latin
    has_mobile = (rng.random(n) < 0.7) | plan.job_changer  # the mobile outlives the job
    has_direct = rng.random(n) < 0.35
    remote = (latin & (rng.random(n) < 0.12)) | abroad
    out = _Contacts([], [], [], [], [], [], [])
    codes = [CODES[c] for c in country.tolist()]
    flags = zip(company.tolist(), remote.tolist(), has_mobile.tolist(), has_direct.tolist(),
                latin.tolist(), has_personal.tolist(), strict=True)  # fmt: skip
    for e, (comp, is_remote, with_mobile, with_direct, is_latin, with_personal) in enumerate(flags):
        code = codes[e]
        if is_remote:
            home = pick_city(prng, code)
            out.city.append(home)
            out.street.append(pick(prng, pools.streets[code]))
            out.postcode.append(postcode(prng, home.postcode))
        else:
            out.city.append(comps.city[comp])
            out.street.append(comps.street[comp])
            out.postcode.append(comps.postcode[comp])
        out.mobile.append(mobile(prng, code) if with_mobile else None)
        direct = None
        if with_direct:
            board = comps.switchboard[comp]
            if prng.random() < 0.6:
                direct = extension(prng, board)
            else:
                direct = landline(prng, board.country, comps.city[comp])
        out.direct.append(direct)
        if is_latin:
            local = work_local(comps.pattern[comp], first[e], last[e])
            mail = personal_address(prng, first[e], last[e], code) if with_personal else None
        else:
            local = pick(prng, pools.usernames[COUNTRIES[code].locale])
            mail = f"{local}{1 + below(prng, 998)}@{pick(prng, FREE_MAIL[code])}"
        out.work.append(unique(f"{local}@{comps.domain[comp]}", taken))
        out.personal.append(unique(mail, taken) if mail else None)
    return out


def build_population(
    rng: np.random.Generator, prng: random.Random, pools: Pools, plan: Plan
) -> Population:
    n = plan.n_people
    country = _by_group(rng, plan.first_group, n)
    non_latin = plan.web_only & (rng.random(n) < NON_LATIN_RATE)
    far = [CODES.index(c) for c in CODES if not COUNTRIES[c].latin]
    country[non_latin] = rng.choice(far, size=non_latin.sum())
    latin = ~non_latin

    share = np.bincount(country, minlength=len(CODES)) / n
    comps = build_companies(rng, prng, pools, share, max(8, n // 6))
    abroad = latin & (rng.random(n) < 0.08)
    company = _pick_companies(rng, comps, country, abroad)

    gender, first_i, last_i = _names(rng, pools, country, latin)
    _plant_namesakes(rng, company, latin, (gender, first_i, last_i))
    first = [pools.first_names[i] for i in first_i.tolist()]
    last = [pools.last_names[i] for i in last_i.tolist()]
    title = _titles(rng, country)
    taken: set[str] = set()
    who = (country, company, latin, abroad)
    c = _contacts(rng, prng, pools, comps, plan, who, (first, last), taken)

    new_company = np.full(n, -1, dtype=np.int64)
    changers = np.flatnonzero(plan.job_changer)
    new_company[changers] = _pick_companies(rng, comps, country[changers], abroad[changers])
    for _ in range(5):  # a job change is to another employer
        same = changers[new_company[changers] == company[changers]]
        new_company[same] = _pick_companies(rng, comps, country[same], abroad[same])
    same = changers[new_company[changers] == company[changers]]
    new_company[same] = (company[same] + 1) % len(comps)
    new_title = dict(zip(changers.tolist(), _titles(rng, country[changers]), strict=True))
    new_email: dict[int, str] = {}
    for e in changers.tolist():
        comp = int(new_company[e])
        local = (
            work_local(comps.pattern[comp], first[e], last[e])
            if latin[e]
            else c.work[e].split("@")[0]
        )
        new_email[e] = unique(f"{local}@{comps.domain[comp]}", taken)

    people = People(
        country=country.tolist(), gender=gender.tolist(), first=first, last=last,
        company=company.tolist(), title=title, city=c.city, street=c.street, postcode=c.postcode,
        mobile=c.mobile, direct=c.direct, work_email=c.work, personal_email=c.personal,
        new_company=new_company.tolist(), new_title=new_title, new_email=new_email,
        consent_p=rng.uniform(0.2, 0.95, n).tolist(), t0=(T_START + rng.integers(0, T_SPAN, n)).tolist(),
    )  # fmt: skip
    return Population(pools, comps, people)
