"""What two contacts' e-mail addresses say about whether they are one person.

Work addresses are built from names (`m.jenkins@`, `mary.smith@`, `marys@`), so two
colleagues whose names differ by a letter or an initial get addresses one character
apart. That is the names' difference seen a second time, not a typo: the one-typo level
ignores it, by comparing each address's *pattern* (the address with its owner's own
names and initials replaced by placeholders). `m.jenkins@` for Melissa Jenkins and
`j.jenkins@` for Jorge Jenkins share the pattern `<initial>.<surname>@lumum.io`, so the
one-character difference is explained; a genuine slip (`mary.smtih@` for Mary Smith)
leaves the pattern different and still counts as a typo.

Addresses that differ only in digits (`john.smith@`, `john.smith2@`) are how mail
admins tell namesakes apart: fixed strong evidence against, in the model and, because
clusters close transitively, again on whole clusters (`namesake_pairs`).
"""

from __future__ import annotations

import polars as pl
import splink.comparison_level_library as cll
import splink.comparison_library as cl

NAMESAKE_EMAIL_M = 1e-6
NAMESAKE_EMAIL_U = 0.03
# A slip in an address, once colleagues' name-built addresses no longer count as one, is
# too rare for EM to learn: the generated training data has none, and 2M random pairs
# hold none. Fixed at the weight EM gave the level before colleagues were taken out of
# it (40 times likelier, +5.3 bits), so a genuine typo counts as it did.
ONE_TYPO_EMAIL_M = 1e-4
ONE_TYPO_EMAIL_U = 2.5e-6
# m = u: a level that is no evidence either way (0 bits).
NEUTRAL = 0.01

# Placeholders for the parts of an address that are its owner's names (control
# characters, which never occur in a normalized address).
FIRST, LAST, FIRST_INITIAL, LAST_INITIAL = "\x01", "\x02", "\x03", "\x04"


def without_digits(address: pl.Expr) -> pl.Expr:
    """The address without its digits: `email_digitless` in Splink's input, and the same
    namesake test on whole clusters."""
    return address.str.replace_all("[0-9]", "")


def _one_typo_sql() -> str:
    """At most one insertion, deletion, substitution or transposition, in the local part
    or in the domain: what damerau_levenshtein(address) <= 1 says, bar an edit of the @
    itself. The length check and the shorter strings matter: the distance on whole
    addresses took about 24 of the 28 seconds of the scoring query at 1M records. The
    parts are split once per record (`email_local_key`, `email_domain_key`), and each
    distance is computed only where the other part is equal."""
    return (
        "abs(length(email_match_key_l) - length(email_match_key_r)) <= 1 and ("
        "(email_domain_key_l = email_domain_key_r and "
        "damerau_levenshtein(email_local_key_l, email_local_key_r) <= 1) or "
        "(email_local_key_l = email_local_key_r and "
        "damerau_levenshtein(email_domain_key_l, email_domain_key_r) <= 1))"
    )


