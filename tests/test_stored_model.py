"""The stored match model is data: only its numbers are read back, the SQL Splink runs is
built by the code, and Splink's DuckDB can reach no file, network or extension (issue
18). A forged or outdated row is rejected with the reason, and the run trains instead."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from bizdev_assets.dedup.model import model_settings, splink_connection
from bizdev_assets.dedup.scoring_model import scoring_model
from bizdev_assets.dedup.stored_model import StoredModelRejected, settings_from_parameters
from bizdev_assets.dedup.training import MODEL_TABLE, baseline_parameters
from resources.warehouse import DuckDBWarehouse
from tests.dedup_support import DEDUP, materialize, materialize_ingest_and_normalize, metadata_of

SECRET_READ = "length(read_text('{path}')) > 0"


def sql_of(settings: dict) -> list[str]:
    return [
        level["sql_condition"]
        for comparison in settings["comparisons"]
        for level in comparison["comparison_levels"]
    ] + [rule["blocking_rule"] for rule in settings["blocking_rules_to_generate_predictions"]]


def test_the_settings_are_the_code_s_own_with_the_stored_numbers_filled_in():
    parameters = baseline_parameters()
    settings = settings_from_parameters(parameters)

    assert sql_of(settings) == sql_of(model_settings())
    exact_name = settings["comparisons"][0]["comparison_levels"][1]
    assert exact_name["m_probability"] == parameters["comparisons"]["name"][1]["m"]


def forged(change) -> dict:
    parameters = copy.deepcopy(baseline_parameters())
    change(parameters)
    return parameters


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda p: p.update(format="splink"), "format"),
        (lambda p: p.update(structure="0" * 16), "structure"),
        (
            lambda p: p["comparisons"]["name"][1].update(label="x') or read_text('/etc/passwd"),
            "level",
        ),
        (lambda p: p["comparisons"]["name"][1].update(m="0.5; drop table x"), "not a number"),
        (lambda p: p["comparisons"]["email"][2].update(u=7), "not a probability"),
        (lambda p: p["comparisons"].pop("linkedin"), "comparisons differ"),
        (lambda p: p.update(probability_two_random_records_match=float("nan")), "prior"),
    ],
)
def test_a_stored_model_that_is_not_the_code_s_is_rejected_with_the_reason(change, reason):
    with pytest.raises(StoredModelRejected, match=reason):
        settings_from_parameters(forged(change))


def test_a_splink_model_with_sql_reading_a_file_is_never_run(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the warehouse password")
    splink_json = model_settings()
    splink_json["comparisons"][0]["comparison_levels"][1]["sql_condition"] = SECRET_READ.format(
        path=secret
    )
    normalized = pl.DataFrame({"record_id": ["a", "b"], "first_name": ["Ann", "Ann"]})

    model = scoring_model((json.dumps(splink_json), 7), normalized)

    assert model.trained_now and "version 7 rejected" in model.notes[0]
    assert str(secret) not in json.dumps(sql_of(model.settings))


@pytest.mark.parametrize(
    "statement",
    [
        "select * from read_text('/etc/hostname')",
        "copy (select 1) to '/tmp/bizdev_exfiltrated.csv'",
        "install httpfs",
        "load httpfs",
        "set enable_external_access = true",
        "attach '/tmp/other.duckdb' as other",
    ],
)
def test_the_splink_connection_refuses_files_network_and_extensions(statement):
    con = splink_connection()
    try:
        with pytest.raises(duckdb.Error):
            con.execute(statement)
    finally:
        con.close()
    assert not Path("/tmp/bizdev_exfiltrated.csv").exists()


def test_a_forged_model_row_in_the_warehouse_is_rejected_and_the_run_trains_instead(
    tmp_path: Path, landing: Path
):
    (landing / "people.csv").write_text(
        "first_name,last_name,email\n"
        + "".join(f"Ann{i},Lee{i},ann{i}@firm{i}.com\n" for i in range(1200))
        + "Ann1,Lee1,ann1@firm1.com\n"
    )
    warehouse_path = materialize_ingest_and_normalize(landing, tmp_path / "w.duckdb")
    splink_json = model_settings()
    splink_json["comparisons"][0]["comparison_levels"][1]["sql_condition"] = SECRET_READ.format(
        path="/etc/hostname"
    )
    forged_row = pl.DataFrame(
        {"version": [1], "model_json": [json.dumps(splink_json)], "origin": ["trained"]}
    )
    DuckDBWarehouse(path=str(warehouse_path)).append_rows(MODEL_TABLE, forged_row)

    result = materialize(DEDUP[1:], landing, warehouse_path)

    clusters = metadata_of(result, "contact_clusters")
    assert "version 1 rejected" in clusters["model"] and clusters["model_version"] == 0
    assert clusters["duplicates_merged"] == 1
