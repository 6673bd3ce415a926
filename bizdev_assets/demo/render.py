"""Turn the plan and the population into rows of one file, noise applied.

Each file has habits (the trade show scans work badges, the web form asks for
one phone and a required e-mail, HubSpot stores E.164); a `Profile` holds them.
Rows come out as dicts of canonical fields with phones already formatted, so the
writers only translate headers, languages and date formats.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from bizdev_assets.demo.companies import CODES
from bizdev_assets.demo.noise import Context, Row, apply_noise
from bizdev_assets.demo.phones import N_STYLES, Phone, format_phone
from bizdev_assets.demo.plan import FILES, NOISES, Plan
from bizdev_assets.demo.pools import below, pick
from bizdev_assets.demo.population import Population
from bizdev_assets.demo.vocab import LEAD_SOURCES, PARTNER_NOTES, UNUSABLE_NOTES


@dataclass(frozen=True)
class Profile:
    personal: float  # chance the row shows the personal rather than the work e-mail
    no_email: float  # chance the source simply has no e-mail for the person
    single_phone: bool  # one phone column: people give their mobile or the office
    email_required: bool
    styles: tuple[float, ...]  # weights of phones.format_phone styles


FOREIGN_INTERNATIONAL = 0.8  # the rest stay national: unparseable with the row's country
CHUNK = 8192  # rows whose random draws are made in one numpy call

PROFILES: dict[str, Profile] = {
    "crm": Profile(0.10, 0.03, False, False, (0.4, 0.25, 0.15, 0.05, 0.05, 0.1)),
    "messe": Profile(0.10, 0.05, False, False, (0.15, 0.45, 0.05, 0.1, 0.1, 0.15)),
    "partners": Profile(0.15, 0.04, True, False, (0.3, 0.3, 0.1, 0.1, 0.1, 0.1)),
    "paris": Profile(0.15, 0.05, False, False, (0.25, 0.45, 0.05, 0.1, 0.05, 0.1)),
    "madrid": Profile(0.15, 0.05, False, False, (0.25, 0.45, 0.05, 0.1, 0.05, 0.1)),
    "web": Profile(0.50, 0.0, True, True, (0.25, 0.25, 0.1, 0.25, 0.05, 0.1)),
    "hub": Profile(0.30, 0.02, False, False, (0.3, 0.2, 0.3, 0.1, 0.05, 0.05)),
}


def _base_row(pop: Population, e: int, prof: Profile, u: list[float]) -> Row:
    """The person as this source records them; `u` holds the row's pre-drawn uniforms."""
    people, comps = pop.people, pop.companies
    comp = people.company[e]
    personal = people.personal_email[e]
    if u[0] < prof.no_email:
        email = None
    elif personal and u[1] < prof.personal:
        email = personal
    else:
        email = people.work_email[e]
    direct = people.direct[e]
    office = direct if direct and u[2] < 0.7 else comps.switchboard[comp]
    if u[3] < 0.1:
        office = None
    own_mobile = people.mobile[e]
    # Someone who will change jobs must be findable by what they keep: their mobile.
    mobile_share = 1.0 if people.new_company[e] >= 0 else (0.4 if prof.single_phone else 0.8)
    if prof.single_phone:
        phone, mob = (own_mobile if own_mobile and u[4] < mobile_share else office), None
    else:
        phone, mob = office, (own_mobile if u[4] < mobile_share else None)
    t0 = people.t0[e]
    consent = u[5] < people.consent_p[e]
    city = people.city[e]
    return {
        "first": people.first[e],
        "last": people.last[e],
        "gender": people.gender[e],
        "email": email,
        "email_required": prof.email_required,
        "phone": phone,
        "mobile": mob,
        "company_id": comp,
        "company": comps.name[comp],
        "title": people.title[e] if u[6] > 0.08 else "",
        "website": f"https://www.{comps.domain[comp]}",
        "street": people.street[e],
        "city": city.name,
        "state": city.state,
        "postcode": people.postcode[e],
        "country": CODES[people.country[e]],
        "consent": consent,
        "consent_at": t0 + int(u[7] * 60 * 86400) if consent else None,
        "updated_at": t0 + int((60 + u[8] * 250) * 86400),  # after any opt-in
        "lead_source": LEAD_SOURCES[int(u[9] * len(LEAD_SOURCES))],
        "note": PARTNER_NOTES[int(u[11] * len(PARTNER_NOTES))] if u[10] < 0.25 else "",
    }


def _unusable_row(pop: Population, prng: random.Random) -> Row:
    """Only a company and a note: nothing to identify a person by."""
    comps = pop.companies
    comp = below(prng, len(comps))
    empty = dict.fromkeys(("first", "last", "email", "phone", "mobile", "title", "website",
                           "street", "postcode", "state", "consent_at"))  # fmt: skip
    return empty | {
        "gender": -1,
        "company_id": comp,
        "company": comps.name[comp],
        "city": comps.city[comp].name if prng.random() < 0.5 else None,
        "country": CODES[int(comps.country[comp])] if prng.random() < 0.5 else None,
        "consent": False,
        "updated_at": 1700000000 + below(prng, 60_000_000),
        "lead_source": "",
        "note": pick(prng, UNUSABLE_NOTES),
    }


def _format(phone: Phone | None, style: int, country: str, international: bool) -> str | None:
    """Numbers from another country are mostly written internationally (style 0)."""
    if phone is None:
        return None
    if international and phone.country != country and style % 2:
        style = 0
    return format_phone(phone, style)


def render_file(
    pop: Population, plan: Plan, file: str, seed: int
) -> Iterator[tuple[int, Row, str]]:
    """Yield (entity, row, variant label) for every row of `file`, in row order."""
    prng = random.Random(seed * 1009 + FILES.index(file))
    draws = np.random.default_rng([seed, FILES.index(file)])
    prof = PROFILES[file]
    cum = np.cumsum(prof.styles) / sum(prof.styles)
    entities = plan.rows[file]
    for start in range(0, len(entities), CHUNK):
        stop = min(start + CHUNK, len(entities))
        uniforms = draws.random((stop - start, 13)).tolist()
        styles = np.minimum(
            np.searchsorted(cum, draws.random((stop - start, 2))), N_STYLES - 1
        ).tolist()
        primary = plan.primary[file][start:stop].tolist()
        secondary = plan.secondary[file][start:stop].tolist()
        for i, e in enumerate(entities[start:stop].tolist()):
            label = NOISES[primary[i]]
            if label == "unusable":
                yield e, _unusable_row(pop, prng), label
                continue
            row = _base_row(pop, e, prof, uniforms[i])
            if label != "original":
                ctx = Context(prng, pop, e, prof.single_phone)
                second = NOISES[secondary[i]] if secondary[i] >= 0 else None
                label = apply_noise(row, ctx, label, second)
            international = uniforms[i][12] < FOREIGN_INTERNATIONAL
            row["phone"] = _format(row["phone"], styles[i][0], row["country"], international)
            row["mobile"] = _format(row["mobile"], styles[i][1], row["country"], international)
            yield e, row, label
