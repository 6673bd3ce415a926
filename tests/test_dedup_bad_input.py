"""Dedup on hostile data: switchboards, shared companies, empty columns, odd strings."""

from __future__ import annotations

import polars as pl
from faker import Faker

from bizdev_assets.dedup.clustering import cluster_contacts
from bizdev_assets.dedup.training import baseline_model
from bizdev_assets.ingest.canonical import RAW_COLUMNS
from bizdev_assets.normalize.contacts import normalize_contacts


def raw_rows(rows: list[dict]) -> pl.DataFrame:
    filled = [
        {
            **{c: None for c in RAW_COLUMNS},
            "file_hash": "f" * 64,
            "source_file": "hostile.csv",
            "source_type": "csv",
            **row,
            "source_row": i + 2,
        }
        for i, row in enumerate(rows)
    ]
    return pl.DataFrame(
        filled, schema={c: pl.String for c in RAW_COLUMNS} | {"source_row": pl.Int64}
    )


def clusters_of(rows: list[dict]) -> pl.DataFrame:
    normalized, _ = normalize_contacts(raw_rows(rows))
    result = cluster_contacts(normalized, baseline_model(normalized.height))
    assert result.clusters.height == normalized.height
    return result.clusters


def colleagues(n: int, **shared: str) -> list[dict]:
    fake = Faker("en_US")
    fake.seed_instance(3)
    people, seen = [], set()
    while len(people) < n:
        first, last = fake.first_name(), fake.last_name()
        if (first, last) in seen:
            continue
        seen.add((first, last))
        people.append(
            {
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}@megacorp.com".lower(),
                "country": "US",
                **shared,
            }
        )
    return people


def test_a_switchboard_shared_by_hundreds_of_colleagues_does_not_merge_them():
    people = colleagues(300, phone="+1 415 555 0100", company="MegaCorp Inc.", city="San Francisco")
    clusters = clusters_of(people)
    # No chaining through the shared line: at most a near-namesake pair (Brenda and
    # Brent Ward, one letter apart in name and email) is joined, never a department.
    assert clusters["cluster_size"].max() <= 2
    assert clusters["cluster_id"].n_unique() >= 298


def test_everyone_at_one_company_with_no_emails_stays_apart():
    people = [
        {**p, "email": None}
        for p in colleagues(200, company="MegaCorp Inc.", phone="+1 415 555 0100")
    ]
    assert clusters_of(people)["cluster_id"].n_unique() == 200


def test_the_same_person_twice_at_a_switchboard_company_is_still_found():
    people = colleagues(50, phone="+1 415 555 0100", company="MegaCorp Inc.")
    twin = {**people[7], "first_name": people[7]["first_name"].upper(), "mobile": None}
    clusters = clusters_of([*people, twin])
    assert clusters["cluster_id"].n_unique() == 50


def test_all_null_columns_odd_scripts_emoji_and_long_strings_complete():
    rows = [
        {"full_name": "Иван Петров"},
        {"full_name": "王小明", "email": "xiaoming@example.cn"},
        {"full_name": "محمد علي", "phone": "+20 2 2345 6789"},
        {"first_name": "Zoë 🎉", "last_name": "Smith", "company": "🚀 Rockets"},
        {"first_name": "A" * 1000, "last_name": "B" * 1000, "company": "C" * 1000},
        {"first_name": "Ada", "last_name": "Lovelace"},
        {"first_name": "Ada", "last_name": "Lovelace"},
    ]
    clusters = clusters_of(rows)
    assert clusters.height == 7
    assert clusters["cluster_id"].n_unique() >= 6


def test_a_single_record_is_its_own_cluster():
    clusters = clusters_of(
        [{"first_name": "Solo", "last_name": "Person", "email": "solo@example.com"}]
    )
    assert clusters.select("record_id", "cluster_id").rows()[0][0] == clusters["cluster_id"][0]
