"""HubSpotCrm (the real hubspot-api-client) against the local HubSpot server."""

from __future__ import annotations

import random
import socket
from datetime import UTC, datetime, timedelta

import pytest

from bizdev_assets.crm.client import CrmAuthError, CrmError
from bizdev_assets.crm.hubspot import HubSpotCrm
from tests.servers.hubspot import HubSpotServer, iso_ms

BASE_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def make_crm(hubspot: HubSpotServer, **kwargs) -> HubSpotCrm:
    options = {"backoff_seconds": 0.01, "max_backoff_seconds": 0.05, **kwargs}
    return HubSpotCrm(hubspot.token, hubspot.url, **options)


@pytest.fixture
def crm(hubspot: HubSpotServer) -> HubSpotCrm:
    return make_crm(hubspot)


def pull_all(crm: HubSpotCrm, object_type="contacts", properties=("email",), since=None):
    pages = list(crm.pull(object_type, list(properties), since))
    return pages, [record for page in pages for record in page]


def search_filters(hubspot: HubSpotServer, object_type: str = "contacts") -> list[list[dict]]:
    return [
        [f for group in body.get("filterGroups") or [] for f in group["filters"]]
        for body in hubspot.bodies(f"/{object_type}/search")
    ]


# --- pull -------------------------------------------------------------------------------


def test_pull_pages_ascending_with_only_requested_properties(hubspot, crm):
    offsets = list(range(450))
    random.Random(7).shuffle(offsets)  # insertion order != modification order
    hubspot.seed_many(
        "contacts",
        (
            {
                "email": f"p{i}@example.com",
                "firstname": f"P{i}",
                "lastmodifieddate": iso_ms(BASE_MS + i * 1000),
            }
            for i in offsets
        ),
    )

    pages, records = pull_all(crm, properties=("email", "firstname", "jobtitle"))

    assert [len(page) for page in pages] == [200, 200, 50]
    assert len({r.id for r in records}) == 450
    stamps = [r.modified_at for r in records]
    assert stamps == sorted(stamps)
    assert stamps[0] == BASE and stamps[0].tzinfo is not None
    assert stamps[-1] == BASE + timedelta(seconds=449)
    first = records[0]
    assert first.properties == {"email": "p0@example.com", "firstname": "P0", "jobtitle": None}
    assert first.deleted is False
    bodies = hubspot.bodies("/contacts/search")
    assert len(bodies) == 3
    assert bodies[0]["sorts"] == [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}]
    assert bodies[0]["limit"] == 200 and "after" not in bodies[0]
    assert [b.get("after") for b in bodies[1:]] == ["200", "400"]
    assert crm.stats.by_operation == {"search": 3} and crm.stats.write_calls == 0


def test_pull_modified_since_is_inclusive_and_uses_each_objects_date_property(hubspot, crm):
    old, edge, new = (
        hubspot.seed(
            "contacts", {"email": f"{name}@example.com"}, modified_at=BASE + timedelta(hours=h)
        )
        for name, h in (("old", 0), ("edge", 1), ("new", 2))
    )
    _, since_edge = pull_all(crm, since=BASE + timedelta(hours=1))
    assert [r.id for r in since_edge] == [edge, new]
    assert search_filters(hubspot)[-1] == [
        {"propertyName": "lastmodifieddate", "operator": "GTE", "value": str(BASE_MS + 3_600_000)}
    ]
    _, everything = pull_all(crm, since=None)
    assert [r.id for r in everything] == [old, edge, new]
    assert search_filters(hubspot)[-1] == []

    hubspot.edit("contacts", old, firstname="Rep", modified_at=BASE + timedelta(hours=3))
    _, after_edit = pull_all(
        crm, properties=("firstname",), since=BASE + timedelta(hours=2, minutes=30)
    )
    assert [(r.id, r.properties["firstname"]) for r in after_edit] == [(old, "Rep")]

    hubspot.seed("companies", {"name": "Early"}, modified_at=BASE)
    late = hubspot.seed("companies", {"name": "Late"}, modified_at=BASE + timedelta(days=1))
    _, companies = pull_all(crm, "companies", ("name",), BASE + timedelta(hours=1))
    assert [(r.id, r.properties["name"]) for r in companies] == [(late, "Late")]
    assert search_filters(hubspot, "companies")[-1][0]["propertyName"] == "hs_lastmodifieddate"


