"""The people behind the records: names, employers, relatives, namesakes, contact points.

Real contact bases are not a bag of independent random people. Colleagues share a
domain, switchboard and street address; relatives share a surname and a home address
(Polish surnames even change with gender: Kowalski / Kowalska); namesakes exist, some
at the same company. Those are the cases where "same name, same phone, same address"
is a different person, so the generator puts them in on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import addresses, phones
from .companies import Companies
from .emails import ROLE_LOCALS, Mailboxes, formal_name, personal_local, surname_token, work_local
from .locales import LOCALES
from .names import email_token, feminine_surname, masculine_surname
from .pools import LocalePools

_LINKEDIN = ("https://www.linkedin.com/in/{}/", "linkedin.com/in/{}",
             "https://{}.linkedin.com/in/{}", "www.linkedin.com/in/{}")  # fmt: skip


@dataclass
class People:
    locale: np.ndarray  # index into LOCALES
    female: np.ndarray
    first: list[str]
    surname1: list[str]
    surname2: list[str]  # second surname (Spanish/Portuguese), else ""
    company: np.ndarray  # index into Companies, -1 for none
    title: list[str]
    work_email: list[str]
    personal_email: list[str]
    prefer_personal: np.ndarray  # gave the private address as the main one
    mobile: list[str]  # "CC AREA SUBSCRIBER" or ""
    office: list[str]
    phone_style: np.ndarray
    street: list[str]  # the postal address on file: company's or home
    postcode: list[str]
    city: list[str]
    country: list[str]
    at_company_address: np.ndarray
    dob: list[str]  # ISO date or ""
    linkedin: list[str]

    def __len__(self) -> int:
        return len(self.first)

    def last(self, i: int) -> str:
        return f"{self.surname1[i]} {self.surname2[i]}" if self.surname2[i] else self.surname1[i]


def _gendered(surname: str, female: bool) -> str:
    return feminine_surname(surname) if female else masculine_surname(surname)


def make_people(
    n: int,
    companies: Companies,
    locale_p: np.ndarray,
    pools: tuple[LocalePools, ...],
    rng: np.random.Generator,
    mail: Mailboxes,
) -> People:
    """n people: 94% employed (firms drawn by size), most in their employer's country."""
    has_company = rng.random(n) < 0.94
    company = np.where(
        has_company,
        rng.choice(len(companies), size=n, p=companies.weight / companies.weight.sum()),
        -1,
    )
    foreign = rng.random(n) < 0.12
    own = rng.choice(len(LOCALES), size=n, p=locale_p)
    locale = np.where(has_company & ~foreign, companies.locale[np.maximum(company, 0)], own)
    female = rng.random(n) < 0.46
    first, s1, s2 = [""] * n, [""] * n, [""] * n
    home = [("", "", "")] * n
    mobile = [""] * n
    rand = rng.random((n, 8)).tolist()
    is_female = female.tolist()
    for li, lp in enumerate(pools):
        idx = np.flatnonzero(locale == li).tolist()
        k = len(idx)
        males, females = (
            lp.first_male.sample(rng, k).tolist(),
            lp.first_female.sample(rng, k).tolist(),
        )
        sur1, sur2 = lp.surnames.sample(rng, k).tolist(), lp.surnames.sample(rng, k).tolist()
        city_i = rng.choice(len(lp.cities), size=k, p=lp.city_p).tolist()
        streets = lp.streets.sample(rng, k).tolist()
        areas = []
        polish = lp.locale.code == "pl_PL"
        for j, i in enumerate(idx):
            r = rand[i]
            first[i] = females[j] if is_female[i] else males[j]
            s1[i] = _gendered(sur1[j], is_female[i]) if polish else sur1[j]
            double = r[0] < lp.locale.double_surname_rate and sur2[j] != sur1[j]
            s2[i] = sur2[j] if double else ""
            city = lp.cities[city_i[j]]
            prefix = city.postcode_prefixes[int(r[1] * len(city.postcode_prefixes))]
            line = addresses.street_line(lp.locale, streets[j], r[2:6])
            home[i] = (line, addresses.postcode(lp.locale, prefix, r[6]), city.name)
            areas.append(city.area_code)
        for i, number in zip(idx, phones.mobiles(lp.locale.country, areas, rng), strict=True):
            mobile[i] = number
    _relatives(locale, female, s1, s2, home, company, rng)
    _namesakes(locale, female, first, s1, s2, company, rng)
    return _contact_points(
        locale, female, first, s1, s2, company, home, mobile, companies, rng, mail
    )


