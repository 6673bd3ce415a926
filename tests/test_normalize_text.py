import polars as pl

from bizdev_assets.normalize.text import ascii_fold, clean_text, formula_like, map_unique


def test_whitespace_is_collapsed_and_invisible_characters_dropped():
    assert clean_text(" Anna\t\u00a0Maria\u200b \x07Schmidt\n") == "Anna Maria Schmidt"
    assert clean_text("   ") is None


def test_latin_accents_are_folded_and_other_scripts_kept():
    assert ascii_fold("Müller Łódź Straße") == "Muller Lodz Strasse"
    assert ascii_fold("Иван Йорк") == "Иван Йорк"


def test_formula_pattern_spares_phone_numbers():
    values = pl.Series(['=HYPERLINK("x")', "@SUM(A1)", "+cmd", "-foo", "+49 89 1", "-1", "Bob"])
    assert values.to_frame("v").select(formula_like(pl.col("v"))).to_series().to_list() == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_map_unique_calls_once_per_distinct_value():
    calls = []

    def fn(value):
        calls.append(value)
        return (value.upper(),)

    out = map_unique(pl.Series(["a", "b", "a", None]), fn, {"up": pl.String()})
    assert out.get_column("up").to_list() == ["A", "B", "A", None]
    assert sorted(calls) == ["a", "b"]
