import polars as pl
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bizdev_assets.normalize.names import (
    _special_words,
    _split_unique,
    fix_case,
    name_columns,
    normalize_name,
    split_full_name,
)


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        ("Smith, John", "John", "Smith"),
        ("Dr. Anna-Lena Müller", "Anna-Lena", "Müller"),
        ("Herr Hans Meier", "Hans", "Meier"),
        ("Mme Claire Dubois", "Claire", "Dubois"),
        ("John Smith Jr.", "John", "Smith"),
        ("Jane Doe PhD", "Jane", "Doe"),
        ("Jan van der Berg", "Jan", "van der Berg"),
    ],
)
def test_full_names_are_split_without_titles_or_suffixes(full, first, last):
    out = normalize_name(full=full)
    assert (out["first_name"], out["last_name"]) == (first, last)


def test_shouted_and_lowercase_names_are_proper_cased():
    assert normalize_name(first="JOHN", last="MCDONALD")["full_name"] == "John McDonald"
    assert normalize_name(first="sean", last="o'brien")["full_name"] == "Sean O'Brien"
    assert fix_case("VAN DER BERG") == "van der Berg"


def test_mixed_case_names_are_kept_as_written():
    for name in ("McDonald", "van der Berg", "DeShawn", "O'Brien", "MacKenzie"):
        assert fix_case(name) == name


def test_non_latin_names_pass_through():
    out = normalize_name(full="Иван Петров")
    assert (out["first_name"], out["last_name"], out["name_key"]) == (
        "Иван",
        "Петров",
        "иван петров",
    )
    cjk = normalize_name(full="王小明")
    assert cjk["full_name"] == "王小明" and cjk["name_key"] == "王小明"
    assert fix_case("ИВАН") == "ИВАН"


def test_name_key_is_folded_lowercase_first_last():
    assert (
        normalize_name(first="José", last="Müller-Lüdenscheidt")["name_key"]
        == "jose muller ludenscheidt"
    )


def test_missing_last_name_is_filled_from_the_full_name():
    out = normalize_name(full="John Smith", first="John")
    assert out["last_name"] == "Smith"


def test_nothing_in_nothing_out():
    assert normalize_name() == dict.fromkeys(["first_name", "last_name", "full_name", "name_key"])


WORDS = [
    "anna",
    "john",
    "maria",
    "van",
    "de",
    "la",
    "der",
    "dr.",
    "jr.",
    "smith",
    "müller",
    "o'brien",
    "dean",
    "mc",
    "bin",
    "herr",
    "phd",
    "von",
    "jean-luc",
    "y",
    "garcía",
]


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5), st.booleans(), st.booleans())
def test_bulk_split_agrees_with_nameparser(words, comma, shout):
    full = " ".join(words)
    if comma and len(words) > 1:
        full = f"{words[0]}, {' '.join(words[1:])}"
    if shout:
        full = full.upper()
    got = _split_unique(pl.Series([full])).row(0)[1:]
    assert got == split_full_name(full)


letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüé", min_size=2, max_size=10)


@given(st.lists(letters, min_size=2, max_size=4))
def test_splitting_then_joining_keeps_all_letters(words):
    assume(not any(w in _special_words() for w in words))  # titles and suffixes are dropped
    full = " ".join(w.capitalize() for w in words)
    out = normalize_name(full=full)
    assert sorted(out["full_name"].replace(" ", "")) == sorted(full.replace(" ", ""))


@given(st.lists(letters, min_size=1, max_size=3), st.lists(letters, min_size=1, max_size=2))
def test_name_normalization_is_idempotent(first_words, last_words):
    once = normalize_name(first=" ".join(first_words).upper(), last=" ".join(last_words))
    twice = normalize_name(first=once["first_name"], last=once["last_name"])
    assert twice == once


def test_frame_function_returns_one_row_per_input():
    series = pl.Series([None, "A B", None], dtype=pl.String)
    assert name_columns(series, series, series).height == 3


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ("Anna Schmidt", ("Anna", "Schmidt")),
        ("Schmidt, Anna", ("Anna", "Schmidt")),
        ("Jan van der Berg", ("Jan", "van der Berg")),
    ],
)
def test_a_whole_name_typed_into_the_first_name_column_is_split(first, expected):
    out = normalize_name(first=first)
    assert (out["first_name"], out["last_name"]) == expected


def test_a_single_first_name_without_a_surname_stays_a_first_name():
    assert normalize_name(first="Anna")["first_name"] == "Anna"
    assert normalize_name(first="Anna")["last_name"] is None
