"""Person names: splitting full names, fixing shouted/lowercase names, and match keys.

Case is only changed when a value is all upper or all lower case ("JOHN SMITH",
"mary o'brien"): a mixed-case value ("McDonald", "van der Berg", "DeShawn") is how the
person writes it. Names in other scripts (Cyrillic, CJK, Arabic ...) pass unchanged.

Splitting uses nameparser (titles "Dr.", "Herr", "Mme"; suffixes "Jr.", "PhD";
"Last, First"), ~80 µs a name. Names made of plain words ("Anna Maria Schmidt",
"Jan van der Berg", "Schmidt, Anna") are split by polars expressions instead; the
tests check that both ways agree.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl
from nameparser import HumanName
from nameparser.config import CONSTANTS

from bizdev_assets.normalize.text import ascii_fold, has_latin_letters_only, map_unique

NAME_COLUMNS: dict[str, pl.DataType] = {
    "first_name": pl.String(),
    "last_name": pl.String(),
    "full_name": pl.String(),
    "name_key": pl.String(),
}

# Surname particles written in lower case when a shouted name is re-cased.
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "das",
        "dos",
        "du",
        "la",
        "le",
        "ten",
        "ter",
        "zu",
        "vom",
        "y",
        "bin",
        "ibn",
        "al",
    ]
)
_WORD_START = re.compile(r"(^|[\s\-'’])(\w)")
# Common titles and suffixes, stripped before the bulk split (nameparser drops them too).
# Ambiguous words ("Don", "Sr", "M") are left to nameparser.
_LEADING_TITLES = r"^(?i:(?:(?:dr|prof|mr|mrs|ms|herr|frau|mme|mlle)\.? )+)"
_TRAILING_SUFFIXES = r"(?i:(?:,? (?:jr|phd|ph\.d|md|mba|esq|ii|iii|iv)\.?)+)$"
_PLAIN_WORD = r"^[\p{L}'’\-]+$"


@lru_cache(maxsize=1)
def _special_words() -> list[str]:
    """Words nameparser treats specially (titles, suffixes, particles, conjunctions)."""
    words = (
        set(CONSTANTS.titles)
        | set(CONSTANTS.suffix_acronyms)
        | set(CONSTANTS.suffix_not_acronyms)
        | set(CONSTANTS.prefixes)
        | set(CONSTANTS.conjunctions)
    )
    return sorted(words)


def _needs_case_fix(value: str) -> bool:
    letters = [ch for ch in value if ch.isalpha()]
    if not letters or not has_latin_letters_only(value):
        return False
    return value == value.upper() or value == value.lower()


def _capitalize_word(word: str, alone: bool) -> str:
    lower = word.lower()
    if not alone and lower in _PARTICLES:
        return lower
    out = _WORD_START.sub(lambda m: m.group(1) + m.group(2).upper(), lower)
    if len(out) > 3 and out.startswith("Mc"):
        out = "Mc" + out[2].upper() + out[3:]
    return out


def fix_case(value: str) -> str:
    """ "JOHN O'BRIEN" -> "John O'Brien", "van der berg" -> "van der Berg";
    mixed case and non-Latin values are returned unchanged."""
    if not _needs_case_fix(value):
        return value
    words = value.split(" ")
    return " ".join(_capitalize_word(w, len(words) == 1) for w in words)


def name_key_part(value: str) -> str:
    """Lowercase, accents folded, apostrophes and dots dropped, hyphens as spaces."""
    folded = ascii_fold(value).lower()
    folded = re.sub(r"[.'’`´]", "", folded)
    folded = re.sub(r"[^\w]+", " ", folded)
    return " ".join(folded.split())


def split_full_name(full: str) -> tuple[str | None, str | None]:
    """ "Dr. Smith, John A." -> ("John A.", "Smith"): (first + middle, last).

    A single word without a comma (a mononym, or a CJK name written without spaces)
    is not split: both parts are None and the caller keeps it as the full name.
    """
    if " " not in full and "," not in full:
        return None, None
    parsed = HumanName(full)
    first = " ".join(p for p in (parsed.first, parsed.middle) if p) or None
    last = parsed.last or None
    return first, last


def _part_row(value: str) -> tuple[str, str]:
    return fix_case(value), name_key_part(value)


def _split_fast(full: pl.Series) -> pl.DataFrame:
    """Split the names nameparser would split predictably, in bulk.

    "First [Middle ...] [particle ...] Last" and "Last, First [Middle ...]" whose words
    are plain letters and not titles, suffixes or conjunctions. The first surname
    particle ("van", "de", "al") starts the last name, as in nameparser. Other names
    get null parts (and go to nameparser).
    """
    special = _special_words()
    particles = sorted(CONSTANTS.prefixes)
    frame = pl.DataFrame({"full": full})
    comma_parts = pl.col("full").str.split(", ")
    has_comma = pl.col("full").str.contains(",", literal=True)
    one_comma = has_comma & (pl.col("full").str.count_matches(",", literal=True) == 1)
    left = pl.when(one_comma).then(comma_parts.list.first())
    right = pl.when(one_comma).then(comma_parts.list.last())
    # "Last, First": the surname may start with particles, the given names may not
    words = pl.when(one_comma).then(right + pl.lit(" ") + left).otherwise(pl.col("full"))
    frame = frame.with_columns(
        _tokens=words.str.split(" "),
        _comma=one_comma,
        _bad=(has_comma & ~one_comma) | (one_comma & (comma_parts.list.len() != 2)),
        _n_first=pl.when(one_comma).then(right.str.split(" ").list.len()),
    )
    tokens = pl.col("_tokens")
    lower = tokens.list.eval(pl.element().str.to_lowercase())
    is_particle = lower.list.eval(pl.element().is_in(particles))
    n = tokens.list.len()
    first_particle = (
        pl.when(is_particle.list.any()).then(is_particle.list.arg_max()).otherwise(n - 1)
    )
    k = pl.when(pl.col("_comma")).then(pl.col("_n_first")).otherwise(first_particle)
    first_is_particle = lower.list.first().is_in(particles)
    last_is_particle = lower.list.last().is_in(particles)
    given_have_particle = (
        pl.when(pl.col("_comma"))
        .then(is_particle.list.head(pl.col("_n_first")).list.any())
        .otherwise(False)
    )
    # nameparser's reading of several separate particle runs is irregular: leave those to it
    particle_shape = is_particle.list.eval(
        pl.when(pl.element()).then(pl.lit("1")).otherwise(pl.lit("0"))
    ).list.join("")
    ok = (
        ~pl.col("_bad")
        & particle_shape.str.contains(r"^0+1*0+$")
        & (n >= 2)
        & tokens.list.eval(pl.element().str.contains(_PLAIN_WORD)).list.all()
        & ~lower.list.eval(pl.element().is_in(special) & ~pl.element().is_in(particles)).list.any()
        & ~first_is_particle
        & ~last_is_particle
        & ~given_have_particle
    )
    return frame.select(
        "full",
        _fast_first=pl.when(ok).then(tokens.list.head(k).list.join(" ")),
        _fast_last=pl.when(ok).then(tokens.list.slice(k).list.join(" ")),
    )


def _split_unique(full: pl.Series) -> pl.DataFrame:
    """Distinct full names -> (full, _p_first, _p_last): bulk split, nameparser for the rest."""
    distinct = full.drop_nulls().unique()
    bare = distinct.str.replace(_LEADING_TITLES, "").str.replace(_TRAILING_SUFFIXES, "")
    fast = _split_fast(bare).with_columns(full=distinct)
    slow = map_unique(
        fast.select(pl.when(pl.col("_fast_first").is_null()).then(pl.col("full"))).to_series(),
        split_full_name,
        {"_s_first": pl.String(), "_s_last": pl.String()},
    )
    return fast.hstack(slow).select(
        "full",
        _p_first=pl.coalesce("_fast_first", "_s_first"),
        _p_last=pl.coalesce("_fast_last", "_s_last"),
    )


def name_columns(full: pl.Series, first: pl.Series, last: pl.Series) -> pl.DataFrame:
    """Cleaned full/first/last name strings -> first_name, last_name, full_name, name_key.

    A full name is split only to fill a missing first or last name. A first-name cell
    holding several words while the last-name cell is empty ("Anna Schmidt" under First
    Name, a web form's single name box) is read as the full name.
    """
    frame = pl.DataFrame(
        {"full": full.cast(pl.String), "first": first.cast(pl.String), "last": last.cast(pl.String)}
    )
    whole_name_in_first = (
        pl.col("full").is_null()
        & pl.col("last").is_null()
        & pl.col("first").str.strip_chars().str.contains(r"[\s,]")
    )
    frame = frame.with_columns(
        full=pl.when(whole_name_in_first).then(pl.col("first")).otherwise(pl.col("full")),
        first=pl.when(whole_name_in_first).then(None).otherwise(pl.col("first")),
    )
    needs_split = pl.col("full").is_not_null() & (
        pl.col("first").is_null() | pl.col("last").is_null()
    )
    to_split = frame.select(pl.when(needs_split).then(pl.col("full"))).to_series()
    parsed = _split_unique(to_split)
    frame = (
        frame.with_columns(_split_key=to_split)
        .join(parsed, left_on="_split_key", right_on="full", how="left", maintain_order="left")
        .with_columns(
            first=pl.coalesce("first", "_p_first"),
            last=pl.coalesce("last", "_p_last"),
        )
    )
    lookup_schema = {"display": pl.String(), "key": pl.String()}
    first_fixed = map_unique(frame.get_column("first"), _part_row, lookup_schema)
    last_fixed = map_unique(frame.get_column("last"), _part_row, lookup_schema)
    unsplit = pl.when(pl.col("first").is_null() & pl.col("last").is_null()).then(pl.col("full"))
    frame = frame.with_columns(
        first_name=first_fixed.get_column("display"),
        last_name=last_fixed.get_column("display"),
        _first_key=first_fixed.get_column("key"),
        _last_key=last_fixed.get_column("key"),
        _unsplit=unsplit,
    )
    unsplit_fixed = map_unique(frame.get_column("_unsplit"), _part_row, lookup_schema)
    display = pl.concat_str(["first_name", "last_name"], separator=" ", ignore_nulls=True)
    key = pl.concat_str(["_first_key", "_last_key"], separator=" ", ignore_nulls=True)
    frame = frame.with_columns(
        full_name=pl.coalesce(
            pl.when(display.str.len_chars() > 0).then(display),
            unsplit_fixed.get_column("display"),
        ),
        name_key=pl.coalesce(
            pl.when(key.str.len_chars() > 0).then(key), unsplit_fixed.get_column("key")
        ),
    )
    return frame.select(
        "first_name",
        "last_name",
        "full_name",
        pl.when(pl.col("name_key").str.len_chars() > 0).then(pl.col("name_key")).alias("name_key"),
    ).cast(NAME_COLUMNS)


def normalize_name(
    full: str | None = None, first: str | None = None, last: str | None = None
) -> dict[str, str | None]:
    """One name through `name_columns`, as a dict of the four name fields."""
    series = [pl.Series([v], dtype=pl.String) for v in (full, first, last)]
    return name_columns(*series).row(0, named=True)
