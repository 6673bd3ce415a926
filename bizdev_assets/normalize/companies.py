"""Company names, company match keys, and websites.

`company` is for display: whitespace cleaned, case fixed only when shouted or all
lower case, legal form kept. `company_key` is for matching: "Acme GmbH", "ACME" and
"Acme Gesellschaft mbH" all become "acme"; "Globex, Inc." and "Globex Corporation"
become "globex".
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import polars as pl
import tldextract

from bizdev_assets.normalize.text import (
    ascii_fold,
    has_latin_letters_only,
    map_unique,
    quote_expr,
)

COMPANY_COLUMNS: dict[str, pl.DataType] = {
    "company": pl.String(),
    "company_key": pl.String(),
}
WEBSITE_COLUMNS: dict[str, pl.DataType] = {
    "website": pl.String(),
    "website_domain": pl.String(),
    "website_note": pl.String(),
}

# How legal forms and acronyms are written when a shouted name is re-cased.
_CANONICAL_WORDS = {
    w.lower(): w
    for w in [
        "GmbH",
        "AG",
        "KG",
        "KGaA",
        "OHG",
        "UG",
        "SE",
        "SA",
        "SAS",
        "SARL",
        "SRL",
        "SpA",
        "BV",
        "NV",
        "AB",
        "AS",
        "ASA",
        "ApS",
        "Oy",
        "Oyj",
        "LLC",
        "LLP",
        "LP",
        "PLC",
        "Ltd",
        "Inc",
        "Corp",
        "Co",
        "KK",
        "Pty",
        "Pte",
        "Ltd.",
        "Inc.",
        "Corp.",
        "Co.",
        "e.V.",
        "S.A.",
        "S.L.",
        "S.p.A.",
        "B.V.",
        "N.V.",
        "mbH",
        "&",
        "and",
        "of",
        "the",
        "for",
        "und",
        "de",
        "des",
        "du",
        "la",
        "le",
        "et",
        "y",
        "del",
    ]
}
_LOWER_WORDS = frozenset(
    ["and", "of", "the", "for", "und", "de", "des", "du", "la", "le", "et", "y", "del"]
)


@lru_cache(maxsize=1)
def _legal_suffixes() -> list[tuple[str, ...]]:
    path = Path(__file__).with_name("legal_suffixes.txt")
    rows = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    suffixes = {tuple(line.split()) for line in rows if line and not line.startswith("#")}
    return sorted(suffixes, key=len, reverse=True)


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # The bundled public-suffix list: no network access at run time.
    return tldextract.TLDExtract(suffix_list_urls=())


def _fix_company_word(word: str, index: int, shouted: bool) -> str:
    lower = word.lower()
    if lower in _CANONICAL_WORDS and (index > 0 or lower not in _LOWER_WORDS):
        return _CANONICAL_WORDS[lower]
    if shouted and len(word) <= 3 and word.isalpha():
        return word  # "IBM", "SAP", "BMW": acronyms are usually shouted on purpose
    return lower[:1].upper() + lower[1:]


def display_company(value: str) -> str:
    """Case-fix an all-upper or all-lower company name ("ACME GMBH" -> "Acme GmbH")."""
    letters = [ch for ch in value if ch.isalpha()]
    if not letters or not has_latin_letters_only(value):
        return value
    shouted = value == value.upper()
    if not shouted and value != value.lower():
        return value
    return " ".join(_fix_company_word(w, i, shouted) for i, w in enumerate(value.split(" ")))


def company_key(value: str) -> str | None:
    """Matching key: folded, lowercase, no punctuation, no legal suffix, no leading "the"."""
    text = ascii_fold(value).lower().replace(".", "").replace("&", " & ")
    tokens = re.sub(r"[^\w&]+", " ", text).split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    changed = True
    while changed and tokens:
        changed = False
        for suffix in _legal_suffixes():
            n = len(suffix)
            if len(tokens) > n and tuple(tokens[-n:]) == suffix:
                tokens = tokens[:-n]
                changed = True
                break
        while len(tokens) > 1 and tokens[-1] in ("&", "and"):
            tokens = tokens[:-1]
            changed = True
    key = " ".join("and" if t == "&" else t for t in tokens)
    return key or None


def _company_row(value: str) -> tuple[str, str | None]:
    return display_company(value), company_key(value)


def company_columns(company: pl.Series) -> pl.DataFrame:
    """Cleaned company names -> company (display) and company_key."""
    return map_unique(company.cast(pl.String), _company_row, COMPANY_COLUMNS)


def _host_expr(expr: pl.Expr) -> pl.Expr:
    text = expr.str.to_lowercase().str.strip_chars()
    # "info@acme.com" in a website column names the domain
    text = (
        pl.when(text.str.contains(r"^[^/\s]+@[^/\s]+$"))
        .then(text.str.extract(r"@(.+)$", 1))
        .otherwise(text)
    )
    host = (
        text.str.replace(r"^[a-z][a-z0-9+.\-]*://", "")
        .str.replace(r"^[^/@]*@", "")
        .str.extract(r"^([^/?#:\s]*)", 1)
        .str.strip_chars(".")
        .str.replace(r"^www\d*\.", "")
    )
    return host


def _website_row(host: str) -> tuple[str | None, str | None, str | None]:
    if not re.fullmatch(r"[\w\-]+(\.[\w\-]+)+", host):
        return None, None, "is not a web address"
    parts = _extractor()(host)
    domain = parts.top_domain_under_public_suffix
    if not domain:
        return None, None, "has no known public suffix"
    return f"https://{host}", domain, None


def website_columns(website: pl.Series) -> pl.DataFrame:
    """Cleaned website strings -> website ("https://host", no "www."), website_domain
    (registered domain, e.g. "acme.co.uk") and website_note."""
    frame = pl.DataFrame({"raw": website.cast(pl.String)}).with_columns(
        host=_host_expr(pl.col("raw"))
    )
    looked_up = map_unique(
        frame.get_column("host"),
        _website_row,
        {"website": pl.String(), "website_domain": pl.String(), "_problem": pl.String()},
    )
    frame = frame.hstack(looked_up)
    problem = pl.coalesce("_problem", pl.lit("is not a web address"))
    note = pl.when(pl.col("raw").is_not_null() & pl.col("website").is_null()).then(
        pl.lit("website: ") + quote_expr(pl.col("raw")) + pl.lit(" ") + problem
    )
    return frame.select("website", "website_domain", note.alias("website_note")).cast(
        WEBSITE_COLUMNS
    )
