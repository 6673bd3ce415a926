"""E-mail addresses of demo people: work patterns, free-mail habits, uniqueness.

Work addresses follow one pattern per company (`first.last@`, `flast@` ...), so a
resolver can learn a company's pattern; personal addresses are free-mail with the
shapes people pick (`anna.schmidt84@gmx.de`), which the gmail-dot and +tag noise
later varies.
"""

from __future__ import annotations

import functools
import random

from bizdev_assets.demo.pools import ascii_fold
from bizdev_assets.demo.vocab import FREE_MAIL


@functools.lru_cache(maxsize=65536)  # names repeat: they come from pools of a few thousand
def slug(name: str) -> str:
    """The form of a name inside an e-mail address: 'Marie-Thérèse' -> 'marie-therese'."""
    return "".join(ch for ch in ascii_fold(name).lower() if ch.isalnum() or ch == "-")


def work_local(pattern: str, first: str, last: str) -> str:
    """The local part of a work address in the company's pattern (vocab.EMAIL_PATTERNS)."""
    f, last_ = slug(first) or "x", slug(last) or "x"
    return {
        "first.last": f"{f}.{last_}",
        "flast": f[0] + last_,
        "first": f,
        "firstlast": f + last_,
        "first_last": f"{f}_{last_}",
        "f.last": f"{f[0]}.{last_}",
        "firstl": f + last_[0],
    }[pattern]


def unique(address: str, taken: set[str]) -> str:
    """A second John Smith at acme.com gets john.smith2@acme.com."""
    local, domain = address.split("@")
    k = 1
    while address in taken:
        k += 1
        address = f"{local}{k}@{domain}"
    taken.add(address)
    return address


def personal_address(prng: random.Random, first: str, last: str, code: str) -> str:
    """A free-mail address in one of the shapes people pick for themselves."""
    f, last_ = slug(first) or "x", slug(last) or "x"
    choice = int(prng.random() * 8)
    number = 10 + int(prng.random() * 90)
    local = (
        f"{f}.{last_}", f"{f}.{last_}", f + last_, f"{f}.{last_}{number}", f"{f[0]}{last_}{number}",
        f"{f}{60 + number % 40}", f"{last_}.{f}", f"{f}_{last_}",
    )[choice]  # fmt: skip
    domains = FREE_MAIL[code]
    return f"{local}@{domains[int(prng.random() * len(domains))]}"
