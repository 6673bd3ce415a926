"""The frame Splink compares: normalized contacts turned into comparison keys.

Names are compared on folded keys (lowercase, accents and German transliteration
folded: Müller, Muller and Mueller are one key; other scripts kept), as ordered
first/last names and as a sorted set of name words. The set is what survives the ways
one name gets written in different files: swapped columns, the whole name in the
first-name cell, a double surname written once ("García López" / "García"), a middle
name sometimes given. Initials and nickname variants are kept beside them.

Columns a table lacks (an old warehouse, a caller passing only some) are compared as
missing, so a list without e-mails or phones is still resolved on what it has.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl
from nicknames import NickNamer

from bizdev_assets.dedup.email_evidence import FIRST, LAST, with_email_pattern, without_digits

# The contacts_normalized columns `splink_input` reads: a clustering run loads only these.
SPLINK_SOURCE_COLUMNS = [
    "record_id",
    "first_name",
    "last_name",
    "email_match_key",
    "is_free_email",
    "is_role_email",
    "email_domain",
    "other_email_match_key",
    "phone",
    "mobile",
    "other_phone",
    "company_key",
    "title",
    "street_key",
    "house_number",
    "postal_key",
    "city",
    "birth_date",
    "linkedin",
]
SOURCE_TYPES: dict[str, pl.DataType] = {
    "is_free_email": pl.Boolean(),
    "is_role_email": pl.Boolean(),
    "birth_date": pl.Date(),
}
SPLINK_INPUT_COLUMNS = [
    "unique_id",
    "forename",
    "surname",
    "name_concat",
    "name_tokens",
    "name_letters",
    "surname_padded",
    "surname_core",
    "first_variants",
    "email_match_key",
    "email_shared",
    "email_pattern",
    "email_digitless",
    "email_local_key",
    "email_domain_key",
    "other_email_match_key",
    "work_domain",
    "phone",
    "mobile",
    "mobile_shared",
    "other_phone",
    "company_key",
    "title_key",
    "street_key",
    "house_number",
    "postal_key",
    "city_key",
    "address_key",
    "birth_date",
    "linkedin",
    "linkedin_is_name",
]
# Letters NFKD does not take apart, and the German transliterations of umlauts.
_LETTERS = {"ß": "ss", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i"}
_TRANSLITERATED = {"ae": "a", "oe": "o", "ue": "u"}
# Surname particles, which make unrelated surnames look alike ("van wel", "van den pol").
_LEADING_PARTICLES = (
    r"^(?:(?:van|von|der|den|de|del|della|di|da|das|dos|du|la|le|ten|ter|zu|y|al|bin|ibn) )+"
)


def folded(expr: pl.Expr) -> pl.Expr:
    """Lowercase, accents and punctuation removed, hyphens as spaces, ä/ae/a as one."""
    text = expr.str.to_lowercase()
    for letter, plain in _LETTERS.items():
        text = text.str.replace_all(letter, plain, literal=True)
    text = text.str.normalize("NFKD").str.replace_all(r"\p{M}", "")
    text = text.str.replace_all(r"[-_]", " ").str.replace_all(r"[^\p{L}\p{N} ]", "")
    for pair, vowel in _TRANSLITERATED.items():
        text = text.str.replace_all(pair, vowel, literal=True)
    text = text.str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text)


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


def first_name_variants(first_names: pl.Series) -> pl.Series:
    """Each first name with the formal names it may be short for (Bill -> william, ...)."""
    namer = _nicknamer()
    unique = first_names.drop_nulls().unique()
    lookup = {name: sorted({name, *namer.canonicals_of(name)}) for name in unique}
    return first_names.replace_strict(lookup, default=None, return_dtype=pl.List(pl.String))


def with_source_columns(normalized: pl.DataFrame) -> pl.DataFrame:
    """The SPLINK_SOURCE_COLUMNS in their types, those the frame lacks as nulls."""
    missing = [
        pl.lit(None, SOURCE_TYPES.get(c, pl.String())).alias(c)
        for c in SPLINK_SOURCE_COLUMNS
        if c not in normalized.columns
    ]
    typed = [
        pl.col(c).cast(SOURCE_TYPES.get(c, pl.String()), strict=False)
        for c in SPLINK_SOURCE_COLUMNS
    ]
    return normalized.with_columns(missing).select(typed)


def fold_distinct(values: pl.Series) -> pl.Series:
    """`folded` run once per distinct value (names and cities repeat) and joined back."""
    distinct = pl.DataFrame({"v": values.drop_nulls().unique()})
    lookup = distinct.with_columns(folded(pl.col("v")).alias("f"))
    return values.alias("v").to_frame().join(lookup, on="v", how="left", maintain_order="left")["f"]


def _with_name_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """frame: forename, surname (folded) -> the name columns derived from them."""
    first, last = pl.col("forename"), pl.col("surname")
    words = pl.concat_str([first, last], separator=" ", ignore_nulls=True)
    frame = frame.with_columns(
        pl.when(first.is_not_null() & last.is_not_null())
        .then(pl.concat_str([first, last], separator=" "))
        .alias("name_concat"),
        pl.when(words.str.len_chars() > 0)
        .then(words.str.split(" ").list.unique().list.sort())
        .alias("name_tokens"),
        pl.concat_str([pl.lit(" "), last, pl.lit(" ")]).alias("surname_padded"),
        last.str.replace(_LEADING_PARTICLES, "").alias("surname_core"),
    )
    return frame.with_columns(_letter_mask(pl.col("name_tokens")).alias("name_letters"))


_LETTER_BITS = {chr(97 + i): 1 << i for i in range(26)}


def _letter_mask(tokens: pl.Expr) -> pl.Expr:
    """A bit per letter that starts a name word (a-z; others share one bit): a cheap
    necessary test that one name's words can all be among another's, so the costly list
    comparison runs on few pairs."""
    bits = tokens.list.eval(
        pl.element()
        .str.slice(0, 1)
        .replace_strict(_LETTER_BITS, default=1 << 26, return_dtype=pl.Int64)
    )
    return bits.list.unique().list.sum()


def _profile_is_the_name() -> pl.Expr:
    """Whether the LinkedIn profile's name is the person's name and nothing else
    ("/in/anna-smith", "/in/smithanna"), without the digits LinkedIn adds to make one."""
    slug = folded(pl.col("linkedin").str.extract(r"/in/(.*)$", 1)).str.replace_all(" ", "")
    first = pl.col("forename").str.replace_all(" ", "")
    last = pl.col("surname").str.replace_all(" ", "")
    return pl.when(pl.col("linkedin").is_not_null()).then(
        (slug == first + last) | (slug == last + first)
    )


# Held under this many different surnames, an address or number is shared, not personal.
SHARED_BY_SURNAMES = 3


def shared_values(column: str) -> pl.Expr:
    """Whether the record's value in `column` is held under SHARED_BY_SURNAMES or more
    surnames (a family's or an office's line). How many records hold a value is no
    guide to that: a person's own duplicates hold it too."""
    holders = pl.col("surname").fill_null("").n_unique().over(column)
    return pl.when(pl.col(column).is_not_null()).then(holders >= SHARED_BY_SURNAMES)


