"""The evidence the match model weighs, one comparison per kind of fact about a person.

Each comparison's levels run from the strongest agreement to disagreement; EM learns
how often each level occurs among true duplicates (m) and random pairs (u). Facts that
colleagues share (company, switchboard, e-mail domain, title) are one comparison, so
their agreement counts once; facts that belong to one person (name, personal e-mail,
mobile, home address, birth date, LinkedIn profile) are compared apart. A record that
lacks a fact lands on that comparison's null level and is neither helped nor hurt.

The e-mail comparison lives in `email_evidence` (address patterns and namesakes).
"""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl

from bizdev_assets.dedup.email_evidence import NEUTRAL, email_comparison


def _either_side(condition: str) -> str:
    return f"({condition.format(s='l')}) or ({condition.format(s='r')})"


def _surname_compatible() -> str:
    """Equal, or one is a word-for-word part of the other ("garcia" in "garcia lopez")."""
    return (
        "(surname_l = surname_r or contains(surname_padded_l, surname_padded_r) "
        "or contains(surname_padded_r, surname_padded_l))"
    )


# Typos rarely hit the first letter of both names: a cheap test that spares most pairs
# the Jaro-Winkler computations (random pairs are nearly all pairs scored in training).
_SHARED_INITIAL = (
    "(left(forename_l, 1) = left(forename_r, 1) or left(surname_l, 1) = left(surname_r, 1))"
)
_CROSSED_INITIAL = (
    "(left(forename_l, 1) = left(surname_r, 1) or left(surname_l, 1) = left(forename_r, 1))"
)
# One name's words can all be among the other's only if their initial letters are.
_LETTERS_CONTAINED = (
    "((name_letters_l & name_letters_r) = name_letters_l "
    "or (name_letters_l & name_letters_r) = name_letters_r)"
)


def _alike(a: str, b: str, threshold: float) -> str:
    """Jaro-Winkler at least `threshold`, or one edit apart: a letter mistyped in a short
    name ("Hyde" / "Hyfe", "Groen" / "Geoen") costs more Jaro-Winkler than in a long one."""
    return (
        f"(jaro_winkler_similarity({a}, {b}) >= {threshold} or (length({a}) >= 4 and "
        f"length({b}) >= 4 and damerau_levenshtein({a}, {b}) <= 1))"
    )


def _similar_names(threshold: float) -> str:
    """Both names alike; surnames without their particles ("van den Pol" and "van Wel"
    are alike only in "van"), or whole surnames one edit apart ("vna Geffen")."""
    surnames = (
        f"({_alike('surname_core_l', 'surname_core_r', threshold)} or "
        "damerau_levenshtein(surname_l, surname_r) <= 1)"
    )
    return f"{_SHARED_INITIAL} and {_alike('forename_l', 'forename_r', threshold)} and {surnames}"


def _similar_crossed(threshold: float) -> str:
    """First and last name swapped, and a typo."""
    return (
        f"{_CROSSED_INITIAL} and {_alike('forename_l', 'surname_r', threshold)} "
        f"and {_alike('surname_l', 'forename_r', threshold)}"
    )


def _words_or_initials_of(a: str, b: str) -> str:
    """Every word of name `a` is a word of `b`, or the initial of a word of `b` that `a`
    does not hold in full (each word used once: "R. da Rocha" is not "Eduarda da
    Rocha"), and one is a whole word. (The columns are named outside the lambdas too:
    Splink looks for them there.)"""
    unmatched_initials = (
        f"list_transform(list_filter(name_tokens_{b}, lambda y: not list_contains("
        f"name_tokens_{a}, y)), lambda y: left(y, 1))"
    )
    return (
        f"name_tokens_{b} is not null and list_bool_and(list_transform(name_tokens_{a}, "
        f"lambda x: list_contains(name_tokens_{b}, x) or (length(x) = 1 and "
        f"list_contains({unmatched_initials}, x)))) "
        f"and len(list_intersect(name_tokens_{a}, name_tokens_{b})) >= 1"
    )


