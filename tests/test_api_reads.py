"""Reads over real HTTP: the REST mirror and GraphQL over a warehouse the whole pipeline
built from files uploaded through the API itself (so the source records are the API's)."""

from __future__ import annotations

import pytest

from bizdev_assets.demo.generator import generate_demo
from resources.settings import Settings
from resources.warehouse import DuckDBWarehouse
from tests.api_support import ApiUnderTest, api_settings, running_api
from tests.outreach_support import outreach_in
from tests.test_pipeline_end_to_end import materialize_all

READ = ("contacts:read",)
PII = ("contacts:read", "contacts:read:pii")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("reads")
    landing = root / "landing"
    landing.mkdir()
    generate_demo(root / "demo", root / "labels.csv", n_rows=600, seed=11)
    config = Settings(
        landing=str(landing),
        warehouse=str(root / "warehouse.duckdb"),
        api=api_settings(root),
        **outreach_in(root),
    )
    with running_api(config) as api:
        with api.client("uploads:write") as client:
            for path in sorted((root / "demo").iterdir()):
                response = client.post(
                    "/v1/uploads", files={"file": (path.name, path.read_bytes())}
                )
                assert response.status_code == 202, response.text
        assert materialize_all(config).success
        yield api


@pytest.fixture(scope="module")
def contacts(api: ApiUnderTest) -> list[dict]:
    return DuckDBWarehouse(path=api.settings.warehouse).read_table("contacts").to_dicts()


