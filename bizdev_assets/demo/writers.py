"""Write rendered demo rows in each source's own format, plus their labels.

Every writer takes the rows of one file and a callback `label(row_number,
entity, variant, sheet)`, and reports the row number readers will see (CSV:
the physical line with the header at 1; Excel: the sheet row; NDJSON: the line;
JSON array: element index + 1). No field contains a newline, so for CSV a
record's line is simply its index + 2.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

import xlsxwriter

from bizdev_assets.demo.geography import COUNTRIES
from bizdev_assets.demo.noise import Row
from bizdev_assets.demo.pools import MALE
from bizdev_assets.demo.vocab import FORMS, NAME_PREFIXES, NAME_SUFFIXES, UTM_SOURCES

Rendered = Iterable[tuple[int, Row, str]]
Label = Callable[[int, int, str, str], None]

CRM_HEADER = (
    "Contact ID", "First Name", "Last Name", "Email", "Account Name", "Title", "Phone",
    "Mobile Phone", "Mailing Street", "Mailing City", "Mailing State/Province",
    "Mailing Zip/Postal Code", "Mailing Country", "Lead Source", "Email Opt In", "Opt In Date",
    "Last Modified Date",
)  # fmt: skip
MESSE_HEADER = (
    "Anrede", "Vorname", "Nachname", "Firma", "Position", "E-Mail", "Telefon", "Mobil", "Straße",
    "PLZ", "Ort", "Land", "Einwilligung", "Datum der Einwilligung",
)  # fmt: skip
PARTNER_HEADER = (
    "Name", "Company", "Job Title", "Email Address", "Phone Number", "Website", "City", "Country",
    "Notes",
)  # fmt: skip
PARIS_HEADER = (
    "Prénom", "Nom", "Société", "Fonction", "Courriel", "Téléphone", "Portable", "Ville", "Pays",
    "Consentement",
)  # fmt: skip
MADRID_HEADER = (
    "Nombre", "Apellidos", "Empresa", "Cargo", "Correo electrónico", "Teléfono", "Móvil", "Ciudad",
    "País", "Consentimiento",
)  # fmt: skip
SHEETS = ("Paris Salon", "Madrid Expo")
HUBSPOT_PROPERTIES = (
    "firstname", "lastname", "email", "phone", "mobilephone", "company", "jobtitle", "website",
    "city", "country", "hs_lastmodifieddate",
)  # fmt: skip
# xlsxwriter stamps the creation time into docProps; fix it so same seed = same bytes.
_FIXED_CREATED = datetime(2026, 1, 1)
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def iso(t: int | None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)) if t is not None else ""


def german_date(t: int | None) -> str:
    return time.strftime("%d.%m.%Y", time.gmtime(t)) if t is not None else ""


def country_name(code: str | None, lang: str, alias: bool = False) -> str:
    if not code:
        return ""
    c = COUNTRIES[code]
    return c.aliases[0] if alias else c.names[lang]


def salesforce_id(i: int, seed: int) -> str:
    """15-character Contact ID (`0035g00000AbCdE`); an affine map keeps them unique."""
    n = (i * 3_404_825_447 + seed * 7_919 + 1_234_567) % 62**6
    chars = []
    for _ in range(6):
        n, r = divmod(n, 62)
        chars.append(_B62[r])
    return "0035g0000" + "".join(reversed(chars))


def _s(v: object) -> str:
    return "" if v is None else str(v)


def hash_pick(e: int, n: int, k: int) -> int:
    """A cheap deterministic 0..k-1 choice for cosmetic per-row variety."""
    return (e * 2_654_435_761 + n * 40_503) % 1_000_003 % k


def write_crm(path: Path, rows: Rendered, label: Label, seed: int) -> int:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(CRM_HEADER)
        n = 0
        for n, (e, r, variant) in enumerate(rows, start=1):
            alias = r["country"] is not None and hash_pick(e, n, 10) == 0
            out.writerow((
                salesforce_id(n, seed), _s(r["first"]), _s(r["last"]), _s(r["email"]),
                r["company"], _s(r["title"]), _s(r["phone"]), _s(r["mobile"]), _s(r["street"]),
                _s(r["city"]), _s(r["state"]), _s(r["postcode"]),
                country_name(r["country"], "en", alias), r["lead_source"], "1" if r["consent"] else "0",
                iso(r["consent_at"]), iso(r["updated_at"]),
            ))  # fmt: skip
            label(n + 1, e, variant, "")
    return n


def write_messe(path: Path, rows: Rendered, label: Label) -> int:
    # errors="replace": the cp1252 export of a real badge scanner turns the rest into '?'
    with path.open("w", encoding="cp1252", errors="replace", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(MESSE_HEADER)
        n = 0
        for n, (e, r, variant) in enumerate(rows, start=1):
            pick = hash_pick(e, n, 10)
            anrede = (
                "" if r["gender"] < 0 or pick == 0 else ("Herr" if r["gender"] == MALE else "Frau")
            )
            land = "" if r["country"] == "DE" and pick < 3 else country_name(r["country"], "de")
            out.writerow((
                anrede, _s(r["first"]), _s(r["last"]), r["company"], _s(r["title"]), _s(r["email"]),
                _s(r["phone"]), _s(r["mobile"]), _s(r["street"]), _s(r["postcode"]), _s(r["city"]),
                land, "ja" if r["consent"] else "nein", german_date(r["consent_at"]),
            ))  # fmt: skip
            label(n + 1, e, variant, "")
    return n


def full_name(first: str, last: str, pick: int) -> str:
    """One name column, written the ways partners write it."""
    if not first and not last:
        return ""
    if pick < 60:
        return f"{first} {last}"
    if pick < 85:
        return f"{last}, {first}"
    if pick < 95:
        return f"{NAME_PREFIXES[pick % len(NAME_PREFIXES)]} {first} {last}"
    return f"{first} {last} {NAME_SUFFIXES[pick % len(NAME_SUFFIXES)]}"


def write_partners(path: Path, rows: Rendered, label: Label) -> int:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter="\t")
        out.writerow(PARTNER_HEADER)
        n = 0
        for n, (e, r, variant) in enumerate(rows, start=1):
            pick = hash_pick(e, n, 100)
            site = _s(r["website"])
            site = (site, site[8:], site[12:], site + "/")[pick % 4] if site else ""
            phone = _s(r["phone"] or r["mobile"])
            out.writerow((
                full_name(_s(r["first"]).strip(), _s(r["last"]).strip(), pick), r["company"],
                _s(r["title"]), _s(r["email"]), phone, site, _s(r["city"]),
                country_name(r["country"], "en"), r["note"],
            ))  # fmt: skip
            label(n + 1, e, variant, "")
    return n


def write_events(path: Path, paris: Rendered, madrid: Rendered, label: Label) -> int:
    """Two sheets, every cell a string; constant_memory streams rows to disk."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    book.set_properties({"created": _FIXED_CREATED, "author": "bizdev demo"})
    total = 0
    consent = {"fr": ("oui", "non"), "es": ("sí", "no")}
    for sheet, header, rows, lang in ((SHEETS[0], PARIS_HEADER, paris, "fr"),
                                      (SHEETS[1], MADRID_HEADER, madrid, "es")):  # fmt: skip
        ws = book.add_worksheet(sheet)
        for col, h in enumerate(header):
            ws.write_string(0, col, h)
        for n, (e, r, variant) in enumerate(rows, start=1):
            cells = (
                r["first"], r["last"], r["company"], r["title"], r["email"], r["phone"], r["mobile"],
                r["city"], country_name(r["country"], lang), consent[lang][0 if r["consent"] else 1],
            )  # fmt: skip
            for col, v in enumerate(cells):
                if v:
                    ws.write_string(n, col, str(v))
            label(n + 1, e, variant, sheet)
            total += 1
    book.close()
    return total


