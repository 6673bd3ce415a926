"""Text helpers shared by the field normalizers: cleaning, formula detection, folding.

The per-value work of normalization is Python (nameparser, phonenumbers ...), which is
too slow to run per row on a million rows. `map_unique` runs a function once per
distinct value and joins the results back, so cost follows cardinality, not row count.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

# A spreadsheet runs a cell starting with = + - @ tab or CR as a formula (OWASP "CSV
# injection": "=HYPERLINK(..)", "@SUM(..)", "-2+3+cmd|' /C calc'!A0"). A value that is
# only a number as phones are written ("+49 89 1234", "-1", "+1 (415) 555-0134 x12") is
# not a formula, so phone numbers survive.
FORMULA_START = r"^[=+\-@\t\r]"
_NUMBER_LIKE = r"^[+\-]?[\d\s().\-/]*(?:(?:ext\.?|x|#)\s*\d+)?$"


def formula_like(expr: pl.Expr) -> pl.Expr:
    """True where a spreadsheet would run the text as a formula."""
    return expr.str.contains(FORMULA_START) & ~expr.str.contains(_NUMBER_LIKE)


def is_formula_like(value: str) -> bool:
    """Scalar twin of `formula_like`."""
    return pl.select(formula_like(pl.lit(value, dtype=pl.String))).item()


# Zero-width characters and controls other than whitespace are dropped; any other
# whitespace run becomes one space. The patterns only match where there is something
# to fix, so clean values (nearly all) pass without being rewritten.
_INVISIBLE = r"[\p{Cc}\u200b\u2060\ufeff\u00ad--\s]"
_WHITESPACE_RUN = r"\s{2,}|[^\S ]"


# Latin letters NFKD cannot take apart.
_LATIN_SPECIALS = {
    "ß": "ss",
    "ẞ": "SS",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "Th",
    "ı": "i",
}


def clean_text_expr(column: str) -> pl.Expr:
    """Whitespace runs (tabs, newlines, NBSP ...) -> one space; zero-width and control
    characters dropped; stripped. Empty strings stay "" here: follow with
    `empty_to_null_expr` (two steps keep polars from evaluating the chain twice)."""
    return (
        pl.col(column)
        .str.replace_all(_INVISIBLE, "")
        .str.replace_all(_WHITESPACE_RUN, " ")
        .str.strip_chars()
        .alias(column)
    )


def empty_to_null_expr(column: str) -> pl.Expr:
    return pl.when(pl.col(column).str.len_bytes() > 0).then(pl.col(column)).alias(column)


def clean_text(value: str | None) -> str | None:
    """Scalar twin of `clean_text_expr`, for tests and one-off use."""
    frame = pl.DataFrame({"v": [value]}, schema={"v": pl.String()})
    return frame.select(clean_text_expr("v")).select(empty_to_null_expr("v")).item()


def quote(value: str, limit: int = 60) -> str:
    """A value as it should appear inside a note: repr-quoted and shortened."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def quote_expr(expr: pl.Expr, limit: int = 60) -> pl.Expr:
    """Vectorised `quote` (single quotes, shortened; inner quotes are not escaped)."""
    short = (
        pl.when(expr.str.len_chars() > limit)
        .then(expr.str.slice(0, limit - 1) + "…")
        .otherwise(expr)
    )
    return pl.lit("'") + short + pl.lit("'")


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in _LATIN_SPECIALS:
        return _LATIN_SPECIALS[ch]
    name = unicodedata.name(ch, "")
    if not name.startswith("LATIN"):
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def ascii_fold(value: str) -> str:
    """Strip accents from Latin letters ("Müller" -> "Muller", "Łódź" -> "Lodz").

    Other scripts are kept as they are: folding Cyrillic "й" to "и" would merge
    different names.
    """
    if value.isascii():
        return value
    return "".join(_fold_char(ch) for ch in value)


def has_latin_letters_only(value: str) -> bool:
    """True when every letter in the value is Latin (ASCII or accented)."""
    return all(
        ch.isascii() or unicodedata.name(ch, "").startswith("LATIN") for ch in value if ch.isalpha()
    )


def map_unique(
    values: pl.Series,
    fn: Callable[[str], Sequence[Any]],
    schema: dict[str, pl.DataType],
) -> pl.DataFrame:
    """Apply `fn` once per distinct non-null value; return one row per input row.

    `fn` returns a tuple in `schema` order. Nulls map to all-null rows.
    """
    key = "__key"
    distinct = values.drop_nulls().unique()
    results = [fn(v) for v in distinct.to_list()]
    columns = {
        name: pl.Series(name, [r[i] for r in results], dtype=dtype)
        for i, (name, dtype) in enumerate(schema.items())
    }
    lookup = pl.DataFrame({key: distinct, **columns})
    return (
        values.alias(key)
        .to_frame()
        .join(lookup, on=key, how="left", maintain_order="left")
        .drop(key)
    )
