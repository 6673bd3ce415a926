import random

import phonenumbers
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bizdev_assets.normalize.phones import normalize_phone, normalize_phone_slow, phone_columns

REGIONS = ["US", "DE", "GB", "FR", "IT", "ES", "AT", "CH", "NL", "AU", "BR", "JP", "RU", "SE"]


def test_german_number_with_trunk_zero_in_brackets():
    assert normalize_phone("+49 (0)89 1234567") == ("+49891234567", True)


def test_national_number_uses_the_row_country():
    assert normalize_phone("089 1234567", "DE") == ("+49891234567", True)
    assert normalize_phone("(415) 555-0134", "US")[0] == "+14155550134"


def test_double_zero_prefix_reads_as_plus_without_a_country():
    assert normalize_phone("0044 20 7946 0958") == ("+442079460958", True)


def test_national_number_without_country_is_rejected_with_a_note():
    out = phone_columns(pl.Series(["089 1234567"]), pl.Series([None], dtype=pl.String))
    assert out.row(0) == (
        None,
        False,
        "phone: '089 1234567' has no country code and the row has no country",
    )


def test_empty_phone_has_null_validity():
    assert normalize_phone(None, "DE") == (None, None)


def test_garbage_is_invalid():
    assert normalize_phone("n/a", "DE") == (None, False)


def test_possible_but_unassigned_number_is_kept_with_a_note():
    out = phone_columns(pl.Series(["+1 200 555 0134"]), pl.Series([None], dtype=pl.String))
    e164, valid, note = out.row(0)
    assert e164 == "+12005550134" and valid is True
    assert "not in a known number range" in note


def test_extension_is_dropped_with_a_note():
    e164, valid, note = phone_columns(pl.Series(["+1 212 555 1234 x12"]), pl.Series(["US"])).row(0)
    assert e164 == "+12125551234" and "extension 12 dropped" in note


@pytest.mark.parametrize("region", REGIONS)
def test_formatting_variants_of_one_number_give_one_e164(region):
    for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
        example = phonenumbers.example_number_for_type(region, kind)
        variants = [
            phonenumbers.format_number(example, f)
            for f in (
                phonenumbers.PhoneNumberFormat.E164,
                phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                phonenumbers.PhoneNumberFormat.NATIONAL,
            )
        ]
        expected = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
        assert {normalize_phone(v, region)[0] for v in variants} == {expected}


def test_fast_path_matches_phonenumbers_on_random_numbers():
    rng = random.Random(3)
    values, regions = [], []
    for _ in range(20000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 13)))
        style = rng.random()
        if style < 0.4:
            cc = rng.choice(["1", "49", "44", "33", "39", "34", "43", "41", "31", "61", "7", "46"])
            values.append(f"+{cc} {digits}")
        elif style < 0.5:
            values.append(f"+49 (0){digits}")
        else:
            values.append(rng.choice(["0", "", "1", "00"]) + digits)
        regions.append(rng.choice([*REGIONS, None]))
    out = phone_columns(pl.Series(values), pl.Series(regions, dtype=pl.String))
    for value, region, got in zip(values, regions, out.get_column("phone").to_list(), strict=True):
        assert got == normalize_phone_slow(value, region)[0], (value, region)


@given(st.sampled_from(REGIONS), st.integers(min_value=0, max_value=10**6))
@settings(max_examples=200)
def test_e164_output_renormalizes_to_itself(region, seed):
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    nsn = phonenumbers.national_significant_number(example)
    tail = str(seed).zfill(6)[-min(4, len(nsn) - 2) :]
    text = f"+{example.country_code}{nsn[: len(nsn) - len(tail)]}{tail}"
    first, _ = normalize_phone(text)
    if first is not None:
        assert normalize_phone(first)[0] == first
        assert normalize_phone(first, region)[0] == first