def _webform_objects(rows: Rendered, label: Label) -> Iterator[dict]:
    for n, (e, r, variant) in enumerate(rows, start=1):
        pick = hash_pick(e, n, 1000)
        fields = {
            "firstname": r["first"], "lastname": r["last"], "email": r["email"], "phone": r["phone"],
            "company": r["company"], "jobtitle": r["title"],
            "country": (r["country"] if pick % 2 else country_name(r["country"], "en")) or None,
        }  # fmt: skip
        fields = {k: v for k, v in fields.items() if v}
        fields["gdpr_consent"] = bool(r["consent"])
        obj = {
            "submission_id": f"ws_{(n * 2_862_933_555_777_941_757 + 3_037_000_493) % 16**12:012x}",
            "submitted_at": iso(r["updated_at"]),
            "form": FORMS[pick % len(FORMS)],
            "fields": fields,
            "utm": {"source": UTM_SOURCES[pick % len(UTM_SOURCES)]},
        }
        label(n, e, variant, "")
        yield obj


def write_webform(path: Path, rows: Rendered, label: Label) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for obj in _webform_objects(rows, label):
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_hubspot(path: Path, rows: Rendered, label: Label) -> int:
    n = 0
    next_id = 51
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("[\n")
        for n, (e, r, variant) in enumerate(rows, start=1):
            values = (
                r["first"], r["last"], r["email"], r["phone"], r["mobile"], r["company"], r["title"],
                r["website"] if hash_pick(e, n, 10) < 6 else None, r["city"],
                country_name(r["country"], "en"), iso(r["updated_at"])[:-1] + ".000Z",
            )  # fmt: skip
            props = {k: (v or None) for k, v in zip(HUBSPOT_PROPERTIES, values, strict=True)}
            obj = {"id": str(next_id), "properties": props}
            fh.write(("" if n == 1 else ",\n") + json.dumps(obj, ensure_ascii=False))
            next_id += 1 + hash_pick(e, n, 97)
            label(n, e, variant, "")
        fh.write("\n]\n")
    return n