def splink_input(normalized: pl.DataFrame) -> pl.DataFrame:
    """The comparison keys of SPLINK_INPUT_COLUMNS, keyed by record_id as unique_id."""
    source = with_source_columns(normalized)
    address = pl.concat_str(["postal_key", "house_number", "street_key"], separator="|")
    frame = source.select(
        pl.col("record_id").alias("unique_id"),
        fold_distinct(source["first_name"]).alias("forename"),
        fold_distinct(source["last_name"]).alias("surname"),
        pl.when(~pl.col("is_role_email").fill_null(False)).then(pl.col("email_match_key")),
        pl.col("other_email_match_key"),
        pl.when(pl.col("is_free_email").not_()).then(pl.col("email_domain")).alias("work_domain"),
        "phone",
        "mobile",
        "other_phone",
        "company_key",
        pl.col("title").str.to_lowercase().str.strip_chars().alias("title_key"),
        "street_key",
        "house_number",
        "postal_key",
        fold_distinct(source["city"]).alias("city_key"),
        address.alias("address_key"),
        pl.col("birth_date").cast(pl.String),
        "linkedin",
    )
    frame = _with_name_columns(frame)
    frame = frame.with_columns(
        first_name_variants(frame["forename"]).alias("first_variants"),
        _profile_is_the_name().alias("linkedin_is_name"),
        shared_values("email_match_key").alias("email_shared"),
        shared_values("mobile").alias("mobile_shared"),
        without_digits(pl.col("email_match_key")).alias("email_digitless"),
        pl.col("email_match_key").str.split("@").list.first().alias("email_local_key"),
        pl.col("email_match_key")
        .str.split("@")
        .list.get(1, null_on_oob=True)
        .alias("email_domain_key"),
    )
    frame = with_email_pattern(frame)
    return frame.select(SPLINK_INPUT_COLUMNS)


def namesake_number() -> pl.Expr:
    """The number closing a name-built work address (john.smith2@ -> "2"), else "".
    Mail admins number the second person of a name at one company."""
    name_built = pl.col("email_pattern").str.contains(f"[{FIRST}{LAST}]")
    number = pl.col("email_local_key").str.extract(r"([0-9]+)$", 1).fill_null("")
    return (
        pl.when(pl.col("work_domain").is_not_null() & name_built).then(number).otherwise(pl.lit(""))
    )
