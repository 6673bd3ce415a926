"""`world`: a Europe-centred contact base spread over five files in five formats.

Eight languages (nine Faker locales), companies with shared switchboards and domains,
relatives and namesakes; every person has work and often private e-mail, phones in
national and international styles, a postal address, sometimes a website, LinkedIn URL
and birth date. Duplicates carry the whole set of labelled variations.
"""

from __future__ import annotations

from .corpus import CorpusSpec
from .layouts import WORLD
from .locales import WORLD_MIX

# Relative weights of the variation tags in duplicates (all tags on).
WORLD_VARIATIONS: dict[str, float] = {
    "other_email": 0.10, "job_change": 0.06, "full_name_in_first": 0.04, "swapped": 0.05,
    "initial": 0.05, "one_surname": 0.12, "no_email": 0.07, "accents_stripped": 0.06,
    "nickname": 0.12, "typo": 0.10, "case_whitespace": 0.08, "phone_format": 0.08,
    "secondary_columns": 0.05, "address_variant": 0.08, "exact": 0.08,
}  # fmt: skip

SPEC = CorpusSpec(
    kind="world", tables=WORLD, locale_mix=WORLD_MIX, mix=WORLD_VARIATIONS, same_table=0.25
)
