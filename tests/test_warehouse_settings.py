"""How the Postgres warehouse URL reaches the resource: as an environment variable the
Dagster UI shows by name (it holds the password), with a configurable `sslmode`."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from bizdev_assets.ingest.assets import raw_contact_files
from resources.settings import Settings, build_resources
from resources.warehouse import PostgresWarehouse


def _with_password(postgres_url: str, password: str) -> str:
    # The embedded server trusts local sockets: any password is accepted and must not leak.
    return postgres_url.replace("postgres:@", f"postgres:{password}@", 1)


def test_a_postgres_url_from_the_environment_stays_an_env_var_and_never_reaches_the_log(
    postgres_url: str, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _with_password(postgres_url, "s3cr3t-pw")
    monkeypatch.setenv("BIZDEV_WAREHOUSE", url)
    monkeypatch.setenv("BIZDEV_LANDING", str(landing))
    (landing / "ada.csv").write_text("Name,Email\nAda Lovelace,ada@example.com\n")

    resources = build_resources(Settings.from_env())
    warehouse = resources["warehouse"]
    assert isinstance(warehouse, PostgresWarehouse)
    assert isinstance(warehouse.url, dg.EnvVar)
    assert warehouse.url.env_var_name == "BIZDEV_WAREHOUSE"
    assert "s3cr3t-pw" not in warehouse.location
    # What the UI shows of the resource's config (Deployment > Resources): the name only.
    shown = warehouse.get_resource_definition().config_schema.default_value_as_json_str
    assert json.loads(shown)["url"] == {"env": "BIZDEV_WAREHOUSE"} and "s3cr3t" not in shown

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([raw_contact_files], resources=resources, instance=instance)
    assert result.success
    assert warehouse.row_count("raw_contact_files") == 1
    logged = [str(record) for record in instance.get_records_for_run(result.run_id).records]
    assert logged and not any("s3cr3t-pw" in line for line in logged)


def test_sslmode_comes_from_the_setting_over_the_urls_own(postgres_url: str) -> None:
    settings = Settings(
        warehouse=postgres_url.replace("?host=", "?sslmode=disable&host="),
        warehouse_sslmode="verify-full",
    )
    warehouse = build_resources(settings)["warehouse"]
    assert "sslmode=verify-full" in warehouse.dsn and "sslmode=disable" not in warehouse.dsn
    # A local socket never uses TLS, so the mode is accepted and the connection works.
    assert warehouse.query("select 1 as one")["one"].to_list() == [1]


def test_an_unknown_sslmode_is_refused_naming_the_setting(postgres_url: str) -> None:
    warehouse = PostgresWarehouse(url=postgres_url, sslmode="verify")
    with pytest.raises(ValueError, match="BIZDEV_WAREHOUSE_SSLMODE='verify'.*verify-full"):
        warehouse.query("select 1")
