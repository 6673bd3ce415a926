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


def test_entries_the_crm_lacks_are_left_out_each_with_its_fix():
    declared = {"score": {"label": "Score", "type": "number"}}
    m = mapping(
        {"golden": "email", "crm": "email"},
        {"golden": "title", "crm": "jobtitel"},
        {"golden": "quality_score", "crm": "score"},
        {"golden": "first_name", "crm": "firstname"},
        create=declared,
    )
    check = m.usable_against({k: v for k, v in SPECS.items() if k != "score"})
    assert check.usable and [f.crm for f in check.mapping.fields] == ["email", "firstname"]
    assert check.mapping.lengths["firstname"] == 5
    assert [(p.crm_property, p.creatable) for p in check.problems] == [
        ("jobtitel", False),
        ("score", True),
    ]
    assert check.fix() == (
        "run `bizdev crm setup` to create score in hubspot (`bizdev crm setup --dry-run` "
        "shows the plan); correct fields[title -> jobtitel] in test.yaml"
    )
    assert "(did you mean 'jobtitle'?)" in check.warning()
    assert check.readable == ("email", "firstname")


def test_a_missing_match_key_makes_the_mapping_unusable_for_a_push():
    m = mapping(
        {"golden": "title", "crm": "jobtitle"}, id_property="bizdev_id", id_field="contact_id"
    )
    check = m.usable_against(SPECS)
    assert not check.usable and check.match_key_problem.crm_property == "bizdev_id"
    assert check.readable == ("jobtitle",)


def test_a_default_or_the_email_local_part_fills_an_empty_value_and_reads_back_empty():
    m = mapping(
        {"golden": "email", "crm": "email"},
        {"golden": "last_name", "crm": "lastname", "default": "[not provided]"},
        {"golden": "first_name", "crm": "firstname", "fallback": "email_local_part"},
    )
    golden = pl.DataFrame(
        {
            "email": ["ann.lee@x.com", "bo@y.com"],
            "last_name": [None, "Li"],
            "first_name": [None, "Bo"],
        }
    )
    (first, fills), (second, no_fills) = m.crm_values_and_fills(golden)
    assert first == {"email": "ann.lee@x.com", "lastname": "[not provided]", "firstname": "ann.lee"}
    assert fills == {"lastname", "firstname"} and no_fills == set()
    assert second["lastname"] == "Li"
    pulled = {"email": "ann.lee@x.com", "lastname": "[not provided]", "firstname": "ann.lee"}
    assert m.to_canonical(pulled) == {
        "email": "ann.lee@x.com",
        "last_name": None,
        "first_name": None,
    }


def test_the_create_section_and_fallbacks_are_checked_when_loaded():
    with pytest.raises(MappingError, match=r"create.score.type: 'float' is not one of"):
        mapping(create={"score": {"label": "Score", "type": "float"}})
    with pytest.raises(MappingError, match=r"fields\[0\].fallback\[0\]: 'nickname' is not"):
        mapping({"golden": "last_name", "crm": "lastname", "fallback": ["nickname"]})
