"""Subject access: `bizdev gdpr export` writes everything held on one person (found
through their cluster, under every email) as one JSON and a CSV per table, and logs
the export in the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from bizdev_assets.cli import app
from resources.warehouse import DuckDBWarehouse


def seeded(path: Path) -> DuckDBWarehouse:
    warehouse = DuckDBWarehouse(path=str(path))
    warehouse.append_rows(
        "contacts_normalized",
        pl.DataFrame(
            {
                "record_id": ["r1", "r2", "r3"],
                "email": ["ada@acme.com", "ada.l@gmail.com", "grace@navy.mil"],
                "first_name": ["Ada", "Ada", "Grace"],
                "last_name": ["Lovelace", "Lovelace", "Hopper"],
            }
        ),
    )
    warehouse.append_rows(
        "contact_clusters",
        pl.DataFrame(
            {
                "record_id": ["r1", "r2", "r3"],
                "contact_id": ["c1", "c1", "c2"],
                "cluster_id": ["k1", "k1", "k2"],
            }
        ),
    )
    warehouse.append_rows(
        "outreach_events",
        pl.DataFrame(
            {"contact_id": ["c1", "c2"], "event": ["sent", "sent"], "detail": ["m1", "m2"]}
        ),
    )
    warehouse.append_rows(
        "crm_push_snapshot",
        pl.DataFrame({"crm_type": ["hubspot"], "contact_id": ["c1"], "crm_id": ["901"]}),
    )
    return warehouse


def test_export_holds_every_record_of_the_person_and_nobody_else(tmp_path: Path, monkeypatch):
    warehouse = seeded(tmp_path / "w.duckdb")
    monkeypatch.setenv("BIZDEV_WAREHOUSE", warehouse.path)
    monkeypatch.setenv("BIZDEV_LANDING", str(tmp_path / "landing"))
    monkeypatch.setenv("BIZDEV_GDPR_HMAC_KEY", "k")
    out = tmp_path / "exports"

    result = CliRunner().invoke(
        app, ["gdpr", "export", "--email", "ada.l@gmail.com", "--out", str(out), "--by", "dpo"]
    )

    assert result.exit_code == 0, result.output
    [folder] = list(out.iterdir())
    document = json.loads((folder / "subject.json").read_text())
    assert sorted(document["subject"]["emails"]) == ["ada.l@gmail.com", "ada@acme.com"]
    tables = document["tables"]
    assert {r["record_id"] for r in tables["contacts_normalized"]} == {"r1", "r2"}
    assert [r["crm_id"] for r in tables["crm_push_snapshot"]] == ["901"]
    assert [r["detail"] for r in tables["outreach_events"]] == ["m1"]
    assert "grace" not in json.dumps(document).lower()
    assert (folder / "contacts_normalized.csv").exists()
    assert warehouse.query("select action from audit_log")["action"].to_list() == [
        "subject_access_export"
    ]
