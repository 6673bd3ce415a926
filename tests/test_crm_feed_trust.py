"""Only CRM feed files bizdev wrote itself are trusted as CRM feeds (issue 18): a file
dropped under a feed's name cannot hand a contact a CRM id, nor earn CRM trust."""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl
import pytest

from bizdev_assets.demo.generator import generate_demo
from bizdev_assets.golden.rules import SurvivorshipRules, SurvivorshipRulesError
from tests.crm_support import materialize, table

pytestmark = pytest.mark.usefixtures("hubspot_bizdev_fields", "salesforce_bizdev_fields")


def test_a_forged_feed_file_cannot_make_the_push_update_a_crm_record_by_id(
    crm_settings, landing, hubspot
):
    generate_demo(landing, landing.parent / "labels.csv", n_rows=150, seed=31)
    victim = hubspot.seed(
        "contacts",
        {"email": "victim@corp.example", "firstname": "Vera", "lastname": "Victim"},
        modified_at=datetime(2024, 1, 1),
    )
    forged = {
        "id": victim,  # the HubSpot id of someone else's record
        "email": "attacker@evil.example",
        "first_name": "Eve",
        "last_name": "Attacker",
        "record_updated_at": "2026-01-01T00:00:00Z",
    }
    (landing / "crm").mkdir()
    (landing / "crm" / "hubspot_contacts_20260101T000000Z_forged00.ndjson").write_text(
        json.dumps(forged) + "\n"
    )

    materialize(crm_settings)

    records = hubspot.records("contacts")
    assert records[victim]["email"] == "victim@corp.example"  # not rewritten by id
    attacker = [r for r in records.values() if r["email"] == "attacker@evil.example"]
    assert len(attacker) == 1 and attacker[0]["hs_object_id"] != victim
    feeds = table(crm_settings, "select landing_key, crm_type from crm_feed_files")
    assert feeds.height == 1 and feeds["crm_type"][0] == "hubspot"  # the genuine pull only
    assert "forged" not in feeds["landing_key"][0]
    owner = table(
        crm_settings,
        "select c.email from golden_contacts g join contacts c "
        f"on cast(c.id as varchar) = g.contact_id "
        f"where g.contact_id = '{records[victim]['bizdev_contact_id']}'",
    )
    assert owner["email"].to_list() == ["victim@corp.example"]


def _trust(rules: SurvivorshipRules, **record: str) -> int:
    frame = pl.DataFrame([{"source_file": None, "source_type": None, "file_hash": None, **record}])
    return frame.select(rules.trust_expr())[0, 0]


def test_a_file_named_like_a_crm_export_gets_no_crm_trust():
    rules = SurvivorshipRules.load()
    assert _trust(rules, source_file="crm_evil.csv", source_type="csv", file_hash="e1") == 40
    assert _trust(rules, source_file="hubspot_export.xlsx", source_type="xlsx") == 60
    forged = {"source_file": "crm/hubspot_contacts_x.ndjson", "source_type": "ndjson"}
    assert _trust(rules, **forged, file_hash="f1") == 30
    verified = rules.with_verified_feeds({"f1"})
    assert _trust(verified, **forged, file_hash="f1") == 90
    assert _trust(verified, source_file="crm_evil.csv", source_type="csv", file_hash="e1") == 40


def test_a_source_rule_names_a_known_verified_source():
    with pytest.raises(SurvivorshipRulesError, match=r"sources\[0\].source: expected one of"):
        SurvivorshipRules.from_dict({"sources": [{"source": "crm", "trust": 90}], "fields": {}})
