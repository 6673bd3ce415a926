"""Which pairs of records are compared at all: blocking keys with a cap on shared values.

Every rule is an equality on one key column (`b_*`), built here from the comparison
keys. A value held by more records than its cap is removed from that key before
Splink sees it: one switchboard number, `info@` or "John Smith" on 50,000 rows would
otherwise propose 1.25 billion pairs, and the run would never end. Such a value says
little about identity anyway; the records holding it are still proposed by the other
keys (a common name together with a postal code, a company or a birth date), and the
capped values are reported (`capped_values`).

Caps are per kind of key (settings as data, `BLOCK_CAPS`): a contact point (an address,
a number) is personal, so a few hundred holders already mark it as shared; a name is
common by nature, so its cap is what keeps the pairs within a name from growing with
the square of the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

# Most records one blocking value may have before it is left out of blocking.
BLOCK_CAPS: dict[str, int] = {"contact_point": 500, "name": 300, "combined": 300}
EMAILS, NUMBERS = ("email_match_key", "other_email_match_key"), ("mobile", "phone", "other_phone")


def _joined(*columns: str) -> pl.Expr:
    return pl.concat_str([pl.col(c) for c in columns], separator="|")


# key column -> (kind of cap, expression over the comparison keys)
NAMED_KEYS: dict[str, tuple[str, pl.Expr]] = {
    "b_name": ("name", pl.col("name_concat")),
    "b_name_words": ("name", pl.col("name_tokens").list.join(" ")),
    "b_surname_company": ("combined", _joined("surname", "company_key")),
    "b_forename_company": ("combined", _joined("forename", "company_key")),
    "b_phone_surname": ("combined", _joined("phone", "surname")),
    "b_surname_postal": ("combined", _joined("surname", "postal_key")),
    "b_forename_postal": ("combined", _joined("forename", "postal_key")),
    # The same address alone would propose every pair of colleagues at the premises.
    "b_address_initials": ("combined", _joined("address_key", "initials")),
    "b_forename_birth": ("combined", _joined("forename", "birth_date")),
    "b_linkedin": ("contact_point", pl.col("linkedin")),
}
# A contact point may sit in either of its columns: the cap counts both.
POOLED_KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    "b_email": (EMAILS, "email_match_key"),
    "b_email2": (EMAILS, "other_email_match_key"),
    "b_mobile": (NUMBERS, "mobile"),
    "b_phone": (NUMBERS, "phone"),
    "b_phone2": (NUMBERS, "other_phone"),
}
BLOCKING_COLUMNS = [*NAMED_KEYS, *POOLED_KEYS]


def _equal(left: str, right: str | None = None) -> str:
    return f"l.{left} = r.{right or left}"


def blocking_rules() -> list[str]:
    """Candidate pairs: any one of these equalities makes two records worth comparing.
    Crossed rules go both ways: Splink keeps each pair once, lower id on the left."""
    crossed = [("b_email", "b_email2"), ("b_mobile", "b_phone"), ("b_mobile", "b_phone2"),
               ("b_phone", "b_phone2")]  # fmt: skip
    rules = [_equal("b_email"), _equal("b_mobile"), _equal("b_name"), _equal("b_name_words")]
    rules += [_equal("b_email2"), _equal("b_phone2")]
    rules += [rule for a, b in crossed for rule in (_equal(a, b), _equal(b, a))]
    rules += [_equal(key) for key in NAMED_KEYS if key not in ("b_name", "b_name_words")]
    return rules


def _capped(value: pl.Expr, count: pl.Expr, cap: int) -> pl.Expr:
    return pl.when(count <= cap).then(value)


def with_blocking_keys(records: pl.DataFrame, caps: dict[str, int] = BLOCK_CAPS) -> pl.DataFrame:
    """`records` (splink_input) with the b_* key columns, shared values over a cap removed."""
    records = records.with_columns(_initials())
    named = records.with_columns(
        _capped(expr, pl.len().over(expr), caps[kind]).alias(name)
        for name, (kind, expr) in NAMED_KEYS.items()
    )
    pooled = _pool_counts(records)
    for name, (pool, column) in POOLED_KEYS.items():
        counts = pooled[pool].rename({"value": column, "n": f"_n_{name}"})
        named = named.join(counts, on=column, how="left", maintain_order="left")
        named = named.with_columns(
            _capped(pl.col(column), pl.col(f"_n_{name}"), caps["contact_point"]).alias(name)
        ).drop(f"_n_{name}")
    return named.drop("initials")


def _initials() -> list[pl.Expr]:
    """Both initials in either order (swapped columns)."""
    first, last = pl.col("forename").str.slice(0, 1), pl.col("surname").str.slice(0, 1)
    return [pl.concat_list(first, last).list.sort().list.join("").alias("initials")]


def _pool_counts(records: pl.DataFrame) -> dict[tuple[str, ...], pl.DataFrame]:
    """Per pool of columns: each value and how many records hold it in any of them."""
    out = {}
    for pool in {pool for pool, _ in POOLED_KEYS.values()}:
        held = pl.concat(
            [records.select(pl.col("unique_id"), pl.col(c).alias("value")) for c in pool]
        ).drop_nulls("value")
        out[pool] = held.unique().group_by("value").agg(pl.len().alias("n"))
    return out


@dataclass(frozen=True)
class CappedValue:
    key: str
    records: int
    example: str  # masked


def capped_values(
    records: pl.DataFrame, caps: dict[str, int] = BLOCK_CAPS, top: int = 5
) -> list[CappedValue]:
    """The values left out of blocking (most held first), masked for the run log."""
    found: list[CappedValue] = []
    records = records.with_columns(_initials())
    for name, (kind, expr) in NAMED_KEYS.items():
        counts = records.select(expr.alias("v")).drop_nulls().group_by("v").len("n")
        over = counts.filter(pl.col("n") > caps[kind]).sort("n", descending=True).head(top)
        found += [CappedValue(name, n, mask(v)) for v, n in over.iter_rows()]
    for pool, counts in _pool_counts(records).items():
        over = counts.filter(pl.col("n") > caps["contact_point"])
        over = over.sort("n", descending=True).head(top)
        found += [CappedValue("/".join(pool), n, mask(v)) for v, n in over.iter_rows()]
    return sorted(found, key=lambda c: -c.records)


def mask(value: str) -> str:
    """`j***@example.com`, `+49***56`, `j*** s***`: enough to recognise, not to copy."""
    if "@" in value:
        local, domain = value.split("@", 1)
        return f"{local[:1]}***@{domain}"
    if value[:1] == "+":
        return f"{value[:3]}***{value[-2:]}"
    return " ".join(f"{word[:1]}***" for word in value.replace("|", " ").split())