def test_pull_restarts_a_search_at_the_10000_result_cap(hubspot, crm):
    ids = hubspot.seed_many(
        "contacts",
        (
            {"email": f"c{i}@example.com", "lastmodifieddate": iso_ms(BASE_MS + i * 1000)}
            for i in range(10_500)
        ),
    )

    _, records = pull_all(crm)

    assert {r.id for r in records} == set(ids)  # nothing lost past 10,000
    assert len(records) < 10_600  # only the boundary timestamp repeats
    stamps = [r.modified_at for r in records]
    assert stamps == sorted(stamps)
    afters = [int(b.get("after") or 0) for b in hubspot.bodies("/contacts/search")]
    assert max(afters) < 10_000  # never asked HubSpot for a page past its cap (a 400)
    filters = search_filters(hubspot)
    restarted = [f for f in filters if f]
    # pages 1-50 without a filter, then one new search from the 10,000th record's time
    # (index 9999: BASE + 9999 s) for the remaining pages
    assert len(filters) - len(restarted) == 50
    assert restarted[0] == [
        {"propertyName": "lastmodifieddate", "operator": "GTE", "value": str(BASE_MS + 9_999_000)}
    ]
    assert all(f == restarted[0] for f in restarted)


def test_pull_past_the_cap_when_more_than_10000_records_share_one_timestamp(hubspot, crm):
    tied = hubspot.seed_many(
        "contacts", ({"email": f"t{i}@example.com"} for i in range(10_300)), modified_at=BASE
    )
    later = hubspot.seed_many(
        "contacts",
        (
            {"email": f"l{i}@example.com", "lastmodifieddate": iso_ms(BASE_MS + 1 + i)}
            for i in range(200)
        ),
    )

    _, records = pull_all(crm, since=BASE - timedelta(seconds=1))

    assert {r.id for r in records} == set(tied) | set(later)
    stamps = [r.modified_at for r in records]
    assert stamps == sorted(stamps)
    filters = search_filters(hubspot)
    # the tied timestamp was drained by record id, then the scan went on strictly after it
    assert {
        "propertyName": "hs_object_id",
        "operator": "GT",
        "value": str(max(map(int, tied[:10_000]))),
    } in [f for fs in filters for f in fs]
    assert filters[-1] == [
        {"propertyName": "lastmodifieddate", "operator": "GT", "value": str(BASE_MS)}
    ]
    assert len(filters) < 120  # terminated: ~2 x 10,300 / 200 + 2 searches


# --- writes -----------------------------------------------------------------------------


def test_upsert_creates_then_updates_by_email(hubspot, crm):
    first = crm.upsert(
        "contacts",
        [
            {"email": "alice@example.com", "firstname": "Alice", "lifecyclestage": "lead"},
            {"email": "bob@example.com", "firstname": "Bob", "jobtitle": None},
        ],
        "email",
    )
    assert [(r.key, r.ok, r.created) for r in first] == [
        ("alice@example.com", True, True),
        ("bob@example.com", True, True),
    ]
    second = crm.upsert(
        "contacts",
        [
            {"email": "carol@example.com", "firstname": "Carol"},
            {
                "email": "ALICE@example.com",
                "firstname": "Alicia",
            },  # HubSpot matches emails case-insensitively
        ],
        "email",
    )
    assert [(r.key, r.ok, r.created) for r in second] == [
        ("carol@example.com", True, True),
        ("ALICE@example.com", True, False),
    ]
    assert second[1].crm_id == first[0].crm_id
    stored = hubspot.records("contacts")
    assert len(stored) == 3
    alice = stored[first[0].crm_id]
    assert (alice["email"], alice["firstname"], alice["lifecyclestage"]) == (
        "alice@example.com",
        "Alicia",
        "lead",
    )
    assert hubspot.count("batch/upsert") == 2
    assert crm.stats.write_calls == 2 and crm.stats.by_operation == {"batch_upsert": 2}
    assert hubspot.bodies("batch/upsert")[0]["inputs"][0]["idProperty"] == "email"


