"""The demo generator writes six realistic source files whose labels are ground truth.

The files are read back here with plain readers (csv, json, polars for Excel), not
with the pipeline's own ingest, so a bug in one cannot hide a bug in the other.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest

from bizdev_assets.demo.generator import DemoReport, generate_demo
from bizdev_assets.demo.geography import COUNTRIES

N_ROWS = 2000
ROOT = Path(__file__).resolve().parents[1]
NON_LATIN = re.compile(r"[\u0400-\u04ff\u0600-\u06ff\u3040-\u30ff\u4e00-\u9fff]")
# The exact header lines of the brief: the header-synonym mapping is written against them.
HEADER_LINES = {
    "crm_export.csv": "Contact ID,First Name,Last Name,Email,Account Name,Title,Phone,Mobile Phone,"
    "Mailing Street,Mailing City,Mailing State/Province,Mailing Zip/Postal Code,Mailing Country,"
    "Lead Source,Email Opt In,Opt In Date,Last Modified Date",
    "messe_muenchen_2026.csv": "Anrede;Vorname;Nachname;Firma;Position;E-Mail;Telefon;Mobil;Straße;"
    "PLZ;Ort;Land;Einwilligung;Datum der Einwilligung",
    "partner_referrals.tsv": "Name\tCompany\tJob Title\tEmail Address\tPhone Number\tWebsite\tCity\t"
    "Country\tNotes",
    "Paris Salon": "Prénom, Nom, Société, Fonction, Courriel, Téléphone, Portable, Ville, Pays, "
    "Consentement",
    "Madrid Expo": "Nombre, Apellidos, Empresa, Cargo, Correo electrónico, Teléfono, Móvil, Ciudad, "
    "País, Consentimiento",
}
# Header of each source -> a common key, so the checks below read every file alike.
KEYS = {
    "first": ("First Name", "Vorname", "Prénom", "Nombre", "firstname"),
    "last": ("Last Name", "Nachname", "Nom", "Apellidos", "lastname"),
    "full": ("Name",),
    "email": ("Email", "E-Mail", "Email Address", "Courriel", "Correo electrónico", "email"),
    "phone": ("Phone", "Telefon", "Phone Number", "Téléphone", "Teléfono", "phone"),
    "mobile": ("Mobile Phone", "Mobil", "Portable", "Móvil", "mobilephone"),
    "company": ("Account Name", "Firma", "Company", "Société", "Empresa", "company"),
    "country": ("Mailing Country",),
}


def _generate(root: Path, seed: int, n_rows: int = N_ROWS, **kw) -> DemoReport:
    return generate_demo(root / "landing", root / "labels.csv", n_rows=n_rows, seed=seed, **kw)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> DemoReport:
    return _generate(tmp_path_factory.mktemp("demo"), seed=42)


def _records(report: DemoReport) -> dict[tuple[str, str, int], dict[str, str]]:
    """Every contact row of every file, keyed like the labels: (file, sheet, row)."""
    land = report.files[0].parent
    out: dict[tuple[str, str, int], dict[str, str]] = {}
    for name, encoding, delimiter in (
        ("crm_export.csv", "utf-8-sig", ","),
        ("messe_muenchen_2026.csv", "cp1252", ";"),
        ("partner_referrals.tsv", "utf-8", "\t"),
    ):
        with (land / name).open(encoding=encoding, newline="") as fh:
            reader = csv.DictReader(fh, delimiter=delimiter)
            assert delimiter.join(reader.fieldnames or []) == HEADER_LINES[name]
            for i, row in enumerate(reader):
                out[(name, "", i + 2)] = row
    sheets = pl.read_excel(land / "events_2026.xlsx", sheet_name=["Paris Salon", "Madrid Expo"],
                           drop_empty_rows=False, infer_schema_length=0)  # fmt: skip
    for sheet, df in sheets.items():
        assert ", ".join(df.columns) == HEADER_LINES[sheet]
        assert all(dtype == pl.String for dtype in df.dtypes)
        for i, row in enumerate(df.iter_rows(named=True)):
            out[("events_2026.xlsx", sheet, i + 2)] = row
    with (land / "webform_submissions.ndjson").open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            out[("webform_submissions.ndjson", "", i + 1)] = json.loads(line)["fields"]
    hub = json.loads((land / "hubspot_contacts.json").read_text(encoding="utf-8"))
    for i, obj in enumerate(hub):
        out[("hubspot_contacts.json", "", i + 1)] = obj["properties"]
    return {k: _common(v) for k, v in out.items()}


def _common(row: dict) -> dict[str, str]:
    out = {}
    for key, headers in KEYS.items():
        out[key] = next((str(row[h] or "").strip() for h in headers if h in row), "")
    return out


def _labels(report: DemoReport) -> list[dict[str, str]]:
    with report.labels_path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _key(label: dict[str, str]) -> tuple[str, str, int]:
    return label["source_file"], label["source_sheet"], int(label["source_row"])


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-8:]


def test_same_seed_gives_byte_identical_files_in_a_fresh_process(demo, tmp_path):
    # A fresh interpreter with another hash seed: no cached pools, other set ordering.
    code = (
        "import sys; from pathlib import Path; from bizdev_assets.demo.generator import generate_demo;"
        f"generate_demo(Path(sys.argv[1]) / 'landing', Path(sys.argv[1]) / 'labels.csv', n_rows={N_ROWS}, seed=42)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env, cwd=ROOT)
    for a in [*demo.files, demo.labels_path]:
        b = tmp_path / a.relative_to(demo.labels_path.parent)
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two runs with seed 42"


def test_different_seed_gives_different_files(demo, tmp_path):
    other = _generate(tmp_path, seed=7)
    for a, b in zip(demo.files, other.files, strict=True):
        assert a.read_bytes() != b.read_bytes(), f"{a.name} did not change with the seed"


def test_writes_the_six_source_files_and_counts_rows(demo):
    assert [p.name for p in demo.files] == [
        "crm_export.csv", "messe_muenchen_2026.csv", "partner_referrals.tsv", "events_2026.xlsx",
        "webform_submissions.ndjson", "hubspot_contacts.json",
    ]  # fmt: skip
    assert demo.labels_path.parent != demo.files[0].parent
    assert demo.rows == N_ROWS
    assert demo.seconds > 0


def test_every_label_points_at_exactly_one_real_row(demo):
    records, labels = _records(demo), _labels(demo)
    keys = [_key(label) for label in labels]
    assert len(keys) == len(set(keys)) == demo.rows
    assert set(keys) == set(records)
    assert len({label["entity_id"] for label in labels}) == demo.entities


def test_each_person_has_one_original_row_and_duplicates_exist(demo):
    labels = _labels(demo)
    originals = defaultdict(int)
    for label in labels:
        originals[label["entity_id"]] += label["variant"] == "original"
    people = [e for e in originals if e.startswith("P")]
    assert all(originals[e] == 1 for e in people)
    assert demo.entities < demo.rows
    assert len(labels) - len(originals) == pytest.approx(0.2 * N_ROWS, rel=0.05)
    variants = {v for label in labels for v in label["variant"].split("+")}
    assert {
        "typo",
        "nickname",
        "job_change",
        "name_swap",
        "company_variant",
        "unusable",
    } <= variants


def test_namesakes_are_different_people_with_the_same_name(demo):
    records, labels = _records(demo), _labels(demo)
    by_name, by_name_and_company = defaultdict(set), defaultdict(set)
    for label in labels:
        r = records[_key(label)]
        if label["variant"] == "original" and r["first"] and r["last"]:
            by_name[(r["first"], r["last"])].add(label["entity_id"])
            by_name_and_company[(r["first"], r["last"], r["company"])].add(label["entity_id"])
    assert any(len(ids) > 1 for ids in by_name.values())
    assert any(len(ids) > 1 for ids in by_name_and_company.values())


def test_job_changers_keep_a_personal_email_or_mobile(demo):
    records, labels = _records(demo), _labels(demo)
    keys_of = defaultdict(list)
    for label in labels:
        r = records[_key(label)]
        keys = {r["email"].lower()} | {_digits(r[f]) for f in ("phone", "mobile")}
        keys_of[label["entity_id"]].append((label["variant"], (keys - {"", "0"}), r["company"]))
    changes = [
        (e, i)
        for e, rows in keys_of.items()
        for i, row in enumerate(rows)
        if "job_change" in row[0]
    ]
    assert changes
    linked = 0
    for e, i in changes:
        _, keys, company = keys_of[e][i]
        others = [row for j, row in enumerate(keys_of[e]) if j != i]
        linked += any(keys & other[1] for other in others)
        assert all(company != other[2] for other in others if other[0] == "original")
    assert linked / len(changes) > 0.8


def test_unusable_rows_carry_no_name_email_or_phone(demo):
    records = _records(demo)
    unusable = [_key(label) for label in _labels(demo) if label["variant"] == "unusable"]
    assert len(unusable) == round(0.005 * N_ROWS)
    for key in unusable:
        r = records[key]
        assert not (r["first"] or r["last"] or r["full"] or r["email"] or r["phone"] or r["mobile"])
        assert r["company"]


def test_non_latin_names_appear_only_in_web_sources(demo):
    records = _records(demo)
    hits = {k[0] for k, r in records.items() if NON_LATIN.search(r["first"] + r["last"])}
    assert hits and hits <= {"webform_submissions.ndjson", "hubspot_contacts.json"}


def test_messe_file_is_cp1252_with_umlauts_and_not_utf8(demo):
    raw = (demo.files[0].parent / "messe_muenchen_2026.csv").read_bytes()
    text = raw.decode("cp1252")
    assert re.search("[äöüÄÖÜß]", text)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_crm_file_starts_with_a_utf8_bom(demo):
    assert (demo.files[0].parent / "crm_export.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_phones_are_valid_and_mostly_match_the_country(demo):
    phonenumbers = pytest.importorskip("phonenumbers")
    region = {c.names["en"]: code for code, c in COUNTRIES.items()}
    region |= {alias: code for code, c in COUNTRIES.items() for alias in c.aliases}
    valid = same_country = total = 0
    for (name, _, _), r in _records(demo).items():
        if name != "crm_export.csv" or not r["phone"] or not r["country"]:
            continue
        parsed = phonenumbers.parse(r["phone"], region[r["country"]])
        total += 1
        valid += phonenumbers.is_valid_number(parsed)
        same_country += phonenumbers.region_code_for_number(parsed) == region[r["country"]]
    assert total > 400
    # People working for a foreign employer sometimes give its number in national form,
    # which no parser can place from the row's country: a small, deliberate hard case.
    assert valid / total > 0.98
    assert same_country / total > 0.8


def test_without_duplicates_every_row_is_its_own_entity(tmp_path):
    report = _generate(tmp_path, seed=3, n_rows=300, duplicate_rate=0.0)
    assert report.rows == report.entities == 300
