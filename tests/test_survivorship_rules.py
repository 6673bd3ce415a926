"""The survivorship rules file: shipped default, source trust by first matching rule, and
bad files rejected with the file and field named."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bizdev_assets.golden.rules import SurvivorshipRules, SurvivorshipRulesError
from bizdev_assets.golden.survivorship import build_golden_contacts
from bizdev_assets.normalize.columns import NORMALIZED_COLUMNS
from tests.survivorship_support import NOW, record


def test_first_matching_source_rule_decides_the_trust():
    rules = SurvivorshipRules.from_dict(
        {
            "sources": [{"match": "*FORM*", "trust": 5}, {"type": "csv", "trust": 80}],
            "default_trust": 50,
            "fields": {"company": "most_trusted"},
        }
    )
    normalized = pl.DataFrame(
        [
            record("a", source_file="in/webform.csv", source_type="csv", company="Form Co"),
            record("b", source_file="list.json", source_type="json", company="Json Co"),
        ],
        schema=NORMALIZED_COLUMNS,
    )
    clusters = pl.DataFrame({"record_id": ["a", "b"], "cluster_id": ["k", "k"]})
    assert build_golden_contacts(normalized, clusters, rules, now=NOW)["company"][0] == "Json Co"


def test_the_shipped_rules_file_is_valid():
    rules = SurvivorshipRules.load()
    assert rules.strategies["consent"] == "most_recent_statement"
    assert rules.sources[0].trust >= 80


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: [", "not valid YAML"),
        ("- just a list", "top level: expected a mapping"),
        ("fields: {email: newest}", "fields.email: expected one of most_trusted"),
        ("fields: {emails: most_recent}", "fields.emails: unknown field group"),
        (
            "fields: {consent: most_trusted}",
            "fields.consent: expected one of most_recent_statement",
        ),
        (
            "sources: [{match: 'crm_*', trust: high}]\nfields: {}",
            r"sources\[0\].trust: expected a whole number",
        ),
        ("sources: [{trust: 10}]\nfields: {}", r"sources\[0\]: needs `match`"),
        (
            "sources: [{type: xls, trust: 10}]\nfields: {}",
            r"sources\[0\].type: expected one of csv",
        ),
        ("default_trust: 101\nfields: {}", "default_trust: expected a whole number from 0 to 100"),
        ("fields: {}\nsauces: []", "sauces: unknown key"),
    ],
)
def test_bad_rules_are_rejected_naming_the_file_and_field(tmp_path: Path, text: str, message: str):
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(SurvivorshipRulesError, match=message) as error:
        SurvivorshipRules.load(path)
    assert str(path) in str(error.value)
