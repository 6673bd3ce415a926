"""A landing folder of hostile files, made by code, through the whole chain in one run.

Every case ends the same way: the run is green, the good files load, every data row of
a loaded file is normalized or quarantined (none lost), memory stays bounded, and the
file, the row and the fix are named: in `landing_file_log.error` for a refused file, in
`contacts_quarantine` (source_file, source_row, reason) for a refused row, in the run's
log for an entry left unread.
"""

from __future__ import annotations

import codecs
import json
import os
import threading
import time
from dataclasses import dataclass, field

import dagster as dg
import polars as pl
import psutil
import pytest

from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from resources.settings import build_resources
from resources.warehouse import DuckDBWarehouse
from tests.hostile_files import (
    deep_json_array,
    huge_ndjson_line,
    people_csv,
    with_member,
    xlsx,
    zip_bomb_xlsx,
)


@dataclass
class Case:
    """One hostile file: what the run must make of it."""

    kind: str
    name: str  # as stored (printable); the file on disk may be named otherwise
    data: bytes | None = None
    status: str = "loaded"  # loaded | rejected | ignored
    rows: int = 0  # data rows a loaded file holds (normalized + quarantined)
    quarantined: dict[int, str] = field(default_factory=dict)  # source_row -> reason part
    says: str = ""  # part of the error (rejected) or warning (ignored): the fix
    raw_name: bytes | None = None  # the name on disk, when not the stored one


HOSTILE_PEOPLE = (
    "Name,Email,Phone,Title\n"
    'Quinn Quoted,"""quoted local""@example.com",+1-800-FLOWERS,Analyst\n'
    "Ada Twoat,a@b@c.example,=1+2,Engineer\n"
    f"Long Local,{'x' * 300}@e.example,-2+3+cmd|' /C calc'!A0,\"-2+3+cmd|' /C calc'!A0\"\n"
    "Scripted,<script>@x.example,+99999999999999999999,=HYPERLINK(1)\n"
    ",not-an-email,12,\n"
)


