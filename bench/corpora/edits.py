"""The edits behind each variation tag: how a person's record changes in another file.

Each function changes a record (a dict of logical fields, see records.FIELDS) in place
and returns whether it did anything. They only look at the record, the person behind it
(People) and the companies, through a Context.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import addresses, phones
from .companies import Companies
from .emails import Mailboxes, surname_token, work_local
from .locales import LOCALES, Locale
from .names import FORMAL, NICKNAMES, email_token, has_accents, strip_accents, transliterate
from .people import People

Record = dict[str, str]
_BY_COUNTRY: dict[str, Locale] = {loc.country: loc for loc in LOCALES}
_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@dataclass
class Context:
    """What the variation functions may look at besides the record itself."""

    people: People
    companies: Companies
    mail: Mailboxes
    fields: frozenset[str]  # logical fields of the record's table
    full_name: str  # the table's one-column name style (see records.full_name)
    rnd: random.Random
    firms_by_locale: list[list[int]] = field(default_factory=list)


def _other_email(rec: Record, i: int, ctx: Context) -> bool:
    """The person's other address: private instead of work, or the reverse."""
    p = ctx.people
    other = p.personal_email[i] if rec["email"] == p.work_email[i] else p.work_email[i]
    changed = bool(other) and other != rec["email"]
    rec["email"] = other if changed else rec["email"]
    return changed


def _another_firm(firms: list[int], old_name: str, ctx: Context) -> int:
    """A firm with another name (distinct companies can share one), or -1."""
    for _ in range(5):
        firm = firms[ctx.rnd.randrange(len(firms))]
        if ctx.companies.name[firm].casefold() != old_name.casefold():
            return firm
    return -1


def _job_change(rec: Record, i: int, ctx: Context) -> bool:
    """New employer: company, work e-mail, title, office line, and the company's address
    for people filed under it. Cells the file leaves empty stay empty."""
    p, c, rnd = ctx.people, ctx.companies, ctx.rnd
    old = int(p.company[i])
    home = int(c.locale[old]) if old >= 0 and rnd.random() < 0.8 else int(p.locale[i])
    new = _another_firm(
        ctx.firms_by_locale[home] or list(range(len(c))), c.name[old] if old >= 0 else "", ctx
    )
    if new < 0:
        return False
    loc = LOCALES[int(c.locale[new])]
    last = surname_token(
        p.surname1[i], p.surname2[i], loc.umlaut_email, bool(c.first_surname_only[new])
    )
    local = work_local(int(c.pattern[new]), email_token(p.first[i], loc.umlaut_email), last)
    board = c.switchboard[new]
    office = board if rnd.random() < 0.4 else phones.direct_line(board, rnd.random())
    title = rnd.choice([t for t in loc.titles if t != rec["title"]])
    changes = {"company": c.name[new], "website": c.website[new], "title": title, "_phone": office,
               "phone": phones.render(office, int(p.phone_style[i]))}  # fmt: skip
    if p.at_company_address[i]:
        changes.update(
            street=c.street[new], postcode=c.postcode[new], city=c.city[new], country=loc.country
        )
        rec["_country"] = loc.country
    for key, value in changes.items():
        rec[key] = value if rec[key] else ""
    rec["email"] = ctx.mail.claim(local, c.domain[new])
    return True


def _secondary_columns(rec: Record, i: int, ctx: Context) -> bool:
    """The person's other address in an extra column (or the one usually shown moved
    there), or a phone number typed into the extra phone column instead of its own."""
    p = ctx.people
    private = p.personal_email[i]
    other = private if rec["email"] != private else p.work_email[i]  # after a job change: private
    if "email2" in ctx.fields and other and rec["email"]:
        if ctx.rnd.random() < 0.5:
            rec["email2"] = other
        else:
            rec["email2"], rec["email"] = rec["email"], other
        return True
    shown = [k for k in ("mobile", "phone") if rec[k]]
    if "mobile2" in ctx.fields and shown:  # the number typed into the extra column instead
        key = shown[ctx.rnd.randrange(len(shown))]
        rec["mobile2"], rec[key] = rec[key], ""
        return True
    return False


def _no_email(rec: Record, i: int, ctx: Context) -> bool:
    rec["email"] = rec["email2"] = ""
    return True


def _one_surname(rec: Record, i: int, ctx: Context) -> bool:
    """Spaniards go by the first surname, Brazilians mostly by the last one."""
    p = ctx.people
    brazilian = LOCALES[int(p.locale[i])].country == "BR"
    keep_first = ctx.rnd.random() < (0.25 if brazilian else 0.75)
    rec["last"] = p.surname1[i] if keep_first else p.surname2[i]
    return bool(p.surname2[i])


def _nickname(rec: Record, i: int, ctx: Context) -> bool:
    first = rec["first"]
    if first in NICKNAMES:
        rec["first"] = ctx.rnd.choice(NICKNAMES[first])
    elif first in FORMAL:
        rec["first"] = FORMAL[first]
    return rec["first"] != first


def _initial(rec: Record, i: int, ctx: Context) -> bool:
    """H. Müller, H Müller; compound names sometimes initial by initial: J.-P., M. J."""
    first, dot = rec["first"], "." if ctx.rnd.random() < 0.6 else ""
    if len(first) < 2:
        return False
    if ctx.rnd.random() < 0.5 and (" " in first or "-" in first):
        rec["first"] = re.sub(r"(\w)\w*", rf"\1{dot}", first)
    else:
        rec["first"] = first[0] + dot
    return True


