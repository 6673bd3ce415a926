"""HubSpotCrm.pull (the real hubspot-api-client) against the local HubSpot server: search
pages, the modified-date filter, and the 10,000-result cap."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from resources.crm.hubspot import HubSpotCrm
from tests.crm_support import hubspot_crm
from tests.servers.hubspot import HubSpotServer, iso_ms

BASE_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
BASE = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def crm(hubspot: HubSpotServer) -> HubSpotCrm:
    return hubspot_crm(hubspot)


def pull_all(crm: HubSpotCrm, object_type="contacts", properties=("email",), since=None):
    pages = list(crm.pull(object_type, list(properties), since))
    return pages, [record for page in pages for record in page]


def search_filters(hubspot: HubSpotServer, object_type: str = "contacts") -> list[list[dict]]:
    return [
        [f for group in body.get("filterGroups") or [] for f in group["filters"]]
        for body in hubspot.bodies(f"/{object_type}/search")
    ]


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