def email_comparison() -> cl.CustomComparison:
    """The personal address (role mailboxes such as info@ are left out before: they name
    a desk, not a person), and any second address a record carries."""
    keys_differ = "email_match_key_l <> email_match_key_r"
    no_address = "email_match_key_{s} is null and other_email_match_key_{s} is null"
    crossed = " or ".join(
        f"{a}_l = {b}_r"
        for a, b in (
            ("email_match_key", "other_email_match_key"),
            ("other_email_match_key", "email_match_key"),
            ("other_email_match_key", "other_email_match_key"),
        )
    )
    return cl.CustomComparison(
        output_column_name="email",
        comparison_levels=[
            cll.CustomLevel(
                f"({no_address.format(s='l')}) or ({no_address.format(s='r')})",
                "no address on one side",
            ).configure(is_null_level=True),
            # A private mailbox two people with other given names both use (a
            # couple's) is theirs, not one person's: it says nothing either way. Other
            # given names: other initials, not a nickname of one another, and not the
            # same name with its columns swapped. A work address is one person's (mail
            # admins number namesakes): the given names differ as a nickname does.
            cll.CustomLevel(
                "email_match_key_l = email_match_key_r and work_domain_l is null and "
                "left(forename_l, 1) <> left(forename_r, 1) and forename_l <> surname_r and "
                "len(list_intersect(first_variants_l, first_variants_r)) = 0",
                "same address, other given names",
            ).configure(
                m_probability=NEUTRAL,
                u_probability=NEUTRAL,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            cll.CustomLevel(
                "email_match_key_l = email_match_key_r and not email_shared_l", "same address"
            ),
            cll.CustomLevel(
                "email_match_key_l = email_match_key_r", "same address, held under several surnames"
            ),
            cll.CustomLevel(crossed, "an address on one side is the other's second address"),
            # john.smith2@ is not a typo of john.smith@: fixed strong evidence against,
            # which EM may not learn away (both records look alike on everything else).
            cll.CustomLevel(
                f"email_digitless_l = email_digitless_r and {keys_differ}",
                "addresses differ only in digits (namesakes)",
            ).configure(
                m_probability=NAMESAKE_EMAIL_M,
                u_probability=NAMESAKE_EMAIL_U,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            cll.CustomLevel(
                f"email_pattern_l <> email_pattern_r and {_one_typo_sql()}",
                "one typo apart (a difference the names do not explain)",
            ).configure(
                m_probability=ONE_TYPO_EMAIL_M,
                u_probability=ONE_TYPO_EMAIL_U,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            # Colleagues' addresses share a domain; a person's work and private ones do not.
            cll.CustomLevel(
                "email_domain_key_l = email_domain_key_r",
                "other addresses at the same domain",
            ),
            # Work addresses at two companies' domains differ because the workplaces do,
            # which the workplace comparison counts; counting it here too would count a
            # job change twice. 0 bits.
            cll.CustomLevel(
                "work_domain_l <> work_domain_r", "work addresses at other companies"
            ).configure(
                m_probability=NEUTRAL,
                u_probability=NEUTRAL,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            cll.ElseLevel(),
        ],
        comparison_description="email match key and second addresses",
    )


def _slug(name: pl.Expr) -> pl.Expr:
    """A name as people write it in an address: 'Jürgen Groß' -> 'jurgengross'."""
    folded = name.str.to_lowercase().str.replace_all("ß", "ss", literal=True)
    for letter, ascii_ in (("æ", "ae"), ("ø", "o"), ("œ", "oe")):
        folded = folded.str.replace_all(letter, ascii_, literal=True)
    return folded.str.normalize("NFKD").str.replace_all("[^a-z0-9-]", "")


def _replace_once(text: pl.Expr, part: pl.Expr, placeholder: str) -> pl.Expr:
    """`text` with the first occurrence of `part` (per row) replaced by `placeholder`."""
    at = text.str.find(part, literal=True)
    replaced = pl.concat_str(
        [text.str.slice(0, at), pl.lit(placeholder), text.str.slice(at + part.str.len_chars())]
    )
    return pl.when(at.is_not_null() & (part.str.len_chars() > 0)).then(replaced).otherwise(text)


def with_email_pattern(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `email_pattern`: email_match_key with the record's own surname, first name,
    first initial (leading) and surname initial (trailing, before any number) replaced
    by placeholders.

    frame: forename, surname (lowercase), email_match_key.
    """
    local = pl.col("email_match_key").str.split("@").list.first()
    # A namesake's number (jenniferv2@) follows the names: keep it out of their way.
    number = local.str.extract("([0-9]*)$", 1)
    domain = pl.col("email_match_key").str.split("@").list.last()
    first, last, pattern = pl.col("_first"), pl.col("_last"), pl.col("email_pattern")
    steps = frame.lazy().with_columns(
        local.str.replace("[0-9]+$", "").alias("email_pattern"),
        _slug(pl.col("forename")).alias("_first"),
        _slug(pl.col("surname")).alias("_last"),
    )
    steps = steps.with_columns(_replace_once(pattern, last, LAST).alias("email_pattern"))
    steps = steps.with_columns(_replace_once(pattern, first, FIRST).alias("email_pattern"))
    # flast@ / f.last@: a leading initial; firstl@: a trailing one.
    leading = ~pattern.str.contains(FIRST, literal=True) & (
        pattern.str.slice(0, 1) == first.str.slice(0, 1)
    )
    steps = steps.with_columns(
        pl.when(leading)
        .then(pl.concat_str([pl.lit(FIRST_INITIAL), pattern.str.slice(1)]))
        .otherwise(pattern)
        .alias("email_pattern")
    )
    trailing = ~pattern.str.contains(LAST, literal=True) & (
        pattern.str.slice(-1) == last.str.slice(0, 1)
    )
    steps = steps.with_columns(
        pl.when(trailing)
        .then(
            pl.concat_str([pattern.str.slice(0, pattern.str.len_chars() - 1), pl.lit(LAST_INITIAL)])
        )
        .otherwise(pattern)
        .alias("email_pattern")
    )
    with_domain = pl.concat_str([pattern, number, pl.lit("@"), domain]).alias("email_pattern")
    return steps.with_columns(with_domain).drop("_first", "_last").collect()


def namesake_pairs(clusters: pl.DataFrame, emails: pl.DataFrame) -> pl.DataFrame:
    """Pairs of records in one cluster whose addresses differ only in digits.

    clusters: record_id, cluster_id. emails: record_id, email_match_key. A cluster
    holding john.smith@ and john.smith2@ was closed through some third record (often
    one without an address) and holds two people; such pairs become cannot-links.
    """
    shared = clusters.filter(pl.len().over("cluster_id") > 1).join(
        emails.filter(pl.col("email_match_key").is_not_null()), on="record_id"
    )
    keyed = shared.select(
        "record_id",
        "cluster_id",
        "email_match_key",
        without_digits(pl.col("email_match_key")).alias("_namesake_key"),
    )
    return (
        keyed.join(keyed, on=["cluster_id", "_namesake_key"], suffix="_r")
        .filter(
            pl.col("email_match_key") != pl.col("email_match_key_r"),
            pl.col("record_id") < pl.col("record_id_r"),
        )
        .select(pl.col("record_id").alias("record_id_l"), "record_id_r")
    )