def _each_word_alike(a: str, b: str) -> str:
    """Every word of name `a` is a word of `b` written alike: the same, a typo of it
    (same first letter), its beginning ("kim", "kimberly") or its initial, and as many
    words of `b` are met ("Jason Jackson" is not "Jason Richards": both its words are
    alike "jason" alone). Catches the ways a name is written differently when two of
    them meet: swapped and mistyped, an initial beside a mistyped surname, a short form
    in the surname column."""
    alike = (
        "x = y or (length(x) = 1 and left(y, 1) = x) "
        "or (length(x) >= 3 and starts_with(y, x)) "
        "or (length(x) >= 4 and length(y) >= 4 and left(x, 1) = left(y, 1) "
        "and (jaro_winkler_similarity(x, y) >= 0.92 or damerau_levenshtein(x, y) <= 1))"
    )
    return (
        f"list_bool_and(list_transform(name_tokens_{a}, lambda x: list_bool_or("
        f"list_transform(name_tokens_{b}, lambda y: {alike})))) and "
        f"len(list_filter(name_tokens_{b}, lambda y: list_bool_or(list_transform("
        f"name_tokens_{a}, lambda x: {alike})))) >= len(name_tokens_{a})"
    )


def _short_form() -> str:
    """One first name begins the other (Isa, Isabelle; Dom, Dominik) or is a nickname of
    it, with the surnames equal or a typo apart."""
    begins = " or ".join(
        f"(length(forename_{a}) >= 2 and starts_with(forename_{b}, forename_{a}))"
        for a, b in (("l", "r"), ("r", "l"))
    )
    nickname = "len(list_intersect(first_variants_l, first_variants_r)) >= 1"
    return (
        "left(surname_l, 1) = left(surname_r, 1) and "
        f"jaro_winkler_similarity(surname_core_l, surname_core_r) >= 0.92 and ({begins} or {nickname})"
    )


def name_comparison() -> cl.CustomComparison:
    """Full name first; then the ways one name is written differently (swapped or split
    differently, nickname, typo, a double surname or middle name given once, initials,
    a short form), alone or with a typo; a shared surname with clashing first names is
    told apart from one with a first name missing, because relatives and colleagues
    share surnames while duplicates share both."""
    words_contained = (
        f"{_LETTERS_CONTAINED} and least(len(name_tokens_l), len(name_tokens_r)) >= 2 and "
        "(list_has_all(name_tokens_l, name_tokens_r) or list_has_all(name_tokens_r, name_tokens_l))"
    )
    initials = (
        f"{_LETTERS_CONTAINED} and least(len(name_tokens_l), len(name_tokens_r)) >= 2 and "
        f"(({_words_or_initials_of('l', 'r')}) or ({_words_or_initials_of('r', 'l')}))"
    )
    # Words alike share their first letter, so the letter test spares most pairs the lists.
    words_alike = (
        f"{_LETTERS_CONTAINED} and least(len(name_tokens_l), len(name_tokens_r)) >= 2 and "
        "greatest(list_max(list_transform(name_tokens_l, lambda t: length(t))), "
        "list_max(list_transform(name_tokens_r, lambda t: length(t)))) >= 3 and "
        f"(({_each_word_alike('l', 'r')}) or ({_each_word_alike('r', 'l')}))"
    )
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.CustomLevel(
                "name_tokens_l is null or name_tokens_r is null", "no name on one side"
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("name_concat", term_frequency_adjustments=True),
            cll.CustomLevel(
                "name_letters_l = name_letters_r and name_tokens_l = name_tokens_r",
                "same name words, in other columns or order",
            ),
            cll.CustomLevel(
                "surname_l = surname_r and len(list_intersect(first_variants_l, first_variants_r)) >= 1",
                "same surname, first name is a nickname of the other",
            ),
            cll.CustomLevel(_similar_names(0.92), "first and last name a typo apart"),
            cll.CustomLevel(_similar_crossed(0.92), "swapped, and a typo apart"),
            cll.CustomLevel(words_contained, "one name's words all in the other"),
            cll.CustomLevel(initials, "one name's words or their initials all in the other"),
            cll.CustomLevel(_short_form(), "first name a short form, surname alike"),
            cll.CustomLevel(words_alike, "each word of one name alike a word of the other"),
            cll.CustomLevel(_similar_names(0.88), "first and last name similar"),
            cll.CustomLevel(
                f"(forename_l is null or forename_r is null) and {_surname_compatible()}",
                "same surname, no first name on one side",
            ),
            # Relatives and colleagues share a surname, and they share it most among the
            # pairs that also share an address or a company: EM, which takes facts as
            # independent, would count the surname and the address twice. Another given
            # name beside the same surname is no evidence of one person: fixed at 0 bits.
            cll.CustomLevel("surname_l = surname_r", "same surname, first names differ").configure(
                m_probability=NEUTRAL,
                u_probability=NEUTRAL,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            cll.ExactMatchLevel("forename", term_frequency_adjustments=True).configure(
                label_for_charts="same first name, surnames differ"
            ),
            cll.ElseLevel(),
        ],
        comparison_description="first and last name",
    )


