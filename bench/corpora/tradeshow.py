"""`tradeshow`: visitor and exhibitor lists of a fair, cut to one column set (`shape`).

Badge scans, a German hall list, a French exhibitor workbook and a lead-app export.
Shapes: `names_addresses` (no e-mail, no phone: names, company sometimes, postal
address), `no_email` (names, company, phones, address), `no_phone` (names, e-mails,
company), `company_only` (names, company, title). The same person is scanned at several
booths, so repeats inside one file are common; job changes are rare within one fair.
"""

from __future__ import annotations

from .corpus import CorpusSpec
from .layouts import SHAPES, tradeshow_tables
from .locales import FAIR_MIX

# Relative weights; tags that do not fit a shape's columns are skipped per row.
TRADESHOW_VARIATIONS: dict[str, float] = {
    "swapped": 0.09, "initial": 0.08, "accents_stripped": 0.10, "typo": 0.14,
    "address_variant": 0.14, "nickname": 0.15, "full_name_in_first": 0.05,
    "one_surname": 0.15, "case_whitespace": 0.12, "exact": 0.10, "phone_format": 0.06,
    "other_email": 0.05, "no_email": 0.03, "secondary_columns": 0.03, "job_change": 0.02,
}  # fmt: skip


def spec(shape: str) -> CorpusSpec:
    mix = dict(TRADESHOW_VARIATIONS)
    if shape == "names_addresses":  # one fair, one employer: a changed job would be noise
        mix.pop("job_change")
    return CorpusSpec(
        kind="tradeshow", tables=tradeshow_tables(shape), locale_mix=FAIR_MIX, mix=mix,
        same_table=0.5,
    )  # fmt: skip


__all__ = ["SHAPES", "spec"]
