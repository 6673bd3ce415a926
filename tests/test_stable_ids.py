"""Contact IDs across re-clustering: kept on growth, older one kept on merge, split recorded."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from bizdev_assets.dedup.stable_ids import assign_contact_ids, new_contact_id

T0, T1, T2 = datetime(2026, 1, 1), datetime(2026, 2, 1), datetime(2026, 3, 1)


def clusters(groups: dict[str, list[str]]) -> pl.DataFrame:
    rows = [(rec, cid) for cid, recs in groups.items() for rec in recs]
    return pl.DataFrame(rows, schema=["record_id", "cluster_id"], orient="row")


def ids_by_record(assignment) -> dict[str, str]:
    return dict(assignment.clusters.select("record_id", "contact_id").iter_rows())


def test_first_run_issues_deterministic_ids_from_the_lowest_record():
    first = assign_contact_ids(clusters({"c1": ["r2", "r1"], "c2": ["r3"]}), None, T0)
    ids = ids_by_record(first)
    assert ids["r1"] == ids["r2"] == new_contact_id("r1")
    assert ids["r3"] == new_contact_id("r3")
    assert first.history.is_empty()


def test_adding_records_to_a_cluster_keeps_its_id_even_with_a_lower_record_id():
    first = assign_contact_ids(clusters({"c1": ["r2", "r3"]}), None, T0)
    second = assign_contact_ids(clusters({"x": ["r1", "r2", "r3"]}), first.clusters, T1)
    assert set(ids_by_record(second).values()) == {new_contact_id("r2")}
    assert second.history.is_empty()


def test_a_merge_keeps_the_older_id_and_records_the_younger_one():
    first = assign_contact_ids(clusters({"a": ["r5"]}), None, T0)
    second = assign_contact_ids(clusters({"a": ["r5"], "b": ["r1"]}), first.clusters, T1)
    older, younger = new_contact_id("r5"), new_contact_id("r1")
    assert ids_by_record(second)["r1"] == younger
    third = assign_contact_ids(clusters({"m": ["r1", "r5"]}), second.clusters, T2)
    assert set(ids_by_record(third).values()) == {older}
    history = third.history.to_dicts()
    assert history == [
        {
            "old_contact_id": younger,
            "new_contact_id": older,
            "reason": "merge",
            "records_moved": 1,
            "changed_at": T2,
        }
    ]


def test_a_split_keeps_the_id_on_the_larger_part_and_records_the_new_one():
    first = assign_contact_ids(clusters({"a": ["r1", "r2", "r3"]}), None, T0)
    original = new_contact_id("r1")
    second = assign_contact_ids(clusters({"p": ["r1", "r2"], "q": ["r3"]}), first.clusters, T1)
    ids = ids_by_record(second)
    assert ids["r1"] == ids["r2"] == original
    assert ids["r3"] != original
    assert second.history.select("old_contact_id", "new_contact_id", "reason").rows() == [
        (original, ids["r3"], "split")
    ]


def test_a_retired_id_is_never_issued_again():
    retired = {new_contact_id("r1")}
    fresh = assign_contact_ids(clusters({"a": ["r1"]}), None, T0, retired_ids=retired)
    assert ids_by_record(fresh)["r1"] not in retired


def test_ids_follow_people_through_three_successive_drops():
    drop1 = assign_contact_ids(clusters({"a": ["a1"], "b": ["b1"]}), None, T0)
    ann, bob = new_contact_id("a1"), new_contact_id("b1")
    drop2 = assign_contact_ids(
        clusters({"a": ["a1", "a2"], "b": ["b1"], "c": ["c1"]}), drop1.clusters, T1
    )
    drop3 = assign_contact_ids(
        clusters({"a": ["a1", "a2", "a3"], "b": ["b1", "b2"], "c": ["c1"]}), drop2.clusters, T2
    )
    ids = ids_by_record(drop3)
    assert ids["a3"] == ann and ids["b2"] == bob
    assert ids["c1"] == ids_by_record(drop2)["c1"]
    assert drop2.history.is_empty() and drop3.history.is_empty()
