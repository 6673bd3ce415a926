"""Field mapping files: validated at load and against the CRM's properties; transforms."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from bizdev_assets.crm.mapping import CrmMapping, MappingError
from resources.crm.client import PropertySpec

SPECS = {
    "email": PropertySpec("email", "string"),
    "firstname": PropertySpec("firstname", "string", length=5),
    "jobtitle": PropertySpec("jobtitle", "string"),
    "score": PropertySpec("score", "number"),
    "stage": PropertySpec("stage", "enumeration", options=("lead", "customer")),
    "created": PropertySpec("created", "datetime", read_only=True),
}


def mapping(*fields: dict, **top) -> CrmMapping:
    data = {
        "crm": "hubspot",
        "object": "contacts",
        "version": 3,
        "id_property": "email",
        "id_field": "email",
        "fields": list(fields) or [{"golden": "email", "crm": "email"}],
        **top,
    }
    return CrmMapping.from_dict(data, "test.yaml")


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_shipped_mappings_load(crm):
    loaded = CrmMapping.shipped(crm)
    assert loaded.crm == crm and loaded.version >= 1
    assert loaded.id_property in loaded.properties


def test_unknown_golden_field_is_named_with_a_suggestion():
    with pytest.raises(MappingError, match=r"test.yaml: fields\[0\].golden: 'titel'.*'title'"):
        mapping({"golden": "titel", "crm": "jobtitle"})


def test_unknown_policy_and_keys_are_rejected():
    with pytest.raises(MappingError, match="'crm_first' is not one of"):
        mapping({"golden": "title", "crm": "jobtitle", "conflict": "crm_first"})
    with pytest.raises(MappingError, match="unknown keys"):
        mapping({"golden": "title", "crm": "jobtitle", "lenght": 3})
    with pytest.raises(MappingError, match="missing `version`"):
        CrmMapping.from_dict({"crm": "x", "object": "y"}, "test.yaml")


def test_unknown_crm_property_is_caught_against_the_crm():
    bad = mapping({"golden": "title", "crm": "jobtitel"})
    with pytest.raises(MappingError, match="has no property 'jobtitel' \\(did you mean 'jobtitle'"):
        bad.check_against(SPECS)


def test_type_mismatch_read_only_and_picklist_values_are_caught():
    with pytest.raises(MappingError, match="type mismatch: 'score' is a number"):
        mapping({"golden": "title", "crm": "score"}).check_against(SPECS)
    with pytest.raises(MappingError, match="read-only"):
        mapping({"golden": "first_seen_at", "crm": "created"}).check_against(SPECS)
    with pytest.raises(MappingError, match="add a value_map"):
        mapping({"golden": "lead_source", "crm": "stage"}).check_against(SPECS)
    with pytest.raises(MappingError, match=r"not in the picklist: \['prospect'\]"):
        mapping(
            {"golden": "lead_source", "crm": "stage", "value_map": {"Web": "prospect"}}
        ).check_against(SPECS)


def test_transforms_format_case_value_map_and_crm_length():
    checked = mapping(
        {"golden": "email", "crm": "email", "case": "lower"},
        {"golden": "first_name", "crm": "firstname"},
        {"golden": "quality_score", "crm": "score", "format": "{:.2f}"},
        {"golden": "lead_source", "crm": "stage", "value_map": {"Web": "lead", "*": "customer"}},
        {"golden": "first_seen_at", "crm": "jobtitle", "format": "%Y-%m-%d"},
    ).check_against({**SPECS, "created": PropertySpec("created", "datetime")})
    golden = pl.DataFrame(
        {
            "email": ["Ann@X.COM", None],
            "first_name": ["Annabelle", None],
            "quality_score": [0.8567, None],
            "lead_source": ["Web", "Fair"],
            "first_seen_at": [datetime(2026, 3, 1, 9), None],
        }
    )
    rows = checked.crm_values(golden)
    assert rows[0] == {
        "email": "ann@x.com",
        "firstname": "Annab",  # truncated to the CRM's length of 5
        "score": "0.86",
        "stage": "lead",
        "jobtitle": "2026-03-01",
    }
    assert rows[1] == {
        "email": None,
        "firstname": None,
        "score": None,
        "stage": "customer",
        "jobtitle": None,
    }


def test_pulled_values_map_back_to_landing_fields():
    m = mapping(
        {"golden": "email", "crm": "email"},
        {"golden": "lead_source", "crm": "stage", "value_map": {"Web": "lead", "*": "customer"}},
        {"golden": "quality_score", "crm": "score", "format": "{:.2f}"},
    )
    assert m.to_canonical({"email": "a@b.c", "stage": "lead", "score": "0.5"}) == {
        "email": "a@b.c",
        "lead_source": "Web",  # quality_score is not a landing field: not fed back
    }
