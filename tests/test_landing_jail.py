"""The landing folder is a jail: only regular files inside it are read, nothing is
followed out of it or written through a link, and whatever is left unread is named."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bizdev_assets.cli import app, writes_demo_data
from resources.landing import LocalLanding
from resources.landing.base import LandingRefused, display_name
from resources.settings import Settings
from tests.ingest_support import run_ingest

GOOD = b"Name,Email\nGrace Hopper,grace@navy.mil\n"
SECRET = "root:x:0:0:secret-marker-1f3a"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "passwd").write_text(f"{SECRET}\n")
    (folder / "leads.csv").write_text("Name,Email\nMallory Out,mallory@outside.example\n")
    return folder


def test_a_symlink_out_of_the_folder_is_not_read_and_its_target_never_printed(
    settings, landing: Path, outside: Path
):
    (landing / "passwd.csv").symlink_to(outside / "passwd")
    (landing / "via_link").symlink_to(outside, target_is_directory=True)
    (landing / "good.csv").write_bytes(GOOD)

    run = run_ingest(settings)

    assert run.result.success
    assert set(run.file_log()) == {"good.csv"}
    everything = " ".join(m for _, m in run.messages) + str(run.metadata())
    everything += run.warehouse.query("select * from raw_contact_files").write_csv()
    assert SECRET not in everything and "mallory" not in everything
    for name in ("passwd.csv", "via_link"):
        assert any(w.startswith(f"{name}: not read: is a symbolic link") for w in run.warnings())
    assert run.metadata()["files_ignored"] == 2


def test_a_named_pipe_is_named_and_skipped_without_blocking_the_run(settings, landing: Path):
    os.mkfifo(landing / "leads.csv")
    (landing / "good.csv").write_bytes(GOOD)
    finished = threading.Event()

    def run_and_flag():
        run_and_flag.run = run_ingest(settings)
        finished.set()

    thread = threading.Thread(target=run_and_flag, daemon=True)
    thread.start()
    if not finished.wait(300):  # generous: a loaded 2-core machine runs Dagster slowly
        # Unblock a reader stuck on the pipe; never block here when there is none
        # (ENXIO: nobody has the pipe open, the run is merely slow).
        with contextlib.suppress(OSError):
            os.close(os.open(landing / "leads.csv", os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("the run did not finish: blocked on a FIFO in the landing folder?")
    run = run_and_flag.run
    assert run.result.success and set(run.file_log()) == {"good.csv"}
    assert any("leads.csv: not read: is a named pipe" in w for w in run.warnings())


@pytest.mark.parametrize("key", ["../outside/leads.csv", "/etc/passwd", "a/../../x.csv", ""])
def test_a_key_that_leads_outside_the_folder_is_refused(landing: Path, outside: Path, key: str):
    with pytest.raises(LandingRefused, match="not a path inside the landing folder"):
        LocalLanding(root=str(landing)).read_bytes(key)


def test_a_symlink_swapped_in_after_listing_is_refused_when_read(landing: Path, outside: Path):
    folder = LocalLanding(root=str(landing))
    (landing / "leads.csv").write_bytes(GOOD)
    (listed,) = folder.list_files()
    (landing / "leads.csv").unlink()
    (landing / "leads.csv").symlink_to(outside / "passwd")

    with pytest.raises(LandingRefused, match="symbolic link"):
        folder.read_bytes(listed.key)


def test_writes_never_go_through_a_symlinked_folder(landing: Path, outside: Path):
    (landing / "crm").symlink_to(outside, target_is_directory=True)
    with pytest.raises(LandingRefused, match="symbolic link"):
        LocalLanding(root=str(landing)).write_bytes("crm/hubspot_contacts_1.csv", GOOD)
    assert not (outside / "hubspot_contacts_1.csv").exists()


def test_the_first_write_creates_a_landing_folder_that_does_not_exist_yet(tmp_path: Path):
    # CRM feed files and the enrichment archive may be the first thing a fresh install writes.
    root = tmp_path / "not-yet" / "landing"
    LocalLanding(root=str(root)).write_bytes("enrichment/apollo/2026-12-02/a.ndjson", GOOD)
    assert (root / "enrichment/apollo/2026-12-02/a.ndjson").read_bytes() == GOOD


def test_hidden_names_and_partial_uploads_are_named_in_the_run_log(settings, landing: Path):
    (landing / ".leads.csv").write_bytes(GOOD)
    (landing / ".sync").mkdir()
    (landing / ".sync" / "copy.csv").write_bytes(GOOD)
    (landing / "upload.csv.part").write_bytes(GOOD)
    (landing / "good.csv").write_bytes(GOOD)

    run = run_ingest(settings)

    assert set(run.file_log()) == {"good.csv"}
    warned = run.warnings()
    assert any(w.startswith(".leads.csv: not read: hidden") for w in warned)
    assert any(w.startswith(".sync: not read: hidden") for w in warned)
    assert any(w.startswith("upload.csv.part: not read: a partial upload") for w in warned)
    assert "ignored_files" in run.metadata()


def test_a_path_longer_than_255_characters_loads_under_a_shortened_unique_name(
    settings, landing: Path
):
    deep = landing
    for part in ("a" * 120, "b" * 120, "c" * 120):
        deep = deep / part
    deep.mkdir(parents=True)
    (deep / ("d" * 100 + ".csv")).write_bytes(GOOD)
    (deep / ("e" * 100 + ".csv")).write_bytes(b"Name,Email\nAda Lovelace,ada@example.com\n")

    run = run_ingest(settings)

    assert run.result.success
    log = run.file_log()
    assert len(log) == 2
    for name, row in log.items():
        assert len(name) <= 255 and name.endswith(".csv")
        assert row["status"] == "loaded" and row["normalized_at"] is not None  # not pending
    assert run.normalized().height == 2


def test_display_names_escape_control_characters_and_undecodable_bytes():
    assert display_name("ok/leads.csv") == "ok/leads.csv"
    assert display_name("a\nb\rc\td\x1b[0m.csv") == "a\\nb\\rc\\td\\x1b[0m.csv"
    assert display_name("caf\udce9.csv") == "caf\\xe9.csv"
    assert display_name("\u202etxt.exe.csv") == "\\u202etxt.exe.csv"


def test_demo_data_goes_only_into_the_embedded_default_when_it_is_truly_empty(tmp_path: Path):
    folder = tmp_path / "landing"
    configured = Settings(landing=str(folder))
    default = Settings()
    assert writes_demo_data(default, LocalLanding(root=str(folder)))  # absent
    folder.mkdir()
    assert writes_demo_data(default, LocalLanding(root=str(folder)))  # empty
    assert not writes_demo_data(configured, LocalLanding(root=str(folder)))
    (folder / ".DS_Store").write_bytes(b"x")
    assert not writes_demo_data(default, LocalLanding(root=str(folder)))


def test_bizdev_run_writes_no_demo_contacts_into_a_configured_landing_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "landing"
    folder.mkdir()
    os.mkfifo(folder / "pipe.csv")
    (folder / ".hidden.csv").write_bytes(GOOD)
    monkeypatch.setenv("BIZDEV_LANDING", str(folder))
    monkeypatch.setenv("BIZDEV_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    for name in ("HUBSPOT_ACCESS_TOKEN", "SALESFORCE_INSTANCE_URL", "SALESFORCE_USERNAME"):
        monkeypatch.delenv(name, raising=False)

    CliRunner().invoke(app, ["run", "--demo-rows", "200"])

    assert sorted(p.name for p in folder.iterdir()) == [".hidden.csv", "pipe.csv"]