def test_upsert_207_partial_failure_is_read_row_by_row(hubspot, crm):
    hubspot.reject(
        "contacts", "jobtitle", "Chief Everything Officer", "Job title blocked by a validation rule"
    )
    rows = [
        {"email": "ok1@example.com", "firstname": "One"},
        {"email": "not-an-email", "firstname": "Two"},
        {"email": "three@example.com", "jobtitle": "Chief Everything Officer"},
        {"email": "four@example.com", "lifecyclestage": "hot-prospect"},
        {"email": "ok5@example.com", "firstname": "Five"},
    ]

    results = crm.upsert("contacts", rows, "email")

    assert [r.key for r in results] == [row["email"] for row in rows]
    assert [r.ok for r in results] == [True, False, False, False, True]
    assert "Email address not-an-email is invalid" in results[1].error
    assert results[2].error == "Job title blocked by a validation rule"
    assert "INVALID_OPTION" in results[3].error and "hot-prospect" in results[3].error
    assert all(r.crm_id is None for r in results[1:4])
    assert {p["email"] for p in hubspot.records("contacts").values()} == {
        "ok1@example.com",
        "ok5@example.com",
    }
    assert hubspot.count("batch/upsert") == 1  # a 207 is an answer, not something to retry


def test_a_batch_hubspot_rejects_whole_fails_every_row_with_its_message(hubspot, crm):
    results = crm.upsert(
        "contacts",
        [{"email": "a@example.com", "favourite_colour": "blue"}, {"email": "b@example.com"}],
        "email",
    )
    assert [r.ok for r in results] == [False, False]
    assert all(
        "PROPERTY_DOESNT_EXIST" in r.error and "favourite_colour" in r.error for r in results
    )
    assert hubspot.records("contacts") == {}
    assert hubspot.count("batch/upsert") == 1
    with pytest.raises(ValueError, match="at most 100"):
        crm.upsert("contacts", [{"email": f"x{i}@example.com"} for i in range(101)], "email")


def test_create_update_and_archive(hubspot, crm):
    existing = hubspot.seed("contacts", {"email": "taken@example.com"})
    created = crm.create(
        "contacts",
        [{"email": "new@example.com", "firstname": "New"}, {"email": "taken@example.com"}],
    )
    assert [(r.key, r.ok, r.created) for r in created] == [
        ("new@example.com", True, True),
        ("taken@example.com", False, None),
    ]
    assert f"Existing ID: {existing}" in created[1].error

    companies = crm.create(
        "companies", [{"name": "Acme", "numberofemployees": "12"}, {"name": "Globex"}]
    )
    assert [(r.key, r.ok) for r in companies] == [("0", True), ("1", True)]
    acme = companies[0].crm_id
    assert hubspot.records("companies")[acme]["name"] == "Acme"

    updated = crm.update(
        "companies",
        [(acme, {"name": "Acme Corp", "industry": "BANKING"}), ("424242", {"name": "Nobody"})],
    )
    assert [(r.key, r.ok, r.created) for r in updated] == [
        (acme, True, False),
        ("424242", False, None),
    ]
    assert "Object not found" in updated[1].error
    assert hubspot.records("companies")[acme]["name"] == "Acme Corp"

    archived = crm.archive("companies", [acme])
    assert [(r.key, r.ok, r.crm_id) for r in archived] == [(acme, True, acme)]
    assert acme in hubspot.records("companies", archived=True)
    _, live = pull_all(crm, "companies", ("name",))
    assert [r.properties["name"] for r in live] == ["Globex"]
    assert crm.stats.write_calls == 4


# --- faults -----------------------------------------------------------------------------


def test_429_is_retried_and_counted(hubspot, crm):
    hubspot.inject("batch/upsert", 429, times=2)
    hubspot.inject("contacts/search", 429)

    results = crm.upsert("contacts", [{"email": "rl@example.com"}], "email")
    _, records = pull_all(crm)

    assert results[0].ok and results[0].created is True
    assert [r.properties["email"] for r in records] == ["rl@example.com"]
    assert hubspot.count("batch/upsert") == 3 and hubspot.count("contacts/search") == 2
    assert crm.stats.rate_limited == 3 and crm.stats.retries == 3
    assert crm.stats.api_calls == 5 and crm.stats.write_calls == 3
    assert "X-HubSpot-RateLimit-Remaining=" in crm.stats.limit_info


