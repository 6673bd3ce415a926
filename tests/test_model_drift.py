"""The match model is retrained when the data drifts from what it was trained on.

A model is saved on five of the six generated files; then the sixth file (same
population), a drop from one unknown company, or a second generated data set lands, and
the sensor is evaluated against a real Dagster instance.
"""

from __future__ import annotations

import csv
import shutil
from contextlib import nullcontext
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from dagster._core.test_utils import create_run_for_test

from bizdev_assets.dedup.drift import DriftThresholds, match_model_fresh, measure_drift
from bizdev_assets.dedup.profile import PROFILE_TABLE, growth, population_stability
from bizdev_assets.definitions import ASSETS
from bizdev_assets.demo.generator import generate_demo
from jobs.contacts import contact_model_training
from resources.settings import Settings, build_resources
from resources.warehouse import DuckDBWarehouse, PostgresWarehouse
from sensors.model_drift import build_model_drift_sensor, model_drift_sensor

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
LOAD = ["raw_contact_files", "contacts_normalized", "contacts_quarantine"]
TRAIN = [*LOAD, "contact_match_model"]
LATER_DROP = "hubspot_contacts.json"


def materialize(settings: Settings, selection, extra=()) -> dg.ExecuteInProcessResult:
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [*ASSETS, *extra],
            selection=selection,
            instance=instance,
            resources=build_resources(settings),
            run_config=QUIET,
        )
    assert result.success
    return result


def tick(settings: Settings, sensor=model_drift_sensor, instance=None) -> list:
    """One evaluation of the sensor (on a fresh instance unless one is given)."""
    resources = {"warehouse": DuckDBWarehouse(path=settings.warehouse)}
    with nullcontext(instance) if instance else dg.instance_for_test() as active:
        context = dg.build_sensor_context(instance=active, resources=resources)
        return list(sensor(context))


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """Five generated files loaded and a model saved on them; the sixth held back."""
    root = tmp_path_factory.mktemp("trained")
    generate_demo(root / "generated", root / "labels.csv", n_rows=1_500, seed=21)
    landing = root / "landing"
    shutil.copytree(root / "generated", landing, ignore=shutil.ignore_patterns(LATER_DROP))
    materialize(Settings(landing=str(landing), warehouse=str(root / "warehouse.duckdb")), TRAIN)
    return root


