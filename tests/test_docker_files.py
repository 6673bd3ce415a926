"""Structural checks of docker/: the stack's services, health checks, start order and
settings agree with each other and with the code. (No Docker engine is needed: the full
check is `docker compose -f docker/compose.yaml config`.)"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from resources.dagster_instance import check_postgres_url

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCKER = REPO_ROOT / "docker"
LONG_RUNNING = (
    "postgres",
    "minio",
    "temporal",
    "bizdev-code",
    "dagster-webserver",
    "dagster-daemon",
)
DAGSTER_SERVICES = ("bizdev-code", "dagster-webserver", "dagster-daemon")
_VARIABLE = re.compile(r"(?<!\$)\$\{(\w+)(?::?-([^}]*))?\}")  # not $${...}: the container's own


def _with_defaults(value: str) -> str:
    """A compose value as it reads with no docker/.env: `${VAR:-default}` -> default."""
    return _VARIABLE.sub(lambda m: m.group(2) or "", value)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


def _env(services: dict, name: str) -> dict[str, str]:
    return {k: _with_defaults(str(v)) for k, v in services[name].get("environment", {}).items()}


def test_every_long_running_service_has_a_health_check(services: dict) -> None:
    for name in LONG_RUNNING:
        assert name in services, f"compose.yaml lacks the {name} service"
        test = services[name].get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"


def test_services_start_only_after_what_they_need_is_healthy(services: dict) -> None:
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            one_shot = services[dependency].get("restart") == "no"
            expected = "service_completed_successfully" if one_shot else "service_healthy"
            assert rule["condition"] == expected, f"{name} -> {dependency}"
    assert {"postgres", "minio-init", "temporal"} <= set(services["bizdev-code"]["depends_on"])
    for name in ("dagster-webserver", "dagster-daemon"):
        assert {"postgres", "bizdev-code"} <= set(services[name]["depends_on"])


def test_the_landing_bucket_is_created_by_the_one_shot_mc_service(services: dict) -> None:
    init = services["minio-init"]
    assert init["depends_on"]["minio"]["condition"] == "service_healthy"
    assert "mc mb --ignore-existing" in " ".join(init["command"])
    bucket = _env(services, "minio-init")["LANDING_BUCKET"]
    landing = urlsplit(_env(services, "bizdev-code")["BIZDEV_LANDING"])
    assert (landing.scheme, landing.netloc) == ("s3", bucket)


def test_the_three_dagster_containers_share_one_postgres_instance(services: dict) -> None:
    urls = {_env(services, name)["DAGSTER_POSTGRES_URL"] for name in DAGSTER_SERVICES}
    assert len(urls) == 1, "webserver, daemon and code location must share Dagster's storage"
    (url,) = urls
    check_postgres_url(url)
    parts = urlsplit(url)
    assert (parts.hostname, parts.path) == ("postgres", "/dagster")
    assert _env(services, "postgres")["POSTGRES_DB"] == "dagster"
    for name in DAGSTER_SERVICES:
        mounts = services[name]["volumes"]
        assert "dagster-storage:/opt/dagster/dagster_home/storage" in mounts


def test_the_code_location_points_at_the_stacks_servers(services: dict) -> None:
    env = _env(services, "bizdev-code")
    warehouse = urlsplit(env["BIZDEV_WAREHOUSE"])
    assert (warehouse.scheme, warehouse.hostname, warehouse.path) == (
        "postgresql",
        "postgres",
        "/warehouse",
    )
    init_sql = "\n".join(p.read_text() for p in (DOCKER / "postgres-init").glob("*.sql"))
    assert re.search(r"create database warehouse\b", init_sql, re.IGNORECASE)
    assert urlsplit(env["AWS_ENDPOINT_URL"]).hostname == "minio"
    assert env["TEMPORAL_ADDRESS"].split(":")[0] == "temporal"
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"):
        assert env[variable], variable
    minio = _env(services, "minio")
    assert env["AWS_ACCESS_KEY_ID"] == minio["MINIO_ROOT_USER"]
    assert env["AWS_SECRET_ACCESS_KEY"] == minio["MINIO_ROOT_PASSWORD"]


def test_every_bizdev_and_dagster_variable_the_stack_sets_is_one_the_code_reads(
    services: dict,
) -> None:
    source = "\n".join(p.read_text() for p in (REPO_ROOT / "resources").rglob("*.py"))
    for name in services:
        for variable in _env(services, name):
            if variable.startswith(("BIZDEV_", "DAGSTER_")):
                assert variable in source, f"{name} sets {variable}, which no resource reads"


def test_env_example_lists_only_variables_compose_uses(compose: dict) -> None:
    used = set(_VARIABLE.findall((DOCKER / "compose.yaml").read_text()))
    used_names = {name for name, _ in used}
    example = (DOCKER / ".env.example").read_text()
    listed = {line.split("=", 1)[0] for line in example.splitlines() if re.match(r"^\w+=", line)}
    assert listed <= used_names, listed - used_names
    # `${VAR:-}` counts: an empty default (a CRM left unconfigured) is a default.
    text = (DOCKER / "compose.yaml").read_text()
    without_default = {m.group(1) for m in _VARIABLE.finditer(text) if m.group(2) is None}
    assert not without_default, f"give these a default in compose.yaml: {without_default}"


def test_the_image_installs_the_locked_packages_and_runs_as_a_non_root_user() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert re.search(r"COPY [^\n]*\buv\.lock\b", dockerfile)
    assert "uv sync --frozen --no-dev" in dockerfile
    makefile_uv = re.search(r"UV_VERSION := (\S+)", (REPO_ROOT / "Makefile").read_text())
    assert f'"uv=={makefile_uv.group(1)}"' in dockerfile, "same uv as the Makefile"
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "HEALTHCHECK" in dockerfile
    assert "COPY dagster.yaml ${DAGSTER_HOME}/dagster.yaml" in dockerfile
    packages = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"][
        "targets"
    ]["wheel"]["packages"]
    for package in packages:
        assert f"COPY {package} ./{package}" in dockerfile, package


def test_the_image_is_built_from_the_files_the_build_context_lets_through() -> None:
    allowed = {
        line[1:].rstrip("/")
        for line in (DOCKER / "Dockerfile.dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    copied = re.findall(r"^COPY (.+) \S+$", (DOCKER / "Dockerfile").read_text(), re.MULTILINE)
    for sources in copied:
        for source in sources.split():
            assert source in allowed, f"{source} is copied but excluded from the build context"


def test_the_workspace_reaches_the_code_location_service(services: dict) -> None:
    workspace = yaml.safe_load((DOCKER / "workspace.yaml").read_text())
    (entry,) = workspace["load_from"]
    server = entry["grpc_server"]
    assert server["host"] in services
    code_health = " ".join(services[server["host"]]["healthcheck"]["test"])
    assert f"-p {server['port']}" in code_health
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert f'"-p", "{server["port"]}"' in dockerfile
    for name in ("dagster-webserver", "dagster-daemon"):
        assert "/opt/dagster/workspace.yaml" in services[name]["command"]
