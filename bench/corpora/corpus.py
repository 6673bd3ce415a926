"""The engine both generators share: people -> records -> files + labels.

A corpus kind (world, tradeshow) is data: its tables, its locale mix and its default
variation mix (a CorpusSpec). This module decides who is duplicated and how often,
spreads each person's records across the files (and sometimes twice into one file),
applies the labelled variations, and writes files and labels.
"""

from __future__ import annotations

import csv
import gc
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import variations
from .companies import Companies, make_companies
from .emails import Mailboxes
from .layouts import Table
from .locales import LOCALES
from .names import strip_accents
from .people import People, make_people
from .pools import all_pools
from .records import FIELDS, PersonRows, Row, blank_cells, optional_cells, render
from .writers import write_file

LABEL_COLUMNS = ("source_file", "source_sheet", "source_row", "entity_id", "variant")


@dataclass(frozen=True)
class CorpusSpec:
    kind: str
    tables: tuple[Table, ...]
    locale_mix: dict[str, float]
    mix: dict[str, float]  # default variation mix (relative weights)
    same_table: float  # chance that a duplicate lands in the file of the person's first record
    language_affinity: float = 2.5  # files in a person's language get this much more of them


@dataclass(frozen=True)
class CorpusReport:
    kind: str
    shape: str | None
    rows: int
    people: int
    files: list[str]
    seconds: float
    out_dir: Path
    labels: Path
    variants: dict[str, int] = field(default_factory=dict)  # tag -> rows carrying it

    def summary(self) -> str:
        shape = f" shape={self.shape}" if self.shape else ""
        return (
            f"{self.kind}{shape}: {self.rows} rows, {self.people} people, {len(self.files)} files "
            f"in {self.seconds:.1f} s -> {self.out_dir}"
        )


def _extra_records(n_people: int, n_duplicates: int, rng: np.random.Generator) -> np.ndarray:
    """How many extra records each person gets: most none, some one, a few up to six."""
    extra = np.zeros(n_people, dtype=np.int64)
    remaining = n_duplicates
    while remaining > 0:
        order = rng.permutation(n_people)
        counts = np.minimum(rng.geometric(0.6, size=n_people), 6)
        cum = np.cumsum(counts)
        last = int(np.searchsorted(cum, remaining))
        if last >= n_people:
            extra[order] += counts
            remaining -= int(cum[-1])
            continue
        extra[order[:last]] += counts[:last]
        extra[order[last]] += remaining - (int(cum[last - 1]) if last else 0)
        remaining = 0
    return extra


