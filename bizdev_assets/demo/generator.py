"""Deterministic demo and benchmark data: six messy source files plus ground truth.

`generate_demo` writes the files a business-development team really receives (a
Salesforce export, a German trade-show list in cp1252, a partner TSV, an Excel
workbook from two events, a web-form NDJSON feed and a HubSpot JSON dump) and a
labels CSV saying which real person each row is. The same seed and size always
give byte-identical files, so benchmarks and end-to-end tests are reproducible.
"""

from __future__ import annotations

import csv
import gc
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bizdev_assets.demo.plan import make_plan
from bizdev_assets.demo.pools import build_pools
from bizdev_assets.demo.population import build_population
from bizdev_assets.demo.render import render_file
from bizdev_assets.demo.writers import (
    write_crm,
    write_events,
    write_hubspot,
    write_messe,
    write_partners,
    write_webform,
)

FILE_NAMES: dict[str, str] = {
    "crm": "crm_export.csv",
    "messe": "messe_muenchen_2026.csv",
    "partners": "partner_referrals.tsv",
    "events": "events_2026.xlsx",
    "web": "webform_submissions.ndjson",
    "hub": "hubspot_contacts.json",
}
LABEL_COLUMNS = ("source_file", "source_sheet", "source_row", "entity_id", "variant")


@dataclass(frozen=True)
class DemoReport:
    files: list[Path]  # files written into landing_dir
    rows: int  # contact rows written over all files
    entities: int  # distinct real people behind them (each unusable row counts as one)
    labels_path: Path
    seconds: float


def entity_id(entity: int, n_people: int) -> str:
    """`P0000042` for people; `X...` for unusable rows, which are nobody we can know."""
    return f"P{entity:07d}" if entity < n_people else f"X{entity - n_people:07d}"


def generate_demo(
    landing_dir: Path,
    labels_path: Path,
    n_rows: int = 5_000,
    seed: int = 42,
    duplicate_rate: float = 0.2,
) -> DemoReport:
    """Write the six demo source files into `landing_dir` and their labels to `labels_path`.

    `duplicate_rate` is the share of rows that are extra records of a person already
    written elsewhere; about 0.5% of rows are unusable (no name, e-mail or phone).
    """
    started = time.perf_counter()
    # Millions of small acyclic objects: the cyclic GC would rescan them all again and
    # again for nothing (about a third of the run time at 1M rows).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        report = _generate(Path(landing_dir), Path(labels_path), n_rows, seed, duplicate_rate)
    finally:
        if gc_was_enabled:
            gc.enable()
    return DemoReport(**report, seconds=time.perf_counter() - started)


def _generate(
    landing_dir: Path, labels_path: Path, n_rows: int, seed: int, duplicate_rate: float
) -> dict:
    landing_dir.mkdir(parents=True, exist_ok=True)
    labels_path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    prng = random.Random(seed)
    plan = make_plan(rng, n_rows, duplicate_rate)
    pop = build_population(rng, prng, build_pools(seed), plan)

    def rows(file: str):
        return render_file(pop, plan, file, seed)

    paths = {key: landing_dir / name for key, name in FILE_NAMES.items()}
    written = 0
    with labels_path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(LABEL_COLUMNS)

        def labeller(file_name: str):
            def label(row: int, entity: int, variant: str, sheet: str) -> None:
                out.writerow((file_name, sheet, row, entity_id(entity, plan.n_people), variant))

            return label

        written += write_crm(paths["crm"], rows("crm"), labeller(FILE_NAMES["crm"]), seed)
        written += write_messe(paths["messe"], rows("messe"), labeller(FILE_NAMES["messe"]))
        written += write_partners(
            paths["partners"], rows("partners"), labeller(FILE_NAMES["partners"])
        )
        written += write_events(
            paths["events"], rows("paris"), rows("madrid"), labeller(FILE_NAMES["events"])
        )
        written += write_webform(paths["web"], rows("web"), labeller(FILE_NAMES["web"]))
        written += write_hubspot(paths["hub"], rows("hub"), labeller(FILE_NAMES["hub"]))
    if written != plan.n_rows:
        raise RuntimeError(f"wrote {written} rows but planned {plan.n_rows}")
    return {
        "files": list(paths.values()),
        "rows": written,
        "entities": plan.n_entities,
        "labels_path": labels_path,
    }