@pytest.fixture
def settings(trained: Path, tmp_path: Path) -> Settings:
    """A private copy of the trained warehouse and its landing folder."""
    shutil.copytree(trained / "landing", tmp_path / "landing")
    shutil.copy(trained / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    return Settings(landing=str(tmp_path / "landing"), warehouse=str(tmp_path / "warehouse.duckdb"))


def land_one_company(settings: Settings, rows: int) -> None:
    """A trade-show list from one company nobody had heard of: new domain, company and
    phone area, no mobiles."""
    path = Path(settings.landing) / "kangaroo_freight_staff.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["First Name", "Last Name", "Email", "Company", "Phone", "Job Title"])
        for i in range(rows):
            first, last = f"Staffer{i:04d}", f"Walkabout{i % 37:02d}"
            out.writerow(
                [
                    first,
                    last,
                    f"{first.lower()}.{last.lower()}@kangaroo-freight.com.au",
                    "Kangaroo Freight Pty Ltd",
                    f"+61 2 9{i:03d} {i:04d}",
                    "Logistics Coordinator",
                ]
            )


def test_a_new_model_version_comes_with_a_profile_of_its_training_data(settings: Settings):
    warehouse = DuckDBWarehouse(path=settings.warehouse)
    profile = warehouse.read_table(PROFILE_TABLE)
    assert set(profile["version"]) == {1}
    per_feature = profile.group_by("feature").agg(pl.col("records").sum())
    records = warehouse.row_count("contacts_normalized")
    assert per_feature["records"].to_list() == [records] * per_feature.height
    report = measure_drift(warehouse)
    assert report.max_psi == 0 and report.growth == 1 and report.reasons == []


def test_without_new_data_the_sensor_skips_and_says_why(settings: Settings):
    (result,) = tick(settings)
    assert isinstance(result, dg.SkipReason)
    assert "no drift past the thresholds" in result.skip_message
    assert "max PSI 0.000" in result.skip_message


def test_more_of_the_same_population_is_not_drift(settings: Settings, trained: Path):
    shutil.copy(trained / "generated" / LATER_DROP, settings.landing)
    materialize(settings, LOAD)
    report = measure_drift(DuckDBWarehouse(path=settings.warehouse))
    assert report.max_psi < 0.05
    (result,) = tick(settings)
    assert isinstance(result, dg.SkipReason)


def test_a_drop_dominated_by_another_company_requests_one_training_run(settings: Settings):
    land_one_company(settings, rows=600)
    materialize(settings, LOAD)
    report = measure_drift(DuckDBWarehouse(path=settings.warehouse))
    drifted = set(report.features.filter(pl.col("psi") > 0.2)["feature"])
    assert {"email_domain", "company", "phone_prefix"} <= drifted
    assert report.growth < 2

    with dg.instance_for_test() as instance:
        (first,) = tick(settings, instance=instance)
        assert isinstance(first, dg.RunRequest)
        assert first.run_key == "contact_match_model-v1"
        assert "email_domain PSI" in first.tags["bizdev/drift"]
        # The requested run failed: the same drift does not request another.
        failed = create_run_for_test(
            instance,
            job_name="contact_model_training",
            status=dg.DagsterRunStatus.FAILURE,
            tags={"dagster/run_key": first.run_key},
        )
        (again,) = tick(settings, instance=instance)
        assert isinstance(again, dg.SkipReason)
        assert f"requested already (run {failed.run_id}, FAILURE)" in again.skip_message
    assert model_drift_sensor.job_name == "contact_model_training"

    # The retrained model's profile includes the drop: nothing to retrain for any more.
    materialize(settings, ["contact_match_model"])
    (after,) = tick(settings)
    assert isinstance(after, dg.SkipReason)
    assert "model 2" in after.skip_message


def test_doubling_the_data_requests_a_training_run(settings: Settings, tmp_path: Path):
    generate_demo(tmp_path / "second", tmp_path / "labels2.csv", n_rows=1_500, seed=22)
    shutil.copytree(tmp_path / "second", Path(settings.landing) / "second")
    materialize(settings, LOAD)
    (result,) = tick(settings)
    assert isinstance(result, dg.RunRequest)
    assert "records grew 2." in result.tags["bizdev/drift"]


def test_thresholds_are_a_parameter_of_the_sensor(settings: Settings):
    land_one_company(settings, rows=30)
    materialize(settings, LOAD)
    (default,) = tick(settings)
    assert isinstance(default, dg.SkipReason)
    eager = build_model_drift_sensor(DriftThresholds(psi=0.2, growth=1.01), name="eager")
    (result,) = tick(settings, sensor=eager)
    assert isinstance(result, dg.RunRequest)
    assert "records grew 1.0x" in result.tags["bizdev/drift"]


def test_no_saved_model_requests_the_first_training(settings: Settings):
    DuckDBWarehouse(path=settings.warehouse).query("drop table contact_match_model")
    (result,) = tick(settings)
    assert isinstance(result, dg.RunRequest)
    assert result.run_key == "contact_match_model-v0"


def test_the_sensor_waits_while_a_run_writes_the_warehouse(settings: Settings):
    land_one_company(settings, rows=600)
    materialize(settings, LOAD)
    with dg.instance_for_test() as instance:
        running = create_run_for_test(
            instance,
            job_name="contacts_refresh",
            status=dg.DagsterRunStatus.STARTED,
            tags={"bizdev/writes": "warehouse"},
        )
        (result,) = tick(settings, instance=instance)
        assert isinstance(result, dg.SkipReason)
        assert running.run_id in result.skip_message
        instance.report_run_failed(running)
        (result,) = tick(settings, instance=instance)
        assert isinstance(result, dg.RunRequest)


def test_the_check_warns_with_the_drift_figures(settings: Settings):
    land_one_company(settings, rows=600)
    materialize(settings, LOAD)
    result = materialize(
        settings, dg.AssetSelection.checks(match_model_fresh), extra=[match_model_fresh]
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.metadata["max_psi"].value > 0.2
    assert "email_domain PSI" in evaluation.metadata["retrain_because"].value
    assert "| email_domain |" in evaluation.metadata["drift_by_feature"].value


def test_the_sensor_and_check_load_into_a_code_location(
    settings: Settings,
):
    resources = build_resources(settings)
    defs = dg.Definitions(
        assets=ASSETS,
        asset_checks=[match_model_fresh],
        jobs=[contact_model_training],
        sensors=[model_drift_sensor],
        resources=resources,
    )
    dg.Definitions.validate_loadable(defs)
    sensor = defs.resolve_sensor_def("model_drift_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert sensor.minimum_interval_seconds == 3600
    land_one_company(settings, rows=600)
    materialize(settings, LOAD)
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(
            instance=instance, definitions=defs, resources={"warehouse": resources["warehouse"]}
        )
        (request,) = sensor.evaluate_tick(context).run_requests
    assert request.run_key == "contact_match_model-v1"


def test_drift_is_measured_alike_on_postgresql(settings: Settings, postgres_url: str):
    duckdb_warehouse = DuckDBWarehouse(path=settings.warehouse)
    normalized = duckdb_warehouse.read_table("contacts_normalized")
    on_postgres = Settings(landing=settings.landing, warehouse=postgres_url)
    postgres_warehouse = PostgresWarehouse(url=postgres_url)
    postgres_warehouse.replace_table("contacts_normalized", normalized)
    materialize(on_postgres, ["contact_match_model"])
    # The same drop on both: 600 staff of one company copied from existing people.
    drop = normalized.head(600).with_columns(
        ("k" + pl.col("record_id")).alias("record_id"),
        pl.lit("kangaroo freight").alias("company_key"),
        pl.lit("kangaroo-freight.com.au").alias("email_domain"),
    )
    reports = []
    for warehouse in (duckdb_warehouse, postgres_warehouse):
        warehouse.append_rows("contacts_normalized", drop)
        reports.append(measure_drift(warehouse))
    on_duckdb, on_pg = reports
    assert on_pg.model_version == 1 and on_pg.records == on_duckdb.records
    assert [r.split(" PSI")[0] for r in on_pg.reasons] == ["email_domain", "company"]
    assert [r.split(" PSI")[0] for r in on_duckdb.reasons] == ["email_domain", "company"]
    # Ties among the most common values may be broken differently (collations differ).
    assert on_pg.features["psi"].to_list() == pytest.approx(
        on_duckdb.features["psi"].to_list(), abs=0.02
    )


def company_profile(**records: int) -> pl.DataFrame:
    buckets = {"rare", "missing"}
    return pl.DataFrame(
        {
            "feature": ["company"] * len(records),
            "bucket": [k if k in buckets else "value" for k in records],
            "value": [None if k in buckets else k for k in records],
            "records": list(records.values()),
        }
    )


def company_psi(then: pl.DataFrame, now: pl.DataFrame) -> float:
    return population_stability(then, now).filter(pl.col("feature") == "company")["psi"].item()


def test_psi_is_zero_for_one_distribution_and_grows_with_the_shift():
    then = company_profile(acme=50, globex=30, rare=20, missing=0)
    assert company_psi(then, company_profile(acme=500, globex=300, rare=200, missing=0)) == 0
    shifted = company_profile(acme=20, globex=20, rare=40, missing=20)
    # (.2-.5)ln(.2/.5) + (.2-.3)ln(.2/.3) + (.4-.2)ln(.4/.2) + (.2-.0001)ln(.2/.0001)
    assert company_psi(then, shifted) == pytest.approx(0.2749 + 0.0405 + 0.1386 + 1.5197, abs=1e-3)
    assert growth(1_000, 2_000) == 2 and growth(0, 10) == float("inf")


def test_a_value_common_now_but_rare_then_is_its_own_bucket():
    then = company_profile(acme=50, globex=30, rare=20, missing=0)
    now = company_profile(acme=20, initech=60, globex=10, rare=10, missing=0)
    # initech was rare then: at most 20 records (all of "rare"), which is what is assumed.
    # (.2-.5)ln(.2/.5) + (.1-.3)ln(.1/.3) + (.6-.2)ln(.6/.2) + (.1-.0001)ln(.1/.0001)
    assert company_psi(then, now) == pytest.approx(0.2749 + 0.2197 + 0.4394 + 0.6901, abs=1e-3)