def _tables_for(
    spec: CorpusSpec, people: People, person_of: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A table per record, favouring files in the person's language."""
    shares = np.array([t.share for t in spec.tables])
    table_of = np.zeros(len(person_of), dtype=np.int64)
    record_locale = people.locale[person_of]
    for li, loc in enumerate(LOCALES):
        idx = np.flatnonzero(record_locale == li)
        w = shares * np.array(
            [spec.language_affinity if t.language == loc.language else 1.0 for t in spec.tables]
        )
        table_of[idx] = rng.choice(len(spec.tables), size=len(idx), p=w / w.sum())
    return table_of


def _encodable(row: Row) -> bool:
    try:
        "".join(row).encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def build(
    spec: CorpusSpec,
    out_dir: Path,
    rows: int,
    seed: int,
    duplicate_rate: float = 0.25,
    mix: dict[str, float] | None = None,
    shape: str | None = None,
) -> CorpusReport:
    """Generate and write one corpus.

    The cyclic garbage collector is paused meanwhile: the generator holds millions of
    small tuples and strings (no cycles), and the collector rescanning them again and again
    took more time than generating them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(spec, out_dir, rows, seed, duplicate_rate, mix, shape)
    finally:
        if enabled:
            gc.enable()


def _build(
    spec: CorpusSpec,
    out_dir: Path,
    rows: int,
    seed: int,
    duplicate_rate: float,
    mix: dict[str, float] | None,
    shape: str | None,
) -> CorpusReport:
    started = time.perf_counter()
    if rows < 1 or not 0.0 <= duplicate_rate < 1.0:
        raise ValueError(
            f"rows must be >= 1 (got {rows}), duplicate_rate in [0, 1) (got {duplicate_rate})"
        )
    mix = {**spec.mix, **(mix or {})}
    if unknown := set(mix) - set(variations.TAGS):
        raise ValueError(
            f"unknown variation tags {sorted(unknown)}; known: {', '.join(variations.TAGS)}"
        )
    _check_landing(spec, out_dir / "landing")
    rng, rnd = np.random.default_rng(seed), random.Random(seed)
    pools = all_pools()
    locale_p = np.array([spec.locale_mix.get(loc.code, 0.0) for loc in LOCALES])
    locale_p = locale_p / locale_p.sum()
    n_people = max(1, round(rows * (1.0 - duplicate_rate)))
    mail = Mailboxes()
    companies = make_companies(max(2, n_people // 6), locale_p, pools, rng)
    people = make_people(n_people, companies, locale_p, pools, rng, mail)
    extra = _extra_records(n_people, rows - n_people, rng)
    person_of = np.concatenate([np.arange(n_people), np.repeat(np.arange(n_people), extra)])
    table_of = _tables_for(spec, people, person_of, rng)
    repeat = rng.random(len(person_of)) < spec.same_table  # back into the first record's file
    table_of[n_people:] = np.where(
        repeat[n_people:], table_of[person_of[n_people:]], table_of[n_people:]
    )
    contexts = [
        variations.Context(
            people, companies, mail, t.fields, t.full_name, rnd, _firms_by_locale(companies)
        )
        for t in spec.tables
    ]
    per_table, counts = _rows(
        spec, PersonRows(people, companies), person_of, table_of, n_people, contexts, mix, rnd
    )
    files = _write(spec, per_table, out_dir, rng)
    return CorpusReport(
        spec.kind, shape, rows, n_people, files, time.perf_counter() - started, out_dir,
        out_dir / "labels.csv", dict(sorted(counts.items())),
    )  # fmt: skip


def _check_landing(spec: CorpusSpec, landing: Path) -> None:
    """Refuse a landing folder holding other files: they would have no labels."""
    ours = {t.file for t in spec.tables}
    if landing.is_dir() and (
        strangers := sorted(p.name for p in landing.iterdir() if p.name not in ours)
    ):
        raise ValueError(
            f"{landing} holds files this corpus does not write ({', '.join(strangers[:3])}); use an empty --out"
        )


def _firms_by_locale(companies: Companies) -> list[list[int]]:
    return [np.flatnonzero(companies.locale == li).tolist() for li in range(len(LOCALES))]


def _rows(
    spec: CorpusSpec,
    base: PersonRows,
    person_of: np.ndarray,
    table_of: np.ndarray,
    n_people: int,
    contexts: list[variations.Context],
    mix: dict[str, float],
    rnd: random.Random,
) -> tuple[list[list[tuple[Row, str]]], Counter[str]]:
    """Every record as (row, variant label), per table. The first n_people records are
    the people's first records; the rest are duplicates and get their variations."""
    one_phone = ["mobile" not in t.fields for t in spec.tables]
    optional = [optional_cells(t) for t in spec.tables]
    fallback = next(k for k, t in enumerate(spec.tables) if t.format != "csv-cp1252")
    per_table: list[list[tuple[Row, str]]] = [[] for _ in spec.tables]
    counts: Counter[str] = Counter()
    for r, (i, k) in enumerate(zip(person_of.tolist(), table_of.tolist(), strict=True)):
        row = base.base(i, one_phone[k])
        latin1 = spec.tables[k].format == "csv-cp1252"
        if r < n_people:
            if latin1 and not _encodable(row):  # keep a person's first record intact
                k = fallback
                row = base.base(i, one_phone[k])
            row, tags = blank_cells(row, optional[k], rnd), ["original"]
        else:
            rec = dict(zip(FIELDS, blank_cells(row, optional[k], rnd), strict=True))
            applicable = variations.applicable(rec, i, contexts[k])
            tags = variations.vary(rec, i, variations.choose(applicable, mix, rnd), contexts[k])
            row = tuple(rec[f] for f in FIELDS)
            if latin1 and not _encodable(row):
                row, tags = _as_windows_1252(row, tags)
        counts.update(tags)
        per_table[k].append((row, "+".join(tags)))
    return per_table, counts


def _as_windows_1252(row: Row, tags: list[str]) -> tuple[Row, list[str]]:
    """What Excel does to "Łódź" when saving as Windows-1252 (folded, and labelled so)."""
    row = tuple(
        v if f.startswith("_") else strip_accents(v) for f, v in zip(FIELDS, row, strict=True)
    )
    if "accents_stripped" not in tags:
        tags = [
            t
            for t in sorted([*tags, "accents_stripped"], key=variations.TAGS.index)
            if t != "exact"
        ]
    return row, tags


def _write(
    spec: CorpusSpec,
    per_table: list[list[tuple[Row, str]]],
    out_dir: Path,
    rng: np.random.Generator,
) -> list[str]:
    """Shuffle each table, write the files, then the labels sorted by file/sheet/row."""
    landing = out_dir / "landing"
    landing.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[int]] = {}
    for k, table in enumerate(spec.tables):
        by_file.setdefault(table.file, []).append(k)
    prefix = spec.kind[0].upper()
    labels: list[tuple[str, str, int, str, str]] = []
    for name, ks in by_file.items():
        sheets, keys = [], []
        for k in ks:
            entries = [per_table[k][j] for j in rng.permutation(len(per_table[k])).tolist()]
            sheets.append(
                (spec.tables[k], render([row for row, _ in entries], spec.tables[k], rng))
            )
            keys.append([(f"{prefix}{int(row[0]):07d}", tag) for row, tag in entries])
        for (table, _), numbers, key in zip(
            sheets, write_file(landing / name, sheets), keys, strict=True
        ):
            labels += [
                (name, table.sheet, n, entity, tag)
                for n, (entity, tag) in zip(numbers, key, strict=True)
            ]
    labels.sort(key=lambda x: (x[0], x[1], x[2]))
    with (out_dir / "labels.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LABEL_COLUMNS)
        writer.writerows(labels)
    return list(by_file)
