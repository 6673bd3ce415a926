"""From a person to a file row: the person's record, then the table's conventions.

A record holds logical fields (first, last, email, phone...) as the person would give
them; keys starting with "_" carry what variations need (the raw phone numbers). The
table then decides how the row looks: salutation words, country names, date format,
one name column or two, and which optional cells are left empty.
"""

from __future__ import annotations

import random
from datetime import date

import numpy as np

from . import phones
from .companies import Companies
from .layouts import Table
from .locales import COUNTRY_NAMES
from .people import People

SALUTATIONS: dict[str, tuple[str, str]] = {
    "en": ("Mr", "Ms"), "de": ("Herr", "Frau"), "fr": ("M.", "Mme"), "es": ("Sr.", "Sra."),
}  # fmt: skip
_CHOICES: dict[str, tuple[tuple[str, ...], list[float]]] = {
    "$lead_source": (("Web", "Trade Show", "Referral", "Cold Call", "Partner", "Webinar", "LinkedIn"),
                     [0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1]),
    "$utm": (("linkedin", "google", "newsletter", "partner", "direct", ""), [0.2, 0.2, 0.1, 0.1, 0.1, 0.3]),
    "$consent": (("yes", "no"), [0.6, 0.4]),
}  # fmt: skip
_ACADEMIC = ("Dr.", "Dr.", "Prof. Dr.", "Dipl.-Ing.")
_ID_CHARS = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"))
_EPOCH = np.datetime64("2024-01-01T00:00", "m")


FIELDS: tuple[str, ...] = (
    "_person", "salutation", "first", "last", "email", "email2", "_phone", "phone", "_mobile",
    "mobile", "mobile2", "company", "title", "street", "postcode", "city", "country", "_country",
    "website", "linkedin", "dob",
)  # fmt: skip
Row = tuple[str, ...]


class PersonRows:
    """Every person's record values, computed once, so that a file row is a tuple of
    lookups (a million rows as dicts would cost seconds and a gigabyte)."""

    def __init__(self, people: People, companies: Companies) -> None:
        self.people = people
        styles, firms = people.phone_style.tolist(), people.company.tolist()
        self.id = [str(i) for i in range(len(people))]
        self.salutation = ["f" if f else "m" for f in people.female.tolist()]
        self.last = [
            f"{a} {b}" if b else a for a, b in zip(people.surname1, people.surname2, strict=True)
        ]
        prefer = people.prefer_personal.tolist()
        self.email = [
            p if (pref or not w) else w
            for w, p, pref in zip(people.work_email, people.personal_email, prefer, strict=True)
        ]
        self.office_text = [
            phones.render(o, s) if o else "" for o, s in zip(people.office, styles, strict=True)
        ]
        self.mobile_text = [
            phones.render(m, s) if m else "" for m, s in zip(people.mobile, styles, strict=True)
        ]
        self.company = [companies.name[c] if c >= 0 else "" for c in firms]
        self.website = [companies.website[c] if c >= 0 else "" for c in firms]

    def base(self, i: int, one_phone: bool) -> Row:
        """Person i before any variation; `one_phone`: the file has a single phone column,
        which gets whichever number the person gave (office first)."""
        p = self.people
        office, office_text = p.office[i], self.office_text[i]
        mobile, mobile_text = p.mobile[i], self.mobile_text[i]
        if one_phone:
            if not office:
                office, office_text = mobile, mobile_text
            mobile = mobile_text = ""
        return (
            self.id[i], self.salutation[i], p.first[i], self.last[i], self.email[i], "",
            office, office_text, mobile, mobile_text, "", self.company[i], p.title[i],
            p.street[i], p.postcode[i], p.city[i], p.country[i], p.country[i], self.website[i],
            p.linkedin[i], p.dob[i],
        )  # fmt: skip


def optional_cells(table: Table) -> list[tuple[int, float]]:
    """(position in FIELDS, fill rate) of the table's columns that are sometimes empty."""
    return [(FIELDS.index(c.field), c.fill) for c in table.columns if c.fill < 1.0]


def blank_cells(row: Row, optional: list[tuple[int, float]], rnd: random.Random) -> Row:
    """Leave some optional cells empty, as real files do. Done before any variation, so a
    variation is only labelled when the file still shows it."""
    empty = [j for j, fill in optional if rnd.random() >= fill]
    if not empty:
        return row
    cells = list(row)
    for j in empty:
        cells[j] = ""
    return tuple(cells)


def full_name(first: str, last: str, style: str) -> str:
    """One name column: "Jean Dupont", or "DUPONT Jean" where the surname comes first."""
    parts = (last.upper(), first) if style == "LAST_first" else (first, last)
    return " ".join(x for x in parts if x)


def _extra(field: str, cols: dict[str, list[str]], n: int, rng: np.random.Generator) -> list[str]:
    """A bookkeeping column (ids, timestamps, consent flags) for all rows of a table."""
    if field == "$sfid":
        chars = _ID_CHARS[rng.integers(0, len(_ID_CHARS), size=(n, 15))]
        return ["003" + "".join(row) for row in chars.tolist()]
    if field == "$uuid":
        return [f"{x:016x}" for x in rng.integers(0, 2**63, size=n).tolist()]
    if field == "$badge":
        return [f"B{x:07d}" for x in rng.integers(0, 10**7, size=n).tolist()]
    if field in ("$updated", "$updated_iso", "$scan"):
        minutes = rng.integers(0, 60 * 24 * 700, size=n)
        stamps = (_EPOCH + minutes.astype("timedelta64[m]")).astype(str).tolist()
        if field == "$updated":
            return [s[:10] for s in stamps]
        if field == "$updated_iso":
            return [s + ":00Z" for s in stamps]
        return [f"2025-03-{11 + int(s[9]) % 4} {s[11:16]}" for s in stamps]
    if field in _CHOICES:
        values, p = _CHOICES[field]
        return rng.choice(np.array(values), size=n, p=p).tolist()
    if field == "$academic":  # a property of the person, so the same on every row
        keys = [int(person) * 2654435761 % 1000 for person in cols["_person"]]
        return [_ACADEMIC[k % len(_ACADEMIC)] if k < 90 else "" for k in keys]
    raise ValueError(f"unknown bookkeeping field {field}")


def _column(field: str, cols: dict[str, list[str]], table: Table) -> list[str]:
    if field == "full":
        style = table.full_name
        return [full_name(f, la, style) for f, la in zip(cols["first"], cols["last"], strict=True)]
    values = cols[field]
    if field == "salutation":
        words = SALUTATIONS[table.language]
        return [words[v == "f"] if v else "" for v in values]
    if field == "country":
        names = COUNTRY_NAMES[table.countries]
        return [names[v] if v else "" for v in values]
    if field == "dob":
        fmt = table.date_format
        return [date.fromisoformat(v).strftime(fmt) if v else "" for v in values]
    return list(values)


def render(rows: list[Row], table: Table, rng: np.random.Generator) -> list[tuple[str, ...]]:
    """The table's cells, built column by column."""
    n = len(rows)
    cols = (
        dict(zip(FIELDS, (list(c) for c in zip(*rows, strict=True)), strict=True))
        if n
        else {f: [] for f in FIELDS}
    )
    columns = []
    for col in table.columns:
        if col.field.startswith("$"):
            columns.append(_extra(col.field, cols, n, rng))
            continue
        columns.append(_column(col.field, cols, table))
    return list(zip(*columns, strict=True))
