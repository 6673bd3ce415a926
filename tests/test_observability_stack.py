"""docker/'s Prometheus rules and Grafana dashboards, checked as promtool and Grafana
would read them, and against what the exporter really emits: every metric a rule or a
panel queries is one `bizdev metrics` serves (or the API service, or a recording rule)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import dagster as dg
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from bench.metrics import build_warehouse
from bizdev_assets.observability.exporter import render_metrics
from resources.warehouse import DuckDBWarehouse

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCKER = REPO_ROOT / "docker"
RULES = sorted((DOCKER / "prometheus" / "rules").glob("*.yml"))
DASHBOARDS = sorted((DOCKER / "grafana" / "dashboards").glob("*.json"))
# Served by the API service's /metrics (bizdev_api/metrics.py, issue 14), not the exporter.
API_SERVICE_METRICS = {
    "bizdev_api_request_seconds_bucket",
    "bizdev_api_request_seconds_count",
    "bizdev_api_request_seconds_sum",
    "bizdev_api_requests_total",
}
PROMQL_BUILTINS = {"up"}
_METRIC = re.compile(r"\b(bizdev(?:_[a-z0-9]+)+|bizdev:[a-z0-9_:]+)\b")
_DURATION = re.compile(r"^\d+[smhd]$")
SAMPLE_SUFFIXES = {
    "counter": ("_total",),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum"),
}


@pytest.fixture(scope="module")
def emitted(tmp_path_factory) -> set[str]:
    """Every sample name the exporter emits when every table it reads exists."""
    path = tmp_path_factory.mktemp("stack") / "warehouse.duckdb"
    build_warehouse(path, contacts=2_000)
    with dg.instance_for_test() as instance:
        text = render_metrics(DuckDBWarehouse(path=str(path)), instance).decode()
    names = set()
    for family in text_string_to_metric_families(text):
        names |= {family.name + suffix for suffix in SAMPLE_SUFFIXES[family.type]}
    return names


@pytest.fixture(scope="module")
def rules() -> list[dict]:
    assert RULES, "no rule files in docker/prometheus/rules"
    return [rule for path in RULES for group in _groups(path) for rule in group["rules"]]


def _groups(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text())
    assert set(data) == {"groups"}, path
    for group in data["groups"]:
        assert group["name"] and group["rules"], path
    return data["groups"]


def _balanced(expr: str) -> bool:
    depth = []
    pairs = {")": "(", "]": "[", "}": "{"}
    for char in re.sub(r'"[^"]*"', "", expr):
        if char in "([{":
            depth.append(char)
        elif char in pairs and (not depth or depth.pop() != pairs[char]):
            return False
    return not depth


def _metrics_in(expr: str) -> set[str]:
    return set(_METRIC.findall(re.sub(r'"[^"]*"', '""', expr)))


def test_rules_are_well_formed_as_promtool_checks_them(rules: list[dict]) -> None:
    names = set()
    for rule in rules:
        assert ("record" in rule) != ("alert" in rule), rule
        assert rule["expr"].strip() and _balanced(rule["expr"]), rule["expr"]
        if "for" in rule:
            assert _DURATION.match(rule["for"]), rule
        if "record" in rule:
            assert re.fullmatch(r"[a-z_]+:[a-z0-9_]+:[a-z0-9_]+", rule["record"]), rule["record"]
        else:
            assert rule["alert"] not in names, f"duplicate alert {rule['alert']}"
            names.add(rule["alert"])
            assert rule["labels"]["severity"] in ("page", "ticket"), rule
            assert rule["annotations"]["summary"], rule


def test_every_metric_a_rule_reads_is_emitted(rules: list[dict], emitted: set[str]) -> None:
    recorded = {rule["record"] for rule in rules if "record" in rule}
    known = emitted | API_SERVICE_METRICS | PROMQL_BUILTINS | recorded
    for rule in rules:
        unknown = _metrics_in(rule["expr"]) - known
        assert not unknown, f"{rule.get('alert') or rule.get('record')} reads {unknown}"


def test_burn_rate_alerts_pair_a_long_and_a_short_window(rules: list[dict]) -> None:
    burn = [r for r in rules if r.get("alert", "").endswith(("BudgetBurn", "BudgetBurnSlow"))]
    assert len(burn) >= 4
    for rule in burn:
        windows = set(re.findall(r"ratio_rate(\d+[mh])", rule["expr"]))
        assert len(windows) == 2 and " and " in rule["expr"], rule["alert"]


def test_every_alert_links_a_runbook_section_that_exists(rules: list[dict]) -> None:
    runbook = (REPO_ROOT / "docs" / "runbook.md").read_text()
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in runbook.splitlines()
        if line.startswith("#")
    }
    for rule in rules:
        if "alert" in rule:
            link = rule["annotations"]["runbook_url"]
            assert link.startswith("docs/runbook.md#"), link
            assert link.split("#", 1)[1] in anchors, f"{rule['alert']}: no section {link}"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_every_dashboard_panel_queries_emitted_metrics(path: Path, emitted, rules) -> None:
    dashboard = json.loads(path.read_text())
    assert dashboard["uid"] == path.stem and dashboard["title"] and dashboard["panels"]
    recorded = {rule["record"] for rule in rules if "record" in rule}
    known = emitted | API_SERVICE_METRICS | recorded
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == "bizdev-prometheus", panel["title"]
        assert set(panel["gridPos"]) == {"x", "y", "w", "h"}
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            used = _metrics_in(target["expr"])
            assert used and _balanced(target["expr"]), (panel["title"], target["expr"])
            assert not used - known, f"{panel['title']} reads {used - known}"


def test_the_five_dashboards_the_issue_asks_for_are_provisioned() -> None:
    assert {p.stem for p in DASHBOARDS} == {
        "bizdev-pipeline-health",
        "bizdev-crm-sync",
        "bizdev-enrichment-cost",
        "bizdev-outreach-funnel",
        "bizdev-gdpr",
    }
    source = yaml.safe_load(
        (DOCKER / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )["datasources"][0]
    assert source["uid"] == "bizdev-prometheus" and source["url"] == "http://prometheus:9090"
    provider = yaml.safe_load((DOCKER / "grafana/provisioning/dashboards/bizdev.yml").read_text())[
        "providers"
    ][0]
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())["services"]
    mounts = dict(
        v.rsplit(":", 1)[0].split(":", 1)
        for v in compose["grafana"]["volumes"]
        if v.startswith("./")
    )
    assert mounts["./grafana/dashboards"] == provider["options"]["path"]


def test_prometheus_scrapes_the_exporter_service_and_loads_the_rules() -> None:
    config = yaml.safe_load((DOCKER / "prometheus/prometheus.yml").read_text())
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())["services"]
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "bizdev"]
    host, port = job["static_configs"][0]["targets"][0].split(":")
    assert host in compose and compose[host]["command"] == ["bizdev", "metrics"]
    assert compose[host]["environment"]["BIZDEV_METRICS_PORT"] == port
    assert config["rule_files"] == ["/etc/prometheus/rules/*.yml"]
    assert "./prometheus/rules:/etc/prometheus/rules:ro" in compose["prometheus"]["volumes"]