def _relatives(
    locale: np.ndarray,
    female: np.ndarray,
    s1: list[str],
    s2: list[str],
    home: list[tuple[str, str, str]],
    company: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """8% of people live with a relative already in the base: same surname, same home."""
    for li in range(len(LOCALES)):
        group = np.flatnonzero(locale == li)
        if len(group) < 2:
            continue
        kin = group[rng.random(len(group)) < 0.08]
        heads = rng.choice(group, size=len(kin))
        family_firm = rng.random(len(kin)) < 0.2
        for r, h, firm in zip(kin.tolist(), heads.tolist(), family_firm.tolist(), strict=True):
            if r == h:
                continue
            s1[r] = _gendered(s1[h], female[r]) if LOCALES[li].code == "pl_PL" else s1[h]
            s2[r], home[r] = s2[h], home[h]
            if firm and company[h] >= 0:
                company[r] = company[h]


def _namesakes(
    locale: np.ndarray,
    female: np.ndarray,
    first: list[str],
    s1: list[str],
    s2: list[str],
    company: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """2.5% of people share their full name with someone else; a third of those work at
    the same company as their namesake."""
    for li in range(len(LOCALES)):
        group = np.flatnonzero(locale == li)
        if len(group) < 2:
            continue
        twins = group[rng.random(len(group)) < 0.025]
        sources = rng.choice(group, size=len(twins))
        same_firm = rng.random(len(twins)) < 0.33
        for t, s, firm in zip(twins.tolist(), sources.tolist(), same_firm.tolist(), strict=True):
            if t == s:
                continue
            first[t], s1[t], s2[t], female[t] = first[s], s1[s], s2[s], female[s]
            if firm and company[s] >= 0:
                company[t] = company[s]


def _contact_points(
    locale: np.ndarray,
    female: np.ndarray,
    first: list[str],
    s1: list[str],
    s2: list[str],
    company: np.ndarray,
    home: list[tuple[str, str, str]],
    mobile: list[str],
    companies: Companies,
    rng: np.random.Generator,
    mail: Mailboxes,
) -> People:
    """E-mail addresses, office lines, postal address, title, birth date, LinkedIn."""
    n = len(first)
    rand = rng.random((n, 13)).tolist()
    at_company = (company >= 0) & (rng.random(n) < 0.7)
    born = (np.datetime64("1959-06-01") + rng.integers(0, 365 * 43, size=n)).astype(str).tolist()
    has_dob = (rng.random(n) < 0.45).tolist()
    work, personal, office, linkedin, title = ([""] * n for _ in range(5))
    street, code, city, country = ([""] * n for _ in range(4))
    employer, where, at_firm = company.tolist(), locale.tolist(), at_company.tolist()
    firm_where, firm_size = companies.locale.tolist(), companies.weight.tolist()
    firm_pattern, firm_first_only = (
        companies.pattern.tolist(),
        companies.first_surname_only.tolist(),
    )
    for i in range(n):
        r, c, loc = rand[i], employer[i], LOCALES[where[i]]
        work_loc = LOCALES[firm_where[c]] if c >= 0 else loc
        title[i] = work_loc.titles[int(r[9] * len(work_loc.titles))]
        if c >= 0:
            board = companies.switchboard[c]
            office[i] = (
                board if r[0] < 0.4 else phones.direct_line(board, r[1]) if r[0] < 0.85 else ""
            )
            if r[2] < 0.03 and firm_size[c] <= 4:  # one shared role address
                work[i] = f"{ROLE_LOCALS[work_loc.language][int(r[3] * 4)]}@{companies.domain[c]}"
                mail.taken.add(work[i])
            elif r[2] < 0.97:
                german = work_loc.umlaut_email
                last = surname_token(s1[i], s2[i], german, firm_first_only[c])
                local = work_local(firm_pattern[c], email_token(first[i], german), last)
                work[i] = mail.claim(local, companies.domain[c])
        ft = email_token(first[i], loc.umlaut_email)
        lt = surname_token(s1[i], s2[i], loc.umlaut_email, r[4] < 0.5)
        if not work[i] or r[5] < 0.55:
            domain = loc.free_mail[int(r[6] ** 2 * len(loc.free_mail))]
            local = personal_local(ft, lt, formal_name(first[i]), born[i][2:4], r[7])
            personal[i] = mail.claim(local, domain, salt=1 + int(r[8] * 1000))
        if at_firm[i]:
            street[i], code[i], city[i] = (
                companies.street[c],
                companies.postcode[c],
                companies.city[c],
            )
            country[i] = work_loc.country
        else:
            (street[i], code[i], city[i]), country[i] = home[i], loc.country
        if r[10] < 0.35:
            slug = f"{ft}-{lt}-{int(r[11] * 16**6):06x}" if r[11] < 0.7 else f"{ft}{lt}"
            form = _LINKEDIN[int(r[10] * 100) % len(_LINKEDIN)]
            linkedin[i] = (
                form.format(loc.country.lower(), slug) if "{}." in form else form.format(slug)
            )
        if r[12] > (0.78 if c >= 0 else 0.95):
            mobile[i] = ""
    has_both = np.array([bool(w and p) for w, p in zip(work, personal, strict=True)])
    return People(
        locale=locale, female=female, first=first, surname1=s1, surname2=s2, company=company,
        title=title, work_email=work, personal_email=personal,
        prefer_personal=has_both & (rng.random(n) < 0.15), mobile=mobile, office=office,
        phone_style=rng.integers(0, 1000, size=n), street=street, postcode=code, city=city,
        country=country, at_company_address=at_company,
        dob=[b if d else "" for b, d in zip(born, has_dob, strict=True)], linkedin=linkedin,
    )  # fmt: skip