def _accents_stripped(rec: Record, i: int, ctx: Context) -> bool:
    """Müller -> Muller or Mueller (German transliteration), in names and/or address."""
    fold = transliterate if ctx.rnd.random() < 0.4 else strip_accents
    in_names = has_accents(rec["first"] + rec["last"])
    keys = ["first", "last"] + (
        ["street", "city"] if not in_names or ctx.rnd.random() < 0.5 else []
    )
    before = [rec.get(k, "") for k in keys]
    for k in keys:
        if rec.get(k):
            rec[k] = fold(rec[k])
    return before != [rec.get(k, "") for k in keys]


def _swapped(rec: Record, i: int, ctx: Context) -> bool:
    rec["first"], rec["last"] = rec["last"], rec["first"]
    return rec["first"] != rec["last"]


def _full_name_in_first(rec: Record, i: int, ctx: Context) -> bool:
    rec["first"], rec["last"] = f"{rec['first']} {rec['last']}".strip(), ""
    return True


def _typo(rec: Record, i: int, ctx: Context) -> bool:
    """One keyboard slip: neighbouring key, swapped letters, a letter lost or doubled."""
    rnd = ctx.rnd
    targets = [k for k in ("first", "last", "last", "email") if len(rec.get(k, "")) > 3]
    targets = [k for k in targets if k in ctx.fields or "full" in ctx.fields and k != "email"]
    if not targets:
        return False
    key = rnd.choice(targets)
    text = rec[key]
    stop = text.index("@") if key == "email" else len(text)
    pos = rnd.randrange(1, stop - 1) if stop > 2 else 0
    ch, u = text[pos], rnd.random()
    if u < 0.4 and (row := next((r for r in _KEYBOARD if ch.lower() in r), None)):
        j = row.index(ch.lower())
        near = row[j - 1] if j and (j == len(row) - 1 or rnd.random() < 0.5) else row[j + 1]
        new = text[:pos] + (near.upper() if ch.isupper() else near) + text[pos + 1 :]
    elif u < 0.65:
        new = text[:pos] + text[pos + 1] + text[pos] + text[pos + 2 :]
    elif u < 0.85:
        new = text[:pos] + text[pos + 1 :]
    else:
        new = text[:pos] + ch + text[pos:]
    rec[key] = new
    return new != text


def _case_whitespace(rec: Record, i: int, ctx: Context) -> bool:
    """MÜLLER, müller, Hans.Mueller@Firma.De, stray and doubled blanks."""
    before, rnd = dict(rec), ctx.rnd
    u = rnd.random()
    if u < 0.25:
        rec["last"] = rec["last"].upper()
    elif u < 0.4:
        rec["first"], rec["last"] = rec["first"].lower(), rec["last"].lower()
    elif u < 0.5:
        rec["first"], rec["last"] = rec["first"].upper(), rec["last"].upper()
    elif u < 0.65 and rec.get("email"):
        rec["email"] = rec["email"].title() if rnd.random() < 0.5 else rec["email"].upper()
    elif u < 0.85:
        key = rnd.choice([k for k in ("first", "last", "company", "city") if rec[k]])
        rec[key] = f" {rec[key]}  " if rnd.random() < 0.5 else f"{rec[key]} "
    else:
        key = "company" if rec.get("company", "").count(" ") else "last"
        rec[key] = rec[key].replace(" ", "  ", 1) if " " in rec[key] else rec[key].upper()
    return rec != before


def _phone_format(rec: Record, i: int, ctx: Context) -> bool:
    """The same numbers in another of their country's styles (+49 151 ... vs 0151/...)."""
    style = int(ctx.people.phone_style[i])
    number = rec.get("_phone") or rec.get("_mobile") or ""
    n = phones.n_styles(number.split(" ")[0])
    new = style + 1 + ctx.rnd.randrange(n - 1)
    changed = False
    for key, code in (("phone", "_phone"), ("mobile", "_mobile")):
        if rec.get(code) and rec.get(key):
            rec[key] = phones.render(rec[code], new)
            changed = changed or rec[key] != phones.render(rec[code], style)
    return changed


def _address_variant(rec: Record, i: int, ctx: Context) -> bool:
    """Straße/Str., Calle/C/, postal code spacing or lost leading zero (addresses.vary)."""
    loc = _BY_COUNTRY[rec["_country"]]
    varied = addresses.vary(loc, rec.get("street", ""), rec.get("postcode", ""), ctx.rnd)
    if varied is None or varied == (rec.get("street", ""), rec.get("postcode", "")):
        return False
    rec["street"], rec["postcode"] = varied
    return True


APPLY: dict[str, Callable[[Record, int, Context], bool]] = {
    "job_change": _job_change, "other_email": _other_email,
    "secondary_columns": _secondary_columns, "no_email": _no_email,
    "one_surname": _one_surname, "nickname": _nickname, "initial": _initial,
    "accents_stripped": _accents_stripped, "swapped": _swapped,
    "full_name_in_first": _full_name_in_first, "typo": _typo,
    "case_whitespace": _case_whitespace, "phone_format": _phone_format,
    "address_variant": _address_variant, "exact": lambda rec, i, ctx: True,
}  # fmt: skip
