"""The independent corpora (bench/corpora): files, labels and variations say what they promise.

Files are read back with ordinary readers (polars for CSV/TSV, json for NDJSON, fastexcel
for XLSX), not with the product's ingest, so these tests hold the generator to the file
formats themselves.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import fastexcel
import phonenumbers
import polars as pl
import pytest
import yaml

from bench.corpora import LABEL_COLUMNS, generate
from bench.corpora.layouts import SHAPES, TRADESHOW, WORLD
from bench.corpora.variations import TAGS

ROOT = Path(__file__).resolve().parent.parent
Key = tuple[str, str]  # (source_file, source_sheet)


def read_landing(landing: Path) -> dict[Key, list[dict[str, str]]]:
    """Every data row of every file, as header -> cell ("" for empty), in file order."""
    out: dict[Key, list[dict[str, str]]] = {}
    for path in sorted(landing.iterdir()):
        if path.suffix == ".xlsx":
            book = fastexcel.read_excel(str(path))
            for sheet in book.sheet_names:
                frame = book.load_sheet_by_name(sheet, dtypes="string").to_polars()
                out[(path.name, sheet)] = _rows(frame)
        elif path.suffix == ".ndjson":
            lines = path.read_text(encoding="utf-8").splitlines()
            out[(path.name, "")] = [_flatten(json.loads(line)) for line in lines]
        else:
            latin1 = path.read_bytes()[:3] != b"\xef\xbb\xbf" and path.suffix == ".csv"
            frame = pl.read_csv(
                path,
                separator="\t" if path.suffix == ".tsv" else ";" if latin1 else ",",
                encoding="windows-1252" if latin1 else "utf8",
                infer_schema=False,
            )
            out[(path.name, "")] = _rows(frame)
    return out


def _rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    return [{k: v or "" for k, v in row.items()} for row in frame.iter_rows(named=True)]


def _flatten(obj: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in obj.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def read_labels(out_dir: Path) -> pl.DataFrame:
    return pl.read_csv(out_dir / "labels.csv", infer_schema=False).with_columns(
        pl.col("source_sheet").fill_null(""), pl.col("source_row").cast(pl.Int64)
    )


def labelled_rows(out_dir: Path, tables: tuple) -> list[dict[str, str]]:
    """Each data row as logical fields (first, email...) plus its entity and variant."""
    fields = {(t.file, t.sheet): {c.header: c.field for c in t.columns} for t in tables}
    rows = read_landing(out_dir / "landing")
    out = []
    for label in read_labels(out_dir).iter_rows(named=True):
        key = (label["source_file"], label["source_sheet"])
        start = 1 if key[0].endswith(".ndjson") else 2
        cells = rows[key][label["source_row"] - start]
        record = {fields[key][h]: v for h, v in cells.items() if not fields[key][h].startswith("$")}
        out.append({**record, "entity_id": label["entity_id"], "variant": label["variant"]})
    return out


@pytest.fixture(scope="session")
def world_5k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate("world", out, rows=5000, seed=11)
    return out


@pytest.fixture(scope="session")
def tradeshows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    outs = {}
    for shape in SHAPES:
        outs[shape] = tmp_path_factory.mktemp(shape)
        generate("tradeshow", outs[shape], rows=3000, seed=11, shape=shape)
    return outs


def _files(out_dir: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out_dir)): p.read_bytes()
        for p in sorted(out_dir.rglob("*"))
        if p.is_file()
    }


def test_same_arguments_give_byte_identical_files_even_in_another_process(tmp_path: Path) -> None:
    first = generate("world", tmp_path / "a", rows=1500, seed=5)
    generate("world", tmp_path / "b", rows=1500, seed=5)
    script = "from bench.corpora import generate; generate('world', 'c', rows=1500, seed=5)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # set ordering differs between processes
    subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, check=True)
    a, b, c = (_files(tmp_path / d) for d in "abc")
    assert len(a) == len(first.files) + 1
    assert a == b == c
    assert _files(tmp_path / "a") != _files(
        generate("world", tmp_path / "d", rows=1500, seed=6).out_dir
    )


@pytest.mark.parametrize("kind", ["world", "tradeshow"])
def test_every_data_row_has_exactly_one_label_with_its_source_row(
    kind: str, world_5k: Path, tradeshows: dict[str, Path]
) -> None:
    out = world_5k if kind == "world" else tradeshows["no_email"]
    rows = read_landing(out / "landing")
    labels = read_labels(out)
    assert tuple(labels.columns) == LABEL_COLUMNS
    assert (
        labels.height == sum(len(r) for r in rows.values()) == (5000 if kind == "world" else 3000)
    )
    assert labels.select("source_file", "source_sheet", "source_row").is_duplicated().sum() == 0
    for (name, sheet), data in rows.items():
        numbers = labels.filter((pl.col("source_file") == name) & (pl.col("source_sheet") == sheet))
        start = 1 if name.endswith(".ndjson") else 2  # CSV/TSV/XLSX: the header is row 1
        assert numbers["source_row"].sort().to_list() == list(range(start, start + len(data))), name
    xlsx_sheets = {sheet for (name, sheet) in rows if name.endswith(".xlsx")}
    assert len(xlsx_sheets) == 2 and "" not in xlsx_sheets
    not_workbooks = labels.filter(~pl.col("source_file").str.ends_with(".xlsx"))
    assert set(not_workbooks["source_sheet"]) == {""}


def test_files_cover_five_formats_with_uneven_sizes(world_5k: Path) -> None:
    landing = world_5k / "landing"
    suffixes = sorted(p.suffix for p in landing.iterdir())
    assert suffixes == [".csv", ".csv", ".ndjson", ".tsv", ".xlsx"]
    latin1 = next(
        p for p in landing.glob("*.csv") if not p.read_bytes().startswith(b"\xef\xbb\xbf")
    )
    head = latin1.read_bytes().split(b"\r\n", 1)[0].decode("cp1252")
    assert head.startswith("Anrede;Vorname;Name;") and "Straße" in head
    sizes = read_labels(world_5k).group_by("source_file", "source_sheet").len()["len"]
    assert sizes.max() > 3 * sizes.min()


def test_every_variation_tag_appears_at_5k_rows(
    world_5k: Path, tradeshows: dict[str, Path]
) -> None:
    tags = set(read_labels(world_5k)["variant"].str.split("+").explode())
    assert tags == {*TAGS, "original"}
    shown = set(read_labels(tradeshows["names_addresses"])["variant"].str.split("+").explode())
    for tag in ("swapped", "initial", "accents_stripped", "typo", "address_variant", "nickname",
                "full_name_in_first", "one_surname", "case_whitespace", "exact"):  # fmt: skip
        assert tag in shown, tag


def test_a_persons_first_record_is_labelled_original_and_the_others_are_not(world_5k: Path) -> None:
    labels = read_labels(world_5k)
    per_entity = labels.group_by("entity_id").agg(
        (pl.col("variant") == "original").sum().alias("n")
    )
    assert per_entity["n"].to_list() == [1] * per_entity.height
    repeats = labels.filter(pl.col("variant") != "original").height
    assert repeats == 1250  # duplicate_rate 0.25
    assert (
        labels.group_by("source_file", "entity_id").len()["len"].max() > 1
    )  # repeats within a file


def _normalized(header: str) -> str:
    text = unicodedata.normalize("NFKD", header.replace("ß", "ss"))
    return re.sub(
        r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower()
    )


def test_names_addresses_files_have_no_email_or_phone_column(tradeshows: dict[str, Path]) -> None:
    synonyms = yaml.safe_load((ROOT / "bizdev_assets/ingest/header_synonyms.yaml").read_text())
    contact = {
        _normalized(h) for f in ("email", "phone", "mobile") for h in synonyms["synonyms"][f]
    }
    rows = read_landing(tradeshows["names_addresses"] / "landing")
    for (name, sheet), data in rows.items():
        headers = set(data[0])
        assert not any(
            _normalized(h.split(".")[-1]) in contact or _normalized(h) in contact for h in headers
        )
        assert {"street", "postcode", "city"} & {
            c.field for t in TRADESHOW for c in t.columns if c.header in headers
        }
        assert not any("@" in v for row in data for v in row.values()), (name, sheet)
        assert not any(re.search(r"\d{3}[ ./-]?\d{3}[ ./-]?\d{3}", v) for row in data for v in row.values()
                       if not v.startswith("B")), (name, sheet)  # fmt: skip


def test_a_job_change_duplicate_has_another_company_and_email(world_5k: Path) -> None:
    rows = labelled_rows(world_5k, WORLD)
    original = {r["entity_id"]: r for r in rows if r["variant"] == "original"}
    changed = [r for r in rows if "job_change" in r["variant"].split("+")]
    assert len(changed) > 30

    def plain(text: str) -> str:
        return " ".join(text.split()).casefold()

    compared = 0
    for row in changed:
        first = original[row["entity_id"]]
        assert plain(row["email"]) != plain(first["email"])
        if row.get("company") and first.get("company"):
            assert plain(row["company"]) != plain(first["company"])
            compared += 1
    assert compared > 20


def test_other_email_and_no_email_duplicates_show_what_their_label_says(world_5k: Path) -> None:
    rows = labelled_rows(world_5k, WORLD)
    original = {r["entity_id"]: r for r in rows if r["variant"] == "original"}
    for row in rows:
        tags = row["variant"].split("+")
        if tags == ["other_email"]:
            assert row["email"] and row["email"] != original[row["entity_id"]]["email"]
        if "no_email" in tags:
            assert row.get("email", "") == row.get("email2", "") == ""
        if tags == ["exact"]:  # files differ in conventions (country names, dates), not in these
            first = original[row["entity_id"]]
            for key in (
                "first",
                "last",
                "email",
                "company",
                "title",
                "phone",
                "mobile",
                "street",
                "city",
            ):
                if row.get(key) and first.get(key):
                    assert row[key] == first[key], (key, row, first)


def test_generated_phone_numbers_are_valid_in_their_country(world_5k: Path) -> None:
    rows = labelled_rows(world_5k, WORLD)
    regions = {"United States": "US", "Germany": "DE", "France": "FR", "Spain": "ES", "Italy": "IT",
               "Poland": "PL", "Netherlands": "NL", "United Kingdom": "GB", "Brazil": "BR"}  # fmt: skip
    checked = valid = 0
    for row in rows:
        region = regions.get(row.get("country", ""))
        for number in (row.get("phone", ""), row.get("mobile", "")):
            if region and number and row["variant"] == "original":
                checked += 1
                with contextlib.suppress(phonenumbers.NumberParseException):
                    valid += phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    # a person abroad keeps a home number: parsed in the company's country it can fail
    assert checked > 1000 and valid / checked > 0.9
