"""Independent contact-data generators with ground truth, for evaluating entity resolution.

    python -m bench.corpora --kind world --rows 20000 --seed 1 --out /tmp/w
    python -m bench.corpora --kind tradeshow --shape names_addresses --rows 5000 --seed 1 --out /tmp/t

Written from how real contact lists look, without reading the product's demo generator or
resolver, so that scores on them say how the resolver does on data it was not tuned on.
"""

from __future__ import annotations

from pathlib import Path

from . import tradeshow, world
from .corpus import LABEL_COLUMNS, CorpusReport, build

KINDS = ("world", "tradeshow")


def generate(
    kind: str,
    out_dir: str | Path,
    rows: int,
    seed: int,
    shape: str | None = None,
    duplicate_rate: float = 0.25,
    mix: dict[str, float] | None = None,
) -> CorpusReport:
    """Write `out_dir/landing/*` and `out_dir/labels.csv`; same arguments, same bytes.

    `duplicate_rate`: share of rows that are further records of an already present person.
    `mix`: variation tag -> relative weight, overriding the kind's default mix (0 turns a
    tag off). `shape` (tradeshow only): names_addresses | no_email | no_phone | company_only.
    """
    if kind == "world":
        if shape:
            raise ValueError("--shape applies to the tradeshow kind only")
        spec = world.SPEC
    elif kind == "tradeshow":
        shape = shape or "names_addresses"
        spec = tradeshow.spec(shape)
    else:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    return build(spec, Path(out_dir), rows, seed, duplicate_rate, mix, shape)


__all__ = ["KINDS", "LABEL_COLUMNS", "CorpusReport", "generate"]
