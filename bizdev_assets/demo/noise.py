"""The ways a duplicate record of a person differs from their other records.

Each noise takes a rendered row (a dict of canonical fields, phones still as
`Phone` objects) and changes it in place, returning False when it does not apply
(no nickname for "Zacharie", no e-mail to drop), so the caller can fall back and
the label names only noise that was really applied.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bizdev_assets.demo.companies import company_variants
from bizdev_assets.demo.names import NICKNAMES
from bizdev_assets.demo.pools import below, pick
from bizdev_assets.demo.population import Population
from bizdev_assets.demo.vocab import ROLE_LOCALS

Row = dict[str, object]

_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS = {
    r[i]: r[max(i - 1, 0) : i] + r[i + 1 : i + 2] for r in _KEY_ROWS for i in range(len(r))
}
PLUS_TAGS = ("expo", "news", "paris", "work", "crm", "2026")


@dataclass
class Context:
    prng: random.Random
    pop: Population
    entity: int
    single_phone: bool  # the file has one phone column (web form, partner list)


def typo(prng: random.Random, s: str) -> str:
    """One keyboard slip: swapped, dropped, doubled or neighbouring letter."""
    i = 1 + below(prng, len(s) - 2)
    op = below(prng, 4)
    if op == 0:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if op == 1:
        return s[:i] + s[i + 1 :]
    if op == 2:
        return s[:i] + s[i] + s[i:]
    near = _NEIGHBOURS.get(s[i].lower())
    return s[:i] + pick(prng, near) + s[i + 1 :] if near else s[:i] + s[i + 1 :]


def _typo(row: Row, ctx: Context) -> bool:
    fields = ["last", "first"] if ctx.prng.random() < 0.55 else ["first", "last"]
    for field in fields:
        value = str(row[field] or "")
        if len(value) >= 4:
            row[field] = typo(ctx.prng, value)
            return True
    return False


def _nickname(row: Row, ctx: Context) -> bool:
    short = NICKNAMES.get(str(row["first"]))
    if not short:
        return False
    row["first"] = pick(ctx.prng, short)
    return True


def _case_whitespace(row: Row, ctx: Context) -> bool:
    first, last = str(row["first"]), str(row["last"])
    op = below(ctx.prng, 5) if first.upper() != first.lower() else 3
    if op == 0:
        row["first"], row["last"] = first.upper(), last.upper()
    elif op == 1:
        row["last"] = last.upper()  # badge style: "Anna SCHMIDT"
    elif op == 2:
        row["first"], row["last"] = first.lower(), last.lower()
    elif op == 3:
        row["first"], row["last"] = f" {first}", f"{last}  "
        row["company"] = str(row["company"]).replace(" ", "  ", 1) + " "
    else:
        email = str(row["email"] or "")
        if not email:
            return False
        row["email"] = email.upper()  # a badge scanner's capitals
    return True


def _name_swap(row: Row, ctx: Context) -> bool:
    row["first"], row["last"] = row["last"], row["first"]
    return True


def _company_variant(row: Row, ctx: Context) -> bool:
    row["company"] = pick(ctx.prng, company_variants(ctx.pop.companies, int(row["company_id"])))
    return True


def _email_variant(row: Row, ctx: Context) -> bool:
    email = str(row["email"] or "")
    if not email:
        return False
    local, domain = email.split("@")
    prng = ctx.prng
    personal = ctx.pop.people.personal_email[ctx.entity]
    if domain == "gmail.com":
        op = below(prng, 3)
        if op == 0 and "." in local:
            row["email"] = f"{local.replace('.', '')}@{domain}"
        elif op == 1:
            row["email"] = f"{local}+{pick(prng, PLUS_TAGS)}@{domain}"
        else:
            row["email"] = f"{local}@googlemail.com"
    elif personal and email != personal:
        row["email"] = personal
    else:
        row["email"] = (
            ".".join(p.capitalize() for p in local.split(".")) + "@" + domain.capitalize()
        )
    return True


def _missing_email(row: Row, ctx: Context) -> bool:
    if not row["email"] or row.get("email_required"):
        return False
    row["email"] = None
    return True


def _missing_phone(row: Row, ctx: Context) -> bool:
    if not row["phone"] and not row["mobile"]:
        return False
    row["phone"] = row["mobile"] = None
    return True


def _phone_variant(row: Row, ctx: Context) -> bool:
    people, comps = ctx.pop.people, ctx.pop.companies
    board = comps.switchboard[int(row["company_id"])]
    own_mobile = people.mobile[ctx.entity]
    direct = people.direct[ctx.entity]
    if row["mobile"] and row["phone"]:
        row["phone"], row["mobile"] = row["mobile"], None
    elif row["phone"] is board and direct:
        row["phone"] = direct
    elif row["phone"] is not None and row["phone"] is direct:
        row["phone"] = board
    elif own_mobile and row["phone"] is not own_mobile:
        row["phone"] = own_mobile
    else:
        return False
    return True


def _job_change(row: Row, ctx: Context) -> bool:
    """New employer, title and work address; the personal e-mail or mobile stays."""
    people, comps, e = ctx.pop.people, ctx.pop.companies, ctx.entity
    new = people.new_company[e]
    if new < 0:
        return False
    row["company_id"] = new
    row["company"] = comps.name[new]
    row["website"] = f"https://www.{comps.domain[new]}"
    row["title"] = people.new_title[e]
    personal = people.personal_email[e]
    row["email"] = personal if personal and ctx.prng.random() < 0.5 else people.new_email[e]
    own_mobile = people.mobile[e]
    if ctx.single_phone:
        row["phone"] = (
            own_mobile if own_mobile and row["email"] != personal else comps.switchboard[new]
        )
    else:
        row["phone"], row["mobile"] = comps.switchboard[new], own_mobile
    row["updated_at"] = people.t0[e] + 400 * 86400 + below(ctx.prng, 150 * 86400)
    return True


def _role_email(row: Row, ctx: Context) -> bool:
    domain = ctx.pop.companies.domain[int(row["company_id"])]
    row["email"] = f"{pick(ctx.prng, ROLE_LOCALS)}@{domain}"
    return True


def _exact(row: Row, ctx: Context) -> bool:
    return True


NOISE_FUNCS: dict[str, Callable[[Row, Context], bool]] = {
    "exact": _exact,
    "typo": _typo,
    "nickname": _nickname,
    "case_whitespace": _case_whitespace,
    "name_swap": _name_swap,
    "company_variant": _company_variant,
    "email_variant": _email_variant,
    "missing_email": _missing_email,
    "missing_phone": _missing_phone,
    "phone_variant": _phone_variant,
    "job_change": _job_change,
    "role_email": _role_email,
}


def apply_noise(row: Row, ctx: Context, primary: str, secondary: str | None) -> str:
    """Apply the planned noise (falling back to a typo, then to none); return the label."""
    applied = next(n for n in (primary, "typo", "exact") if NOISE_FUNCS[n](row, ctx))
    if secondary and secondary != applied and NOISE_FUNCS[secondary](row, ctx):
        return f"{applied}+{secondary}"
    return applied