def test_paging_with_the_cursor_visits_every_contact_once(api, contacts):
    seen: list[str] = []
    cursor = None
    with api.client(*READ) as client:
        while True:
            params = {"limit": 100} | ({"cursor": cursor} if cursor else {})
            page = client.get("/v1/contacts", params=params).json()
            seen += [c["id"] for c in page["data"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert len(seen) == len(set(seen)) == len(contacts) > 100


def test_without_the_pii_scope_names_emails_and_phones_are_masked(api, contacts):
    person = next(c for c in contacts if c["email"] and c["phone"] and c["first_name"])
    with api.client(*READ) as reader, api.client(*PII) as trusted:
        masked = reader.get("/v1/contacts", params={"email": person["email"]}).json()
        clear = trusted.get("/v1/contacts", params={"email": person["email"]}).json()
    assert masked["masked"] is True and clear["masked"] is False
    [shown] = masked["data"]
    assert shown["id"] == person["id"]
    assert shown["email"] != person["email"] and "***@" in shown["email"]
    assert shown["email"].split("@")[1] == person["email"].split("@")[1]
    assert shown["first_name"].endswith("***") and person["phone"] not in str(shown)
    assert clear["data"][0]["email"] == person["email"]


def test_filters_search_and_injection_attempts_are_plain_values(api, contacts):
    company = next(c["company"] for c in contacts if c["company"])
    with api.client(*PII) as client:
        by_company = client.get("/v1/contacts", params={"company": company[:6]}).json()["data"]
        good = client.get("/v1/contacts", params={"min_quality": 0.8, "limit": 100}).json()
        injected = client.get("/v1/contacts", params={"name": "' or 1=1 --"})
        bad_cursor = client.get("/v1/contacts", params={"cursor": "bm90LWEtdXVpZA"})
        too_big = client.get("/v1/contacts", params={"limit": 101})
    assert by_company and all(company[:6].lower() in c["company"].lower() for c in by_company)
    assert good["data"] and all(c["quality_score"] >= 0.8 for c in good["data"])
    assert injected.status_code == 200 and injected.json()["data"] == []
    assert bad_cursor.status_code == 400 and "cursor" in bad_cursor.json()["detail"]
    assert too_big.status_code == 422


def test_one_contact_comes_with_its_source_records_masked(api, contacts):
    person = next(c for c in contacts if c["email"])
    with api.client(*READ) as client:
        found = client.get(f"/v1/contacts/{person['id']}")
        missing = client.get("/v1/contacts/00000000-0000-0000-0000-000000000000")
        not_an_id = client.get("/v1/contacts/robert'); drop table contacts;--")
    assert found.status_code == 200
    detail = found.json()
    assert detail["source_records"]
    assert all(r["source_file"].startswith("api/uploads/") for r in detail["source_records"])
    assert all(person["email"] != r["email"] for r in detail["source_records"])
    assert missing.status_code == 404 and not_an_id.status_code == 404


CONTACTS_QUERY = """
query Find($email: String, $first: Int) {
  contacts(email: $email, first: $first) {
    masked
    pageInfo { hasNextPage endCursor }
    edges { node { id email firstName qualityScore sourceRecords { sourceFile email } } }
  }
}
"""


def test_graphql_reads_contacts_with_their_source_records_masked_by_scope(api, contacts):
    person = next(c for c in contacts if c["email"])
    variables = {"email": person["email"], "first": 5}
    with api.client(*READ) as reader, api.client(*PII) as trusted:
        masked = reader.post("/graphql", json={"query": CONTACTS_QUERY, "variables": variables})
        clear = trusted.post("/graphql", json={"query": CONTACTS_QUERY, "variables": variables})
        page = reader.post("/graphql", json={"query": CONTACTS_QUERY, "variables": {"first": 3}})
    assert masked.status_code == 200, masked.text
    [edge] = masked.json()["data"]["contacts"]["edges"]
    assert edge["node"]["id"] == person["id"] and edge["node"]["email"] != person["email"]
    assert edge["node"]["sourceRecords"]
    assert all("***" in (r["email"] or "***") for r in edge["node"]["sourceRecords"])
    [clear_edge] = clear.json()["data"]["contacts"]["edges"]
    assert clear_edge["node"]["email"] == person["email"]
    connection = page.json()["data"]["contacts"]
    assert len(connection["edges"]) == 3 and connection["pageInfo"]["hasNextPage"] is True


def test_graphql_refuses_deep_costly_or_invalid_queries_with_400(api):
    deep = "{ contacts(first: 1) { edges { node { " + "company { " * 47 + "id" + " }" * 51
    costly = "{ contacts(first: 100) { edges { node { sourceRecords(first: 50) { email } "
    costly += "a: sourceRecords(first: 50) { email } b: sourceRecords(first: 50) { email } } } } }"
    with api.client(*READ) as client:
        answers = {
            "deep": client.post("/graphql", json={"query": deep}),
            "costly": client.post("/graphql", json={"query": costly}),
            "unknown field": client.post("/graphql", json={"query": "{ contacts { password } }"}),
            "not graphql": client.post("/graphql", json={"query": "drop table contacts"}),
            "no query": client.post("/graphql", json={"sql": "select 1"}),
            "mutation": client.post("/graphql", json={"query": "mutation { deleteAll }"}),
        }
    assert {k: a.status_code for k, a in answers.items()} == dict.fromkeys(answers, 400)
    assert "deeper than" in answers["deep"].json()["detail"]
    assert "values" in answers["costly"].json()["detail"]


def test_owner_filter_and_outreach_status_come_from_routing_and_enrolments(api):
    warehouse = DuckDBWarehouse(path=api.settings.warehouse)
    enrolled = warehouse.query(
        "select contact_id, owner_id, sequence_id from outreach_enrollments "
        "where owner_id is not null limit 1"
    ).to_dicts()
    assert enrolled, "the pipeline enrolled nobody: nothing to read back"
    [row] = enrolled
    routed = warehouse.query(
        "select count(distinct c.id) as n from contacts c join lead_routing r "
        "on cast(c.id as varchar) = r.contact_id where r.owner_id = ?",
        [row["owner_id"]],
    )["n"][0]
    query = """query($id: ID!) { contact(id: $id) { id outreach } }"""
    with api.client(*READ) as client:
        owned = client.get("/v1/contacts", params={"owner": row["owner_id"], "limit": 100}).json()
        detail = client.get(f"/v1/contacts/{row['contact_id']}").json()
        graph = client.post(
            "/graphql", json={"query": query, "variables": {"id": row["contact_id"]}}
        )
    assert row["contact_id"] in [c["id"] for c in owned["data"]]
    assert len(owned["data"]) == min(routed, 100)
    assert [o["sequence_id"] for o in detail["outreach"]] == [row["sequence_id"]]
    assert graph.json()["data"]["contact"]["outreach"][0]["sequence_id"] == row["sequence_id"]