def cases() -> list[Case]:
    wide = "Email," + ",".join(f"c{i}" for i in range(19_999))
    runaway = 'Name,Email\nAda,"ada@quote.example\n' + "".join(
        f"Quote {i},q{i}@quote.example\n" for i in range(150)
    )
    book = xlsx(
        {
            "Leads": [
                ["Contact", None, None, "Company"],
                ["First Name", "Last Name", "E-Mail", "Company Name"],
                ["Merle", "Two-Level", "merle@xlsx.example", "Sheets Ltd"],
            ],
            "Archive": [["Email", "Name"], ["hidden@xlsx.example", "Hidden Row"]],
        },
        hidden=("Archive",),
    )
    forms = (
        b'{"email":"f1@forms.example"}\n'
        b'{"email":"f2@forms.example","ref":'
        + b"7" * 4_400
        + b"}\n"
        + b'{"a":' * 5_000
        + b"1"
        + b"}" * 5_000
        + b"\n"
        b'{"email": broken\n'
        b"[1, 2]\n"
        b'{"email":"f3@forms.example"}\n'
    )
    return [
        Case(
            "NUL bytes",
            "nul_bytes.csv",
            b"Name,Email\nAda\x00 Nul,ada@nul.example\nGrace Nul\x00,\x00grace@nul.example\n",
            rows=2,
        ),
        Case(
            "mixed line endings",
            "mixed_endings.csv",
            b"Name,Email\r\nMia One,m1@mix.example\nMia Two,m2@mix.example\rMia Three,m3@mix.example\r\n",
            rows=3,
        ),
        Case(
            "UTF-16 with BOM",
            "utf16.csv",
            codecs.BOM_UTF16_LE + "Name,Email\nZoë Sixteen,zoe@u16.example\n".encode("utf-16-le"),
            rows=1,
        ),
        Case(
            "UTF-16 without BOM",
            "utf16_nobom.tsv",
            "Name\tEmail\nUlf Sixteen\tulf@u16.example\n".encode("utf-16-le"),
            rows=1,
        ),
        Case(
            "50 MB cell",
            "big_cell.csv",
            b"Name,Email,Notes\nBig Cell,big@cell.example,"
            + b"x" * (50 * 1024 * 1024)
            + b"\n"
            + people_csv(3, 100).split(b"\n", 1)[1].replace(b",Analyst", b",ok"),
            rows=4,
            quarantined={2: "BIZDEV_MAX_FIELD_CHARS"},
        ),
        Case(
            "20,000 columns in 8 MB",
            "wide.csv",
            (wide + "\n" + (",".join(["v"] * 20_000) + "\n") * 200).encode(),
            status="rejected",
            says="BIZDEV_MAX_COLUMNS",
        ),
        Case(
            "ragged rows",
            "ragged.csv",
            b"Name,Email,City\nRae One,r1@rag.example,Oslo\nRae Two,r2@rag.example,Oslo,extra\nRae Three,r3@rag.example\nRae Four,r4@rag.example,Bergen\n",
            rows=4,
            quarantined={3: "expected 3 fields, found 4", 4: "expected 3 fields, found 2"},
        ),
        Case(
            "runaway quote",
            "runaway_quote.csv",
            runaway.encode(),
            rows=151,
            quarantined={2: "unbalanced quote"},
        ),
        Case(
            "zip bomb",
            "zip_bomb.xlsx",
            zip_bomb_xlsx(),
            status="rejected",
            says="BIZDEV_MAX_XLSX_UNCOMPRESSED_BYTES",
        ),
        Case(
            "legacy .xls",
            "legacy.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            status="rejected",
            says="save it as .xlsx",
        ),
        Case(
            "legacy .xls named .csv",
            "legacy_renamed.csv",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8,
            status="rejected",
            says="save it as .xlsx",
        ),
        Case(
            "binary named .csv",
            "logo.csv",
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
            status="rejected",
            says="export the contacts as CSV",
        ),
        Case(
            "deep JSON",
            "deep.json",
            deep_json_array(),
            rows=4,
            quarantined={2: "BIZDEV_MAX_JSON_DEPTH"},
        ),
        Case(
            "10 MB NDJSON line, invalid UTF-8",
            "huge_line.ndjson",
            huge_ndjson_line(),
            rows=3,
            quarantined={2: "BIZDEV_MAX_FIELD_CHARS"},
        ),
        Case(
            "bad NDJSON lines",
            "forms.ndjson",
            forms,
            rows=6,
            quarantined={3: "BIZDEV_MAX_JSON_DEPTH", 4: "invalid JSON", 5: "not an object"},
        ),
        Case(
            "JSON array with non-objects",
            "api.json",
            json.dumps(
                [{"email": "j1@api.example"}, 7, "text", None, {"email": "j2@api.example"}]
            ).encode(),
            rows=5,
            quarantined={2: "not an object", 3: "not an object", 4: "not an object"},
        ),
        Case("two-level header and hidden sheet", "book.xlsx", book, rows=2),
        Case(
            "corrupt sheet XML",
            "corrupt.xlsx",
            with_member(
                xlsx({"S": [["Email"], ["c@x.example"]]}),
                "xl/worksheets/sheet1.xml",
                b"<worksheet><sheetData><row>",
            ),
            status="rejected",
            says="save it again as .xlsx",
        ),
        Case(
            "no header row",
            "headerless.csv",
            b"Hal Headless,hal@none.example\nHan Headless,han@none.example\n",
            status="rejected",
            says="add a header row",
        ),
        Case(
            "regex and empty headers",
            "regex_headers.csv",
            b"Email,^.*$,*,,(,Email\nrex@regex.example,1,2,3,4,5\n",
            rows=1,
        ),
        Case(
            "duplicate headers",
            "dup_headers.csv",
            b"Email,Email,Name,Name\nd1@dup.example,d2@dup.example,Dee Dup,Other\n",
            rows=1,
        ),
        Case("empty", "empty.csv", b"", status="rejected", says="re-export it"),
        Case("header only", "header_only.csv", b"Name,Email\n", rows=0),
        Case("blank", "blank.csv", b"\n\n   \n\t\n", status="rejected", says="re-export it"),
        Case(
            "hostile emails and phones",
            "hostile_people.csv",
            HOSTILE_PEOPLE.encode(),
            rows=5,
            quarantined={6: "no name, email or phone"},
        ),
        Case(
            "100k distinct JSON keys",
            "keys.json",
            json.dumps(
                [{"email": f"k{i}@keys.example", f"key_{i}": 1} for i in range(5_000)]
            ).encode(),
            status="rejected",
            says="BIZDEV_MAX_COLUMNS",
        ),
        Case(
            "newline and ANSI in name",
            "odd\\nname\\x1b[31m.csv",
            people_csv(1, 200),
            rows=1,
            raw_name=b"odd\nname\x1b[31m.csv",
        ),
        Case(
            "traversal-like name", "%2e%2e%2f%2e%2e%2fetc%2fpasswd.csv", people_csv(1, 300), rows=1
        ),
        Case(
            "dot-dot name",
            "..%2F..%2Fetc%2Fpasswd.csv",
            people_csv(1, 310),
            status="ignored",
            says="hidden",
        ),
        Case(
            "non-UTF-8 name",
            "caf\\xe9 leads.csv",
            people_csv(1, 400),
            rows=1,
            raw_name=b"caf\xe9 leads.csv",
        ),
        Case("formula-like name", "-2+3+cmd.csv", people_csv(1, 500), rows=1),
        Case("hidden name", ".secret.csv", people_csv(1, 600), status="ignored", says="hidden"),
        Case(
            "partial upload",
            "upload.csv.part",
            people_csv(1, 700),
            status="ignored",
            says="partial upload",
        ),
        Case("symlink to a file outside", "passwd.csv", status="ignored", says="symbolic link"),
        Case("FIFO", "pipe.csv", status="ignored", says="named pipe"),
    ]


