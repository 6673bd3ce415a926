"""Benchmark: a run whose files hold one value shared by 50,000 rows (issue 18).

    .venv/bin/python bench/er_shared_value.py [--shared 50000] [--base world-20000-s1]

Adds to the base corpus's files one more file of `--shared` badge scans that all give
the same e-mail address, switchboard number and company (a fair's registration desk),
then materializes ingest, normalize, the match model and the clusters through the real
assets on a fresh warehouse, in a fresh process. Prints each asset's time, peak RSS,
the candidate pairs and the values left out of blocking. Uncapped, the shared address
alone would propose shared * (shared - 1) / 2 pairs (1.25 billion at 50,000).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

from bench.er_eval_steps import ER_OUT, generate
from bench.harness import Stopwatch, emit, measure_in_fresh_process, peak_rss_mb, print_table

ASSETS = ("raw_contact_files", "contacts_normalized", "contact_match_model", "contact_clusters")
COLUMNS = {
    "rows": "{rows:,}",
    "shared by": "{shared:,}",
    **{name: "{steps_s[" + name + "]:.1f} s" for name in ASSETS},
    "total": "{total_s:.1f} s",
    "peak RSS": "{peak_rss_mb:,} MB",
    "candidate pairs": "{candidate_pairs:,}",
    "values left out": "{capped}",
}


def build(base: str, shared: int) -> Path:
    folder = ER_OUT / f"{base}-shared{shared}"
    landing = folder / "landing"
    if not landing.exists():
        shutil.copytree(generate(base) / "landing", landing)
        with (landing / "fair_desk_scans.csv").open("w", encoding="utf-8") as fh:
            fh.write("First Name,Last Name,Email,Phone,Company\n")
            fh.writelines(
                f"Guest{i},Visitor{i % 977},events@fairground.example,+49 30 1234567,Messe Desk\n"
                for i in range(shared)
            )
    return folder


def measure(folder: Path) -> dict[str, Any]:
    import dagster as dg

    from bizdev_assets.definitions import ASSETS as ALL_ASSETS
    from resources.settings import Settings, build_resources

    warehouse = folder / "bench.duckdb"
    warehouse.unlink(missing_ok=True)
    settings = Settings(landing=str(folder / "landing"), warehouse=str(warehouse))
    chosen = [a for a in ALL_ASSETS if any(k.to_user_string() in ASSETS for k in a.keys)]
    watch = Stopwatch()
    with dg.instance_for_test() as instance:
        result = dg.materialize(chosen, instance=instance, resources=build_resources(settings))
        if not result.success:
            raise RuntimeError("the run failed")
        steps = {
            e.step_key: e.event_specific_data.duration_ms / 1000
            for e in result.all_events
            if e.event_type_value == "STEP_SUCCESS"
        }
    model = result.asset_materializations_for_node("contact_match_model")[0].metadata
    return {
        "steps_s": {name: round(steps.get(name, 0.0), 1) for name in ASSETS},
        "total_s": round(watch.seconds, 1),
        "peak_rss_mb": peak_rss_mb(),
        "candidate_pairs": model["candidate_pairs"].value,
        "capped": model["values_left_out_of_blocking"].value.count("\n") - 1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=int, default=50_000)
    parser.add_argument("--base", default="world-20000-s1")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        emit(measure(Path(args.step)))
        return
    folder = build(args.base, args.shared)
    row = measure_in_fresh_process(Path(__file__), ["--step", str(folder)])
    rows = int(args.base.split("-")[-2]) + args.shared
    print_table([row | {"rows": rows, "shared": args.shared}], COLUMNS)


if __name__ == "__main__":
    main()
