"""Contact points that ingest keeps in `attributes`: a second e-mail or phone, a LinkedIn
profile, a date of birth.

Files carry these in columns the header mapping does not claim ("Email 2", "Private
E-Mail", "alternate_email", "Mobile 2", "LinkedIn URL", "Geburtsdatum"), so they reach
`attributes` (a JSON object of header -> value). They are strong identity evidence (a
private address or mobile outlives a job change; a birth date or profile URL tells
namesakes apart), so they are pulled out here:

- `other_email` / `other_email_match_key`: the first value, under any header, that is a
  valid address other than the record's own `email` (content says what an address is,
  whatever the header);
- `other_phone`: the first value under a phone-like header (tel, phone, mobile, Handy,
  portable, móvil ...) that parses as a number other than `phone` and `mobile`; digits
  alone do not say "phone", so the header must;
- `linkedin`: `linkedin.com/in/<profile>` from any value, lowercased, without the scheme,
  country subdomain, trailing slash or query;
- `birth_date`: the value under a birth-date header (birth, DOB, Geburtsdatum, date de
  naissance, fecha de nacimiento ...), read as the file's dates are (`parse_datetimes`).

Values are found with regular expressions over the JSON text, which polars runs in bulk;
the per-value checks (address syntax, phone parsing) reuse the field normalizers.
"""

from __future__ import annotations

import polars as pl

from bizdev_assets.normalize.consent import parse_datetimes
from bizdev_assets.normalize.emails import email_columns
from bizdev_assets.normalize.phones import phone_columns

CONTACT_POINT_COLUMNS: dict[str, pl.DataType] = {
    "other_email": pl.String(),
    "other_email_match_key": pl.String(),
    "other_phone": pl.String(),
    "linkedin": pl.String(),
    "birth_date": pl.Date(),
}

_KEY, _VALUE = r'"((?:[^"\\]|\\.)*)"', r'"((?:[^"\\]|\\.)*)"'
_PAIR = _KEY + r"\s*:\s*" + _VALUE
_EMAIL_VALUE = r'"\s*([^"@\s]+@[^"@\s]+\.[^"@\s]+)\s*"'
PHONE_HEADER_WORDS = (
    "phone|tel|mobil|handy|cell|portable|m[oó]vil|celular|t[ée]l[ée]phone|gsm|whatsapp|kom[oó]rk"
)
BIRTH_HEADER_WORDS = (
    "birth|dob|born|geburt|naissance|nacimiento|nascimento|nascita|urodzenia|geboorte"
)
_LINKEDIN = r"(?i)linkedin\.com/in/([^\"/?#\s]+)"


def _value_under_header(attributes: pl.Expr, header_words: str) -> pl.Expr:
    """The first value whose header contains one of `header_words` (case-insensitive)."""
    pattern = r'"[^"]*(?i:' + header_words + r')[^"]*"\s*:\s*' + _VALUE
    return attributes.str.extract(pattern, 1)


def contact_point_columns(
    attributes: pl.Series, email: pl.Series, phones: pl.DataFrame, region: pl.Series
) -> pl.DataFrame:
    """attributes JSON (per record), the record's own email and phone/mobile (E.164), and
    its country -> CONTACT_POINT_COLUMNS."""
    frame = pl.DataFrame({"a": attributes.cast(pl.String), "email": email.cast(pl.String)})
    addresses = frame.select(
        pl.col("a")
        .str.extract_all(_EMAIL_VALUE)
        .list.eval(pl.element().str.extract(_EMAIL_VALUE, 1).str.to_lowercase()),
        "email",
    )
    # The first address in attributes that is not the record's own email.
    candidate = addresses.select(
        pl.col("a").list.set_difference(pl.concat_list(pl.col("email").fill_null(""))).list.first()
    ).to_series()
    other = email_columns(candidate)
    phone_text = frame.select(_value_under_header(pl.col("a"), PHONE_HEADER_WORDS)).to_series()
    other_phone = phone_columns(phone_text, region, "other_phone")
    own = [phones.get_column(c) for c in ("phone", "mobile")]
    known = pl.DataFrame({"p": other_phone["other_phone"], "a": own[0], "b": own[1]})
    differs = [(pl.col("p") != pl.col(own)).fill_null(True) for own in ("a", "b")]
    new_phone = known.select(pl.when(differs[0] & differs[1]).then(pl.col("p"))).to_series()
    linkedin = frame.select(
        pl.concat_str(
            pl.lit("linkedin.com/in/"),
            pl.col("a").str.extract(_LINKEDIN, 1).str.to_lowercase(),
        )
    ).to_series()
    birth_text = frame.select(_value_under_header(pl.col("a"), BIRTH_HEADER_WORDS)).to_series()
    month_first = region.cast(pl.String) == "US"
    birth = parse_datetimes(birth_text, month_first).dt.date()
    return pl.DataFrame(
        {
            "other_email": other["email"],
            "other_email_match_key": other["email_match_key"],
            "other_phone": new_phone,
            "linkedin": linkedin,
            "birth_date": birth,
        }
    ).cast(CONTACT_POINT_COLUMNS)
