"""A data subject spread over three files, other people around them, and the scans that
prove an erasure: every landing file, every warehouse table, Dagster's storage."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

import polars as pl
import xlsxwriter

SUBJECT = {
    "first": "Jane",
    "last": "Doornbos",
    "emails": ["jane.doornbos@acmerobotics.com", "jdoornbos.private@gmail.com"],
    "phone": "+44 20 7946 0958",
    "phone_national": "020 7946 0958",
    "company": "Acme Robotics Ltd",
}
# What must be found nowhere after erasure (lower-case text, and the phone's digits).
NEEDLES = [*SUBJECT["emails"], "jane doornbos", "doornbos, jane"]
PHONE_DIGITS = "2079460958"

OTHERS = [
    ("Oskar", "Lindqvist", "oskar.lindqvist@nordfjord.se", "+46 8 123 456 78", "Nordfjord AB"),
    ("Amara", "Okafor", "amara.okafor@lagostech.ng", "+234 1 234 5678", "Lagos Tech"),
    ("Priya", "Raman", "priya.raman@bangaloresys.in", "+91 80 4567 8901", "Bangalore Systems"),
    ("Mateo", "Alvarez", "mateo.alvarez@andesmin.cl", "+56 2 2345 6789", "Andes Mining"),
    ("Chloe", "Martin", "chloe.martin@lyonverre.fr", "+33 4 72 12 34 56", "Lyon Verre"),
    ("Hiro", "Tanaka", "hiro.tanaka@osakadenki.jp", "+81 6 6123 4567", "Osaka Denki"),
    ("Lena", "Vogel", "lena.vogel@rheinwerk.de", "+49 221 9876543", "Rheinwerk GmbH"),
    ("Tomasz", "Nowak", "tomasz.nowak@wislasoft.pl", "+48 22 345 67 89", "Wisla Soft"),
    ("Sofia", "Rossi", "sofia.rossi@torinomecc.it", "+39 011 234 5678", "Torino Meccanica"),
    ("Liam", "Byrne", "liam.byrne@dublinfin.ie", "+353 1 234 5678", "Dublin Finance"),
    ("Noor", "Haddad", "noor.haddad@ammanlog.jo", "+962 6 123 4567", "Amman Logistics"),
    ("Eva", "Novak", "eva.novak@pragueglass.cz", "+420 222 123 456", "Prague Glass"),
]
HEADER = [
    "First Name",
    "Last Name",
    "Email",
    "Phone",
    "Company",
    "Job Title",
    "Country",
    "Consent",
    "Lead Source",
]


def _row(first, last, email, phone, company, country="GB"):
    # A qualified lead (VP Sales from the web, with consent): enrolled into a sequence.
    return [first, last, email, phone, company, "VP Sales", country, "yes", "Web"]


def subject_row(email: str, phone: str) -> list[str]:
    s = SUBJECT
    return _row(s["first"], s["last"], email, phone, s["company"])


def write_subject_files(landing: Path) -> dict[str, bytes]:
    """Three files: the subject under two emails (and two ways of writing the phone)
    among four others each. Returns name -> bytes as first dropped."""
    s = SUBJECT
    groups = [OTHERS[0:4], OTHERS[4:8], OTHERS[8:12]]
    csv_rows = [HEADER, subject_row(s["emails"][0], s["phone"])]
    csv_rows += [_row(*o, country="SE") for o in groups[0]]
    (landing / "tradeshow.csv").write_text("\n".join(",".join(r) for r in csv_rows) + "\n")
    people = [subject_row(s["emails"][1], s["phone"])] + [_row(*o, "DE") for o in groups[1]]
    (landing / "webinar.json").write_text(
        json.dumps([dict(zip(HEADER, p, strict=True)) for p in people])
    )
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet("Partners")
        rows = [HEADER, subject_row(s["emails"][0], s["phone_national"])]
        rows += [_row(*o, "IE") for o in groups[2]]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
    (landing / "partners.xlsx").write_bytes(buffer.getvalue())
    return {p.name: p.read_bytes() for p in landing.iterdir()}


def found_in(text: str) -> list[str]:
    """The subject's identifiers `text` holds."""
    lowered = text.lower()
    hits = [n for n in NEEDLES if n in lowered]
    for run in re.findall(r"\+?\d[\d ()./\-]{6,}\d", text):
        if PHONE_DIGITS in re.sub(r"\D", "", run):
            hits.append(run)
    return hits


def file_text(name: str, data: bytes) -> str:
    if name.endswith(".xlsx"):
        import fastexcel

        reader = fastexcel.read_excel(data)
        return "\n".join(
            reader.load_sheet_by_name(n, header_row=None).to_polars().write_csv()
            for n in reader.sheet_names
        )
    return data.decode("utf-8", "replace")


def scan_files(files: Iterable[tuple[str, bytes]]) -> dict[str, list[str]]:
    return {name: hits for name, data in files if (hits := found_in(file_text(name, data)))}


def flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists joined into text, so every cell can be written as CSV and searched."""
    return frame.with_columns(
        [
            pl.col(c).list.eval(pl.element().cast(pl.String)).list.join("|")
            for c, t in frame.schema.items()
            if isinstance(t, pl.List)
        ]
    )


def scan_tables(tables: dict[str, pl.DataFrame]) -> dict[str, list[str]]:
    """Every cell of every table, as text (lists and JSON included)."""
    found = {}
    for name, frame in tables.items():
        text = flat(frame).write_csv()
        if hits := found_in(text):
            found[name] = sorted(set(hits))
    return found


def scan_folder(folder: Path) -> dict[str, list[str]]:
    """Every file under `folder`, as bytes decoded leniently (SQLite files included)."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            if hits := found_in(text):
                found[str(path.relative_to(folder))] = sorted(set(hits))
    return found


def row_hashes(frame: pl.DataFrame) -> set[str]:
    text = flat(frame)
    return {hashlib.sha256(repr(r).encode()).hexdigest() for r in text.iter_rows()}