def personal_phone_comparison() -> cl.CustomComparison:
    """A shared mobile (or a number both give, whichever column it was typed in) is
    near-proof of one person; two different mobiles count against. Office lines shared
    with colleagues are the workplace comparison's. A number held under three or more
    surnames is a shared line and has a level of its own; otherwise its frequency is
    not used, as it counts the person's own records (see `inputs.shared_values`)."""
    numbers = "mobile_{s} is null and phone_{s} is null and other_phone_{s} is null"
    # A mobile typed into another column. Office lines and extra numbers that match
    # without a mobile column may be a switchboard two colleagues share: not personal.
    crossed = " or ".join(
        f"{a}_l = {b}_r"
        for a, b in (
            ("mobile", "phone"),
            ("phone", "mobile"),
            ("mobile", "other_phone"),
            ("other_phone", "mobile"),
        )
    )
    return cl.CustomComparison(
        output_column_name="personal_phone",
        comparison_levels=[
            cll.CustomLevel(_either_side(numbers), "no number on one side").configure(
                is_null_level=True
            ),
            cll.CustomLevel("mobile_l = mobile_r and not mobile_shared_l", "same mobile"),
            cll.CustomLevel("mobile_l = mobile_r", "same mobile, held under several surnames"),
            cll.CustomLevel(crossed, "a mobile on one side is in another column on the other"),
            cll.CustomLevel(
                "mobile_l is not null and mobile_r is not null", "both have mobiles and they differ"
            ),
            cll.ElseLevel(),
        ],
        comparison_description="mobile and other personal numbers",
    )


def workplace_comparison() -> cl.CustomComparison:
    """Company, main phone line, company email domain and job title in one comparison.

    Colleagues share the first three, so counting them as separate comparisons would add
    the same evidence several times and merge whole departments; here the strongest
    workplace signal counts once. The title tells colleagues apart within one company
    (two people of one name at one firm rarely hold one job), so within a company two
    different titles are their own levels; across companies it is not compared: someone
    who changed jobs changed company and title together, and counting both against them
    would be the same double count the other way. Where one side names no company, the
    titles are compared alone.
    """
    same_company = "company_key_l = company_key_r"
    line_or_domain = "(phone_l = phone_r or work_domain_l = work_domain_r)"
    same_title = "title_key_l = title_key_r"
    titles_differ = "jaro_winkler_similarity(title_key_l, title_key_r) < 0.8"
    lines_differ = "phone_l <> phone_r"
    no_company = "(company_key_l is null or company_key_r is null)"

    def level(condition: str, label: str) -> cll.CustomLevel:
        return cll.CustomLevel(condition, label)

    return cl.CustomComparison(
        output_column_name="workplace",
        comparison_levels=[
            cll.CustomLevel(
                _either_side(
                    "company_key_{s} is null and phone_{s} is null and work_domain_{s} is null "
                    "and title_key_{s} is null"
                ),
                "no workplace details on one side",
            ).configure(is_null_level=True),
            level(
                f"{same_company} and {line_or_domain} and {same_title}",
                "same company, main line or email domain, and title",
            ),
            level(f"{same_company} and {same_title}", "same company and title"),
            level(f"{same_company} and {lines_differ}", "same company, other phone lines"),
            level(f"{same_company} and {titles_differ}", "same company, other titles"),
            level(
                f"{same_company} and {line_or_domain}",
                "same company, and same main line or email domain",
            ),
            level(same_company, "same company"),
            level(f"{line_or_domain}", "same main line or email domain"),
            cll.JaroWinklerLevel("company_key", 0.92),
            # A list that gives a title but not the company (badge scans, a lead app):
            # the title is all there is to compare.
            level(f"{no_company} and {same_title}", "no company on one side, same title"),
            level(no_company, "no company on one side, other title or none"),
            cll.ElseLevel(),
        ],
        comparison_description="company, main phone line, email domain and title",
    )


