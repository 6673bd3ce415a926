"""Command line: write one corpus (landing files + labels.csv) and print a one-line summary.

python -m bench.corpora --kind world --rows 200000 --seed 7 --out bench/out/world_200k
python -m bench.corpora --kind tradeshow --shape no_email --rows 5000 --seed 7 --out /tmp/ts
python -m bench.corpora --kind world --rows 20000 --seed 1 --out /tmp/w --mix typo=0,job_change=0.2
"""

from __future__ import annotations

import argparse
import sys

from . import KINDS, generate
from .layouts import SHAPES
from .variations import TAGS


def _mix(text: str) -> dict[str, float]:
    out = {}
    for item in filter(None, text.split(",")):
        tag, _, weight = item.partition("=")
        if tag not in TAGS or not weight:
            raise argparse.ArgumentTypeError(
                f"{item!r}: expected TAG=WEIGHT, TAG one of {', '.join(TAGS)}"
            )
        out[tag] = float(weight)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpora", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument(
        "--shape", choices=sorted(SHAPES), help="tradeshow column set (default names_addresses)"
    )
    parser.add_argument("--rows", type=int, required=True, help="data rows over all files")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="folder for landing/ and labels.csv")
    parser.add_argument(
        "--duplicate-rate",
        type=float,
        default=0.25,
        help="share of rows that are repeats of a person",
    )
    parser.add_argument(
        "--mix", type=_mix, default=None, help="variation weights, e.g. typo=0.2,exact=0"
    )
    args = parser.parse_args(argv)
    try:
        report = generate(
            args.kind, args.out, args.rows, args.seed, args.shape, args.duplicate_rate, args.mix
        )
    except ValueError as exc:
        parser.error(str(exc))
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