class PeakRss:
    """The process's resident memory, sampled while the block runs."""

    def __enter__(self):
        self.process = psutil.Process()
        self.start = self.peak = self.process.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()

    @property
    def grew_mb(self) -> int:
        return (self.peak - self.start) // 2**20


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("corpus")
    landing = root / "landing"
    generate_demo(landing, root / "labels.csv", n_rows=600, seed=11)
    good = {p.name for p in landing.iterdir()}
    outside = root / "outside"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0:corpus-secret:/root:/bin/bash\n")
    corpus = cases()
    for case in corpus:
        if case.kind == "symlink to a file outside":
            (landing / case.name).symlink_to(outside / "passwd")
        elif case.kind == "FIFO":
            os.mkfifo(landing / case.name)
        else:
            name = case.raw_name or case.name.encode()
            with open(os.fsencode(landing) + b"/" + name, "wb") as out:
                out.write(case.data or b"")
    from resources.settings import Settings

    settings = Settings(landing=str(landing), warehouse=str(root / "w.duckdb"))
    with dg.instance_for_test() as instance, PeakRss() as memory:
        started = time.perf_counter()
        result = dg.materialize(
            ASSETS, instance=instance, resources=build_resources(settings), raise_on_error=False
        )
        seconds = time.perf_counter() - started
        messages = [e.user_message for e in instance.all_logs(result.run_id)]
    print(
        f"\ncorpus run: {len(corpus)} hostile cases, {seconds:.1f} s, RSS grew {memory.grew_mb} MB"
    )
    return result, DuckDBWarehouse(path=str(root / "w.duckdb")), messages, memory, good


def test_the_run_is_green_and_memory_stays_bounded(corpus_run):
    result, _, _, memory, _ = corpus_run
    failures = [e.event_specific_data.error.message for e in result.get_step_failure_events()]
    assert result.success, failures
    assert memory.grew_mb < 1_500


def test_the_good_files_load_beside_the_hostile_ones(corpus_run):
    _, warehouse, _, _, good = corpus_run
    log = warehouse.query("select source_file, status from landing_file_log")
    status = dict(log.iter_rows())
    assert all(status[name] == "loaded" for name in good)
    assert warehouse.row_count("golden_contacts") > 0


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.kind)
def test_each_case_is_accounted_for_and_named(corpus_run, case: Case):
    _, warehouse, messages, _, _ = corpus_run
    log = {
        row["source_file"]: row
        for row in warehouse.query("select * from landing_file_log").iter_rows(named=True)
    }
    if case.status == "ignored":
        assert case.name not in log
        assert any(m.startswith(f"{case.name}: not read: ") and case.says in m for m in messages)
        return
    entry = log[case.name]
    assert entry["status"] == case.status, entry["error"]
    if case.status == "rejected":
        assert entry["error"].startswith(case.name) and case.says in entry["error"]
        return
    assert entry["normalized_at"] is not None  # not left pending
    counts = warehouse.query(
        "select (select count(*) from raw_contact_files where source_file = ?) as raw,"
        " (select count(*) from contacts_normalized where source_file = ?) as normalized,"
        " (select count(*) from contacts_quarantine where source_file = ?) as quarantined",
        [case.name] * 3,
    ).row(0, named=True)
    assert counts["raw"] == case.rows
    assert counts["normalized"] + counts["quarantined"] == counts["raw"]
    quarantine = warehouse.query(
        "select source_row, reason, raw_content from contacts_quarantine where source_file = ?",
        [case.name],
    )
    reasons = dict(zip(quarantine["source_row"], quarantine["reason"], strict=True))
    for row, part in case.quarantined.items():
        assert part in (reasons.get(row) or ""), (row, reasons)
    longest = quarantine.select(pl.col("raw_content").str.len_chars().max()).item()
    assert (longest or 0) < 10_100  # a runaway record or a 50 MB cell is not stored whole


def test_nothing_from_outside_the_folder_and_no_raw_control_character_reaches_the_log(corpus_run):
    _, warehouse, messages, _, _ = corpus_run
    text = "\n".join(messages)
    assert "corpus-secret" not in text
    assert "corpus-secret" not in warehouse.query("select * from raw_contact_files").write_csv()
    assert not [m for m in messages if "\x1b" in m or "\nname" in m]