def address_comparison() -> cl.CustomComparison:
    """The postal address: street name, house number and postal code, then coarser.

    Term frequencies weigh the exact level, so an address many records share counts for
    little. An address two records of the same company share is the company's: the
    workplace comparison already counts that, so it is 0 bits here (conditional on the
    company, colleagues share it about as often as one person's records do); an address
    shared across companies, or without one, is where someone lives."""
    same_number = "house_number_l = house_number_r"
    similar_street = "jaro_winkler_similarity(street_key_l, street_key_r) >= 0.88"
    same_workplace = "(company_key_l = company_key_r or work_domain_l = work_domain_r)"
    any_agreement = (
        f"(postal_key_l = postal_key_r or city_key_l = city_key_r or "
        f"({same_number} and {similar_street}))"
    )
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.CustomLevel(
                _either_side(
                    "street_key_{s} is null and postal_key_{s} is null and city_key_{s} is null"
                ),
                "no address on one side",
            ).configure(is_null_level=True),
            cll.CustomLevel(
                f"{same_workplace} and {any_agreement}",
                "same workplace, address alike: the company's premises",
            ).configure(
                m_probability=NEUTRAL,
                u_probability=NEUTRAL,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            cll.ExactMatchLevel("address_key", term_frequency_adjustments=True),
            cll.CustomLevel(
                f"postal_key_l = postal_key_r and {same_number} and {similar_street}",
                "same postal code and house number, street written alike",
            ),
            cll.CustomLevel(
                f"{same_number} and {similar_street}", "same street and number, postal code not"
            ),
            cll.CustomLevel("postal_key_l = postal_key_r", "same postal code, other street"),
            cll.CustomLevel("city_key_l = city_key_r", "same city"),
            # Addresses at two companies differ with the workplaces, which the workplace
            # comparison counts: 0 bits, or a job change would count twice.
            cll.CustomLevel(
                "company_key_l <> company_key_r or work_domain_l <> work_domain_r",
                "other address, other company",
            ).configure(
                m_probability=NEUTRAL,
                u_probability=NEUTRAL,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            cll.ElseLevel(),
        ],
        comparison_description="street, house number, postal code and city",
    )


def birth_date_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(
                "damerau_levenshtein(birth_date_l, birth_date_r) <= 1 or "
                "(strftime(birth_date_l::date, '%Y-%d-%m') = birth_date_r)",
                "one digit apart, or day and month swapped",
            ),
            cll.ElseLevel(),
        ],
        comparison_description="date of birth",
    )


def linkedin_comparison() -> cl.CustomComparison:
    """A profile URL is one person's, unless it is only their name ("/in/annasmith"):
    anyone of that name could be given it, so it says what the name comparison already
    says and counts 0 bits, as addresses built from names do in the e-mail comparison."""
    return cl.CustomComparison(
        output_column_name="linkedin",
        comparison_levels=[
            cll.NullLevel("linkedin"),
            cll.CustomLevel("linkedin_l = linkedin_r and not linkedin_is_name_l", "same profile"),
            cll.CustomLevel(
                "linkedin_l = linkedin_r", "same profile URL, made of the name alone"
            ).configure(
                m_probability=NEUTRAL,
                u_probability=NEUTRAL,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
            cll.ElseLevel(),
        ],
        comparison_description="LinkedIn profile",
    )


def comparisons() -> list[cl.CustomComparison]:
    """Every comparison of the model, in the order the model JSON lists them."""
    return [
        name_comparison(),
        email_comparison(),
        personal_phone_comparison(),
        workplace_comparison(),
        address_comparison(),
        birth_date_comparison(),
        linkedin_comparison(),
    ]