def test_backoff_is_exponential_capped_and_honours_retry_after(hubspot):
    delays: list[float] = []
    crm = HubSpotCrm(
        hubspot.token,
        hubspot.url,
        backoff_seconds=1.0,
        max_backoff_seconds=4.0,
        sleep=delays.append,
    )
    hubspot.inject("batch/update", 429, times=5)
    hubspot.inject("batch/update", 429, headers={"Retry-After": "7"})
    record = hubspot.seed("contacts", {"email": "x@example.com"})

    assert crm.update("contacts", [(record, {"firstname": "X"})])[0].ok
    assert len(delays) == 6
    for attempt, delay in enumerate(delays[:5], start=1):
        ceiling = min(4.0, 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling  # jittered, never above max_backoff_seconds
    assert delays[5] == pytest.approx(7.0)  # Retry-After wins when HubSpot sends one


def test_500_on_upsert_is_retried_but_500_on_create_is_not(hubspot, crm):
    hubspot.inject("batch/upsert", 500, times=2)
    upserted = crm.upsert("contacts", [{"email": "retry@example.com"}], "email")
    assert upserted[0].ok
    assert hubspot.count("batch/upsert") == 3
    assert crm.stats.server_errors == 2

    hubspot.inject("batch/create", 500)
    created = crm.create("contacts", [{"email": "c1@example.com"}, {"email": "c2@example.com"}])
    assert [r.ok for r in created] == [False, False]
    assert all("not retried" in r.error and "not idempotent" in r.error for r in created)
    assert hubspot.count("batch/create") == 1  # neither we nor urllib3 sent it again
    assert crm.stats.server_errors == 3 and crm.stats.retries == 2
    assert {p["email"] for p in hubspot.records("contacts").values()} == {"retry@example.com"}


def test_a_timed_out_create_is_not_retried_because_it_may_have_happened(hubspot):
    crm = make_crm(hubspot, timeout_seconds=0.4)
    hubspot.inject("batch/create", "timeout", delay=1.0)

    created = crm.create("contacts", [{"email": "slow@example.com"}])

    assert not created[0].ok and "not retried" in created[0].error
    assert hubspot.count("batch/create") == 1
    assert hubspot.wait_idle()
    # ...and HubSpot did create it: retrying would have made a duplicate
    assert [p["email"] for p in hubspot.records("contacts").values()] == ["slow@example.com"]

    hubspot.inject("batch/upsert", "timeout", delay=1.0)
    upserted = crm.upsert("contacts", [{"email": "slow@example.com", "firstname": "S"}], "email")
    assert upserted[0].ok and hubspot.count("batch/upsert") == 2
    assert crm.stats.server_errors == 2


def test_persistent_5xx_raises_crm_error_after_max_retries(hubspot):
    crm = make_crm(hubspot, max_retries=2)
    hubspot.inject("contacts/search", 503, times=10)
    with pytest.raises(CrmError, match="after 3 attempts.*503"):
        pull_all(crm)
    assert hubspot.count("contacts/search") == 3 and crm.stats.api_calls == 3


def test_connection_errors_are_retried_by_us_only():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    delays: list[float] = []
    crm = HubSpotCrm("token", f"http://127.0.0.1:{port}", max_retries=2, sleep=delays.append)
    # the client library's own urllib3 Retry is off, so each attempt is one of ours
    assert crm._batch["contacts"].api_client.configuration.retries.total == 0
    with pytest.raises(CrmError, match="after 3 attempts.*(Connection refused|NewConnectionError)"):
        crm.upsert("contacts", [{"email": "a@example.com"}], "email")
    assert len(delays) == 2
    assert crm.stats.api_calls == 3 and crm.stats.server_errors == 3


def test_wrong_token_raises_auth_error_naming_the_setting(hubspot):
    crm = HubSpotCrm("pat-na1-wrong", hubspot.url, backoff_seconds=0.01)
    with pytest.raises(CrmAuthError, match="HUBSPOT_ACCESS_TOKEN"):
        crm.describe("contacts")
    with pytest.raises(CrmAuthError, match="HUBSPOT_ACCESS_TOKEN"):
        crm.upsert("contacts", [{"email": "a@example.com"}], "email")
    assert crm.stats.api_calls == 2 and crm.stats.retries == 0


# --- describe ---------------------------------------------------------------------------


def test_describe_maps_hubspot_property_metadata(crm):
    contacts = crm.describe("contacts")
    assert {"email", "firstname", "hs_lead_status", "bizdev_contact_id"} <= contacts.keys()
    assert contacts["email"].type == "string" and contacts["email"].length is None
    stage = contacts["lifecyclestage"]
    assert stage.type == "enumeration"
    assert {"lead", "customer", "subscriber"} <= set(stage.options)
    assert contacts["bizdev_quality_score"].type == "number"
    assert (
        contacts["lastmodifieddate"].type == "datetime" and contacts["lastmodifieddate"].read_only
    )
    assert not contacts["firstname"].read_only

    companies = crm.describe("companies")
    assert companies["numberofemployees"].type == "number"
    assert "BANKING" in companies["industry"].options
    assert "bizdev_company_id" in companies
    assert crm.stats.by_operation == {"properties": 2}
