"""E-mail addresses the way companies and people make them.

A company picks one pattern for everyone (first.last, flast, f.last, firstl, first,
first_last) and resolves collisions with digits (hans.mueller2@); namesakes at the same
company therefore get near-identical addresses. Private addresses at free-mail providers
follow personal habits (birth years, nicknames, random numbers). Small firms also hand
out one shared role address (info@, kontakt@) that several colleagues put in forms.
"""

from __future__ import annotations

from .companies import PATTERNS
from .names import FORMAL, NICKNAMES, email_token

ROLE_LOCALS: dict[str, tuple[str, ...]] = {
    "de": ("info", "kontakt", "office", "vertrieb"),
    "fr": ("contact", "info", "accueil", "commercial"),
    "es": ("info", "contacto", "administracion", "comercial"),
    "pt": ("contato", "comercial", "atendimento", "vendas"),
    "it": ("info", "amministrazione", "commerciale", "segreteria"),
    "pl": ("biuro", "kontakt", "info", "sekretariat"),
    "nl": ("info", "verkoop", "administratie", "receptie"),
    "en": ("info", "sales", "office", "hello"),
}


def surname_token(surname1: str, surname2: str, german: bool, first_only: bool) -> str:
    if surname2 and not first_only:
        return email_token(surname1, german) + email_token(surname2, german)
    return email_token(surname1, german)


def work_local(pattern: int, first: str, last: str) -> str:
    """Local part from folded name tokens, by the company's pattern."""
    kind = PATTERNS[pattern]
    f = first[:1]
    if kind == "first.last":
        return f"{first}.{last}"
    if kind == "flast":
        return f"{f}{last}"
    if kind == "f.last":
        return f"{f}.{last}"
    if kind == "firstl":
        return f"{first}{last[:1]}"
    if kind == "first":
        return first
    return f"{first}_{last}"


# Private-address habits and how common each is (cumulative shares).
_HABITS: tuple[tuple[float, str], ...] = (
    (0.22, "{first}.{last}"), (0.34, "{first}{last}"), (0.40, "{first}_{last}"),
    (0.50, "{f}{last}{yy}"), (0.58, "{first}{yy}"), (0.65, "{last}.{first}"),
    (0.75, "{first}.{last}{nn}"), (0.81, "{first}{nn}"), (0.86, "{first}.{l}"),
    (0.91, "{last}{f}"), (0.96, "{nick}{last}"), (1.01, "{first}-{last}"),
)  # fmt: skip


def personal_local(first: str, last: str, formal_first: str, yy: str, r: float) -> str:
    """A private address's local part; `r` in [0, 1) picks a habit and its numbers."""
    habit = next(h for bound, h in _HABITS if r < bound)
    nicks = NICKNAMES.get(formal_first, ())
    nick = email_token(nicks[0], False) if nicks and "{nick}" in habit else first
    nn = int(r * 1e6) % 97 + 1
    return habit.format(first=first, last=last, f=first[:1], l=last[:1], yy=yy, nn=nn, nick=nick)


def formal_name(first: str) -> str:
    return FORMAL.get(first, first)


class Mailboxes:
    """Every address handed out so far, so that a new one never collides by accident."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, local: str, domain: str, salt: int = 0) -> str:
        """local@domain, or with the digits a mail admin (2, 3...) or a free-mail user
        (a number of their own, from `salt`) adds when it is taken."""
        address = f"{local}@{domain}"
        k = 1
        while address in self.taken:
            k += 1
            suffix = k if not salt else (salt * 31 + k) % 997 + 2
            address = f"{local}{suffix}@{domain}"
        self.taken.add(address)
        return address
