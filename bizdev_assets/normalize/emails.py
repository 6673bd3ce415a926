"""Email addresses: cleaning, validation, match keys and free/disposable/role flags.

Validation is `email_validator` (syntax only, no DNS). It costs ~20 µs an address, so
plain addresses that a conservative regex accepts skip it: the regex
accepts only what email_validator accepts unchanged (tests compare the two), and
everything else still goes through email_validator.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import polars as pl
from disposable_email_domains import blocklist
from email_validator import EmailNotValidError, validate_email

from bizdev_assets.normalize.text import map_unique, quote, quote_expr

EMAIL_COLUMNS: dict[str, pl.DataType] = {
    "email": pl.String(),
    "email_valid": pl.Boolean(),
    "email_local": pl.String(),
    "email_domain": pl.String(),
    "email_match_key": pl.String(),
    "is_free_email": pl.Boolean(),
    "is_disposable_email": pl.Boolean(),
    "is_role_email": pl.Boolean(),
    "email_note": pl.String(),
}

MAX_EMAIL_LENGTH = 254

GMAIL_DOMAINS = ("gmail.com", "googlemail.com")

ROLE_LOCAL_PARTS: frozenset[str] = frozenset(
    [
        "info",
        "information",
        "sales",
        "admin",
        "administrator",
        "support",
        "contact",
        "contacts",
        "hello",
        "hi",
        "office",
        "team",
        "marketing",
        "noreply",
        "no-reply",
        "no_reply",
        "donotreply",
        "do-not-reply",
        "billing",
        "accounts",
        "accounting",
        "invoices",
        "invoice",
        "finance",
        "hr",
        "jobs",
        "job",
        "careers",
        "career",
        "recruiting",
        "recruitment",
        "enquiries",
        "enquiry",
        "inquiries",
        "inquiry",
        "kontakt",
        "mail",
        "email",
        "webmaster",
        "postmaster",
        "hostmaster",
        "abuse",
        "security",
        "privacy",
        "legal",
        "compliance",
        "press",
        "media",
        "pr",
        "news",
        "newsletter",
        "service",
        "services",
        "customerservice",
        "customer-service",
        "help",
        "helpdesk",
        "it",
        "ops",
        "operations",
        "orders",
        "order",
        "shop",
        "store",
        "booking",
        "bookings",
        "reservations",
        "reception",
        "frontdesk",
        "general",
        "team",
        "partners",
        "partnerships",
        "bizdev",
        "business",
        "vertrieb",
        "verkauf",
        "buero",
        "büro",
        "zentrale",
        "service",
        "contacto",
        "ventas",
        "bonjour",
        "commercial",
        "direction",
        # the same mailboxes in the other languages of our files
        "accueil",
        "secretariat",
        "administracion",
        "comercial",
        "atencion",
        "contato",
        "atendimento",
        "vendas",
        "comercial",
        "amministrazione",
        "commerciale",
        "segreteria",
        "ufficio",
        "biuro",
        "sekretariat",
        "recepcja",
        "verkoop",
        "administratie",
        "receptie",
        "secretariaat",
        "kantoor",
        "buro",
    ]
)

# Accepts a subset of what email_validator accepts unchanged: a dot-atom local part of
# letters (already lowercased and NFC), digits and _%+-; an ASCII domain of
# LDH labels without "--" (IDNA rules), alphabetic TLD, no special-use names.
# Non-ASCII letters are limited to long-assigned blocks (Latin, Greek, Cyrillic, CJK,
# kana, Hangul): polars' Unicode tables are newer than Python's, and email_validator
# rejects letters its Python does not know yet.
_LETTER = (
    r"[a-z0-9_%+\-]|[\p{L}&&[\x{00C0}-\x{024F}\x{0370}-\x{04FF}\x{3041}-\x{30FF}"
    r"\x{4E00}-\x{9FD5}\x{AC00}-\x{D7A3}]]"
)
_FAST_VALID = (
    rf"^(?:{_LETTER})+(?:\.(?:{_LETTER})+)*"
    r"@(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_DISPOSABLE = sorted(blocklist)

_FAST_EXCLUDE = r"--|\.(?:arpa|invalid|local|localhost|onion|test)$"


@lru_cache(maxsize=1)
def free_email_domains() -> frozenset[str]:
    path = Path(__file__).with_name("free_email_domains.txt")
    lines = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _clean_email_expr(expr: pl.Expr) -> pl.Expr:
    """ "Bob <MAILTO:Bob@X.com>;" -> "bob@x.com" (not yet validated)."""
    lowered = expr.str.to_lowercase()
    bracketed = lowered.str.extract(r"<([^<>]*)>", 1)
    inner = pl.coalesce(bracketed, lowered)
    # A quoted local part ("a b"@x.com) keeps its quotes, so validation names the problem.
    quotes = pl.when(inner.str.contains('"@')).then(pl.lit(" '`;,")).otherwise(pl.lit(" \"'`;,"))
    return inner.str.strip_chars(quotes).str.replace(r"^mailto:", "").str.strip_chars(quotes)


def _is_nfc(expr: pl.Expr) -> pl.Expr:
    return expr == expr.str.normalize("NFC")


def _validate_slow(address: str) -> tuple[str | None, str | None]:
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as err:
        return None, f"email: {quote(address)} is not a valid address ({err})"
    normalized = result.normalized.lower()
    if len(normalized) > MAX_EMAIL_LENGTH:
        return None, f"email: {quote(address)} is longer than {MAX_EMAIL_LENGTH} characters"
    return normalized, None


def email_columns(raw: pl.Series) -> pl.DataFrame:
    """Cleaned raw email strings -> the email columns of contacts_normalized, one row per input.

    `email_valid` is null when no email was given. Flags are null without a valid email.
    `email_note` carries the reason an address was rejected.
    """
    frame = pl.DataFrame({"raw": raw.cast(pl.String)})
    frame = frame.with_columns(candidate=_clean_email_expr(pl.col("raw")))
    frame = frame.with_columns(
        fast=pl.col("candidate").str.contains(_FAST_VALID)
        & ~pl.col("candidate").str.contains(_FAST_EXCLUDE)
        & (pl.col("candidate").str.len_bytes() <= MAX_EMAIL_LENGTH)
        & (pl.col("candidate").str.split("@").list.first().str.len_bytes() <= 64)
        & (pl.col("candidate").str.contains(r"^[\x00-\x7f]*$") | _is_nfc(pl.col("candidate")))
    )
    slow_input = frame.select(
        pl.when(pl.col("fast").not_() & pl.col("candidate").is_not_null()).then(pl.col("candidate"))
    ).to_series()
    slow = map_unique(
        slow_input,
        _validate_slow,
        {"slow_email": pl.String(), "slow_note": pl.String()},
    )
    frame = frame.hstack(slow).with_columns(
        email=pl.when(pl.col("fast")).then(pl.col("candidate")).otherwise(pl.col("slow_email"))
    )
    email = pl.col("email")
    domain = email.str.extract(r"@([^@]*)$", 1)
    local = email.str.extract(r"^(.*)@[^@]*$", 1)
    local_untagged = local.str.replace(r"\+.*$", "")
    is_gmail = domain.is_in(GMAIL_DOMAINS)
    match_local = (
        pl.when(is_gmail)
        .then(local_untagged.str.replace_all(".", "", literal=True))
        .otherwise(local_untagged)
    )
    match_domain = pl.when(is_gmail).then(pl.lit("gmail.com")).otherwise(domain)
    has_email = email.is_not_null()

    def flag(condition: pl.Expr) -> pl.Expr:
        return pl.when(has_email).then(condition)

    invalid_note = pl.coalesce(
        pl.col("slow_note"),
        pl.lit("email: ")
        + quote_expr(pl.col("raw"))
        + pl.lit(" is not a valid address (nothing left after cleaning)"),
    )
    out = frame.select(
        email,
        email_valid=pl.when(pl.col("raw").is_null()).then(None).otherwise(has_email),
        email_local=local,
        email_domain=domain,
        email_match_key=pl.when(has_email).then(match_local + pl.lit("@") + match_domain),
        is_free_email=flag(domain.is_in(sorted(free_email_domains()))),
        is_disposable_email=flag(domain.is_in(_DISPOSABLE)),
        is_role_email=flag(local_untagged.is_in(sorted(ROLE_LOCAL_PARTS))),
        email_note=pl.when(pl.col("raw").is_not_null() & ~has_email).then(invalid_note),
    )
    return out.cast(EMAIL_COLUMNS)


def normalize_email(value: str | None) -> dict[str, object]:
    """One address through `email_columns`: the email fields as a dict."""
    return email_columns(pl.Series([value], dtype=pl.String)).row(0, named=True)
