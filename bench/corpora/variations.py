"""Labelled variations: which ones a second record of a person carries, in what mix.

Tags are drawn per duplicate from a configurable mix among those that apply to the
person and to the file's columns, then applied (edits.py) in a fixed order. Only tags that
changed what the file shows are written to the labels, so a label never claims a
variation the row does not carry (an edited cell the file leaves empty does not count).
"""

from __future__ import annotations

import random

from .edits import APPLY, Context, Record
from .names import FORMAL, NICKNAMES, has_accents
from .records import full_name

# Canonical order: tags apply, and are written, in this order.
TAGS: tuple[str, ...] = (
    "job_change", "other_email", "secondary_columns", "no_email", "one_surname", "nickname",
    "initial", "accents_stripped", "swapped", "full_name_in_first", "typo", "case_whitespace",
    "phone_format", "address_variant", "exact",
)  # fmt: skip
CONFLICTS: dict[str, set[str]] = {
    "nickname": {"initial"}, "initial": {"nickname"},
    "swapped": {"full_name_in_first"}, "full_name_in_first": {"swapped"},
    "no_email": {"other_email", "job_change", "secondary_columns"},
    "other_email": {"no_email", "job_change"}, "job_change": {"other_email", "no_email"},
    "secondary_columns": {"no_email"},
}  # fmt: skip
TAGS_PER_DUPLICATE = ((1, 0.65), (2, 0.28), (3, 0.07))


def choose(applicable: list[str], mix: dict[str, float], rnd: random.Random) -> list[str]:
    """1-3 tags, weighted by the mix, without conflicting pairs; `exact` only alone."""
    u, k = rnd.random(), 1
    for count, share in TAGS_PER_DUPLICATE:
        if u < share:
            k = count
            break
        u -= share
    pool = [t for t in applicable if mix.get(t, 0.0) > 0]
    chosen: list[str] = []
    while pool and len(chosen) < k:
        tag = rnd.choices(pool, weights=[mix[t] for t in pool])[0]
        chosen.append(tag)
        if tag == "exact":
            break
        pool = [t for t in pool if t != tag and t != "exact" and t not in CONFLICTS.get(tag, ())]
    return sorted(chosen, key=TAGS.index)


def applicable(rec: Record, i: int, ctx: Context) -> list[str]:
    """Tags that can change this record in this table."""
    p, f = ctx.people, ctx.fields
    both_mails = bool(p.work_email[i] and p.personal_email[i])
    names = rec["first"] + rec["last"]
    out = ["typo", "case_whitespace", "exact", "initial"]
    out += ["swapped"] if "first" in f or "full" in f else []
    out += ["full_name_in_first"] if "first" in f else []
    out += ["one_surname"] if p.surname2[i] else []
    out += ["nickname"] if rec["first"] in NICKNAMES or rec["first"] in FORMAL else []
    address = [rec["street"], rec["city"]] if "street" in f and "city" in f else []
    out += ["accents_stripped"] if has_accents(names + "".join(address)) else []
    if "email" in f and rec["email"]:
        out += ["no_email"] + (["other_email"] if both_mails else [])
    if ("company" in f or "email" in f) and len(ctx.companies) > 1:
        out.append("job_change")
    if ({"phone", "mobile"} & f) and (rec.get("_phone") or rec.get("_mobile")):
        out.append("phone_format")
    if ("email2" in f and both_mails and rec["email"]) or (
        "mobile2" in f and (rec["phone"] or rec["mobile"])
    ):
        out.append("secondary_columns")
    if "street" in f or "postcode" in f:
        out.append("address_variant")
    return out


def _visible(rec: Record, ctx: Context) -> list[str]:
    full = [full_name(rec["first"], rec["last"], ctx.full_name)] if "full" in ctx.fields else []
    return [rec.get(k, "") for k in ctx.fields] + full


def vary(rec: Record, i: int, tags: list[str], ctx: Context) -> list[str]:
    """Apply tags in canonical order; return the ones that changed what the file shows."""
    done = []
    for tag in tags:
        before = _visible(rec, ctx)
        if APPLY[tag](rec, i, ctx) and (tag == "exact" or _visible(rec, ctx) != before):
            done.append(tag)
    return done or ["exact"]


__all__ = ["APPLY", "CONFLICTS", "TAGS", "Context", "applicable", "choose", "vary"]
