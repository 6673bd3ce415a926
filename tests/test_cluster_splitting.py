"""Clusters close transitively, so a record that looks like two people can chain them
into one contact; namesakes (addresses differing only in digits) found in one cluster
are split apart again, and colleagues' name-built addresses are not mistaken for typos.
Scored with the shipped model among 20,000 unrelated records, so that term frequencies
and the prior are those of a real table."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from bizdev_assets.dedup.clustering import cluster_contacts, score_pairs
from bizdev_assets.dedup.email_evidence import with_email_pattern
from bizdev_assets.dedup.graph import cluster_with_decisions
from bizdev_assets.dedup.incremental import link_new_records
from bizdev_assets.dedup.review import DECISION_SCHEMA, decision_rows
from bizdev_assets.dedup.stable_ids import assign_contact_ids
from bizdev_assets.dedup.training import baseline_model

ACME = {"company_key": "acme robotics", "phone": "+4930123456", "title": "Sales Manager"}
PEOPLE = {
    # Two John Smiths at Acme; the mail admin gave the second one a 2. The record
    # without an address (a badge scan) looks like both of them.
    "js1a": ("John", "Smith", "john.smith@acme-robotics.de", ACME),
    "js1b": ("John", "Smith", "john.smith@acme-robotics.de", ACME),
    "js2a": ("John", "Smith", "john.smith2@acme-robotics.de", ACME),
    "js2b": ("John", "Smith", "john.smith2@acme-robotics.de", ACME),
    "jsx": ("John", "Smith", None, ACME),
    # One person, three records, one of them without an address.
    "ab1": ("Anna", "Berg", "a.berg@nordwind.de", {"company_key": "nordwind", "title": "CEO"}),
    "ab2": ("Anna", "Berg", None, {"company_key": "nordwind", "title": "CEO"}),
    "ab3": ("Anna", "Berg", "a.berg@nordwind.de", {"company_key": "nordwind"}),
    # Colleagues in an f.last@ company: their addresses are one letter apart.
    "mj": ("Melissa", "Jenkins", "m.jenkins@lumum.io", {"company_key": "lumum", "title": "CTO"}),
    "jj": ("Jorge", "Jenkins", "j.jenkins@lumum.io", {"company_key": "lumum", "title": "CTO"}),
    # One person whose address was mistyped once.
    "ms1": ("Mary", "Stone", "mary.stone@kayward.uk", {"company_key": "kayward"}),
    "ms2": ("Mary", "Stone", "mary.stoen@kayward.uk", {"company_key": "kayward"}),
}
FILLERS = 20_000


def normalized_rows(ids: list[str]) -> pl.DataFrame:
    rows = []
    for record_id in ids:
        first, last, email, work = PEOPLE[record_id]
        rows.append(
            {
                "record_id": record_id,
                "first_name": first,
                "last_name": last,
                "email_match_key": email,
                "is_free_email": False if email else None,
                "email_domain": email.split("@")[1] if email else None,
                "phone": work.get("phone"),
                "mobile": None,
                "company_key": work.get("company_key"),
                "city": "Berlin",
                "title": work.get("title"),
            }
        )
    return pl.DataFrame(rows, schema=SCHEMA)


# The columns these records have; the model reads the others as missing.
COLUMNS = ["record_id", "first_name", "last_name", "email_match_key", "is_free_email",
           "email_domain", "phone", "mobile", "company_key", "city", "title"]  # fmt: skip
SCHEMA = {column: pl.Boolean if column == "is_free_email" else pl.String for column in COLUMNS}


def fillers() -> pl.DataFrame:
    """Unrelated people: nobody shares a first name, address, phone or company with
    anyone; one in a thousand is a Jenkins, so that surname is as common as in life."""
    n = pl.int_range(FILLERS, eager=True)
    i = n.cast(pl.String)
    return pl.DataFrame(
        {
            "record_id": "z" + i,
            "first_name": "Fn" + i,
            "last_name": pl.Series(["Jenkins" if k % 1000 == 0 else f"Ln{k}" for k in n]),
            "email_match_key": "p" + i + "@mail" + i + ".example",
            "is_free_email": pl.Series([False] * FILLERS),
            "email_domain": "mail" + i + ".example",
            "phone": None,
            "mobile": None,
            "company_key": "company " + i,
            "city": "Hamburg",
            "title": None,
        },
        schema=SCHEMA,
    )


def contacts(ids: list[str] | None = None) -> pl.DataFrame:
    return pl.concat([normalized_rows(ids or list(PEOPLE)), fillers()])


def model() -> dict:
    return baseline_model(FILLERS + len(PEOPLE))


def groups(clusters: pl.DataFrame, ids=PEOPLE) -> set[frozenset[str]]:
    mine = clusters.filter(pl.col("record_id").is_in(list(ids)))
    return {frozenset(g["record_id"]) for _, g in mine.group_by("cluster_id")}


def together(clusters: pl.DataFrame, *ids: str) -> bool:
    return len(set(clusters.filter(pl.col("record_id").is_in(ids))["cluster_id"])) == 1


@pytest.fixture(scope="module")
def resolved():
    return cluster_contacts(contacts(), model())


@pytest.fixture(scope="module")
def scored() -> pl.DataFrame:
    pairs = score_pairs(contacts(), model(), floor=0.0)
    left, right = pl.col("record_id_l"), pl.col("record_id_r")
    return pairs.filter(left.is_in(list(PEOPLE)) & right.is_in(list(PEOPLE))).select(
        pl.min_horizontal(left, right).alias("a"),
        pl.max_horizontal(left, right).alias("b"),
        "match_probability",
        "mw_email",
    )


def pair(scored: pl.DataFrame, a: str, b: str) -> dict:
    (row,) = scored.filter(pl.col("a") == min(a, b), pl.col("b") == max(a, b)).iter_rows(named=True)
    return row


def test_the_record_without_an_address_links_to_both_namesakes(scored):
    """The hostile case itself: each link alone is convincing, the namesakes are not."""
    assert pair(scored, "jsx", "js1a")["match_probability"] > 0.95
    assert pair(scored, "jsx", "js2a")["match_probability"] > 0.95
    assert pair(scored, "js1a", "js2a")["match_probability"] < 0.5


def test_namesakes_chained_through_a_record_without_an_address_are_split_apart(resolved):
    clusters = resolved.clusters
    assert together(clusters, "js1a", "js1b")
    assert together(clusters, "js2a", "js2b")
    assert not together(clusters, "js1a", "js2a")
    links = set(zip(resolved.links["record_id_l"], resolved.links["record_id_r"], strict=True))
    assert ("js1a", "js1b") in links and ("js2a", "js2b") in links


def test_a_true_duplicate_trio_with_one_address_missing_still_merges(resolved):
    assert frozenset({"ab1", "ab2", "ab3"}) in groups(resolved.clusters)


def test_colleagues_addresses_one_letter_apart_are_not_a_typo(scored, resolved):
    colleagues, slip = pair(scored, "jj", "mj"), pair(scored, "ms1", "ms2")
    assert colleagues["mw_email"] < 0 < slip["mw_email"]
    assert not together(resolved.clusters, "jj", "mj")
    assert together(resolved.clusters, "ms1", "ms2")


def test_splitting_namesakes_records_a_split_in_the_contact_id_history(resolved):
    """A warehouse clustered before the check held both John Smiths in one contact."""
    then, now = datetime(2026, 1, 1), datetime(2026, 2, 1)
    chained = [["js1a", "js1b", "js2a", "js2b", "jsx"]]
    before = pl.DataFrame(
        [(r, g[0]) for g in chained for r in g], schema=["record_id", "cluster_id"], orient="row"
    )
    previous = assign_contact_ids(before, None, then).clusters
    after = assign_contact_ids(
        resolved.clusters.filter(pl.col("record_id").is_in(chained[0])), previous, now
    )
    (old_id,) = set(previous["contact_id"])
    assert after.history["reason"].to_list() == ["split"] * after.history.height
    assert after.history.height >= 1
    assert set(after.history["old_contact_id"]) == {old_id}
    assert old_id in set(after.clusters["contact_id"])  # the larger part keeps the ID


def test_a_new_namesake_linked_incrementally_stays_apart(resolved):
    """js2a arrives after js1a/js1b and jsx were resolved into one contact."""
    without = [r for r in PEOPLE if r not in ("js2a", "js2b")]
    first = cluster_contacts(contacts(without), model())
    linked = link_new_records(
        contacts(without + ["js2a"]), first.clusters, model(), 0.95, _no_decisions(), 0.5
    )
    clusters = linked.result.clusters
    assert together(clusters, "js1a", "js1b", "jsx")
    assert not together(clusters, "js1a", "js2a")


def _no_decisions() -> pl.DataFrame:
    return pl.DataFrame(schema=DECISION_SCHEMA)


EMAILS = pl.DataFrame(
    {
        "record_id": ["a", "b", "c", "d", "e", "f"],
        "email_match_key": ["jo@x.de", "jo2@x.de", None, "ann@y.de", "ann@y.de", None],
    }
)


def scored_pairs(*rows: tuple[str, str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["record_id_l", "record_id_r", "match_probability"], orient="row"
    )


def test_only_the_weaker_link_of_the_chain_is_dropped():
    """c (no address) resembles a more than b; f is a weak but harmless link to a."""
    pairs = scored_pairs(("a", "c", 0.99), ("b", "c", 0.97), ("a", "f", 0.955), ("d", "e", 0.96))
    clusters, links = cluster_with_decisions(
        EMAILS["record_id"], pairs, 0.95, _no_decisions(), EMAILS
    )
    assert groups(clusters, "abcdef") == {frozenset("acf"), frozenset("b"), frozenset("de")}
    assert ("b", "c") not in set(zip(links["record_id_l"], links["record_id_r"], strict=True))


def test_a_must_link_between_namesakes_keeps_them_together():
    pairs = scored_pairs(("a", "c", 0.99), ("b", "c", 0.97))
    decisions = decision_rows([("a", "b")], "must_link", "ops@example.com")
    clusters, _ = cluster_with_decisions(EMAILS["record_id"], pairs, 0.95, decisions, EMAILS)
    assert frozenset("abc") in groups(clusters, "abcdef")


def test_each_cluster_is_split_only_as_far_as_its_own_conflict_needs():
    """Two clusters to split: the one needing a high cut does not raise the other's."""
    records = pl.Series(list("abcdef"))
    pairs = scored_pairs(("a", "b", 0.995), ("b", "c", 0.99), ("d", "e", 0.96), ("e", "f", 0.98))
    decisions = decision_rows([("a", "c"), ("d", "f")], "cannot_link", "ops@example.com")
    clusters, _ = cluster_with_decisions(records, pairs, 0.95, decisions)
    assert groups(clusters, "abcdef") == {
        frozenset("ab"),
        frozenset("c"),
        frozenset("d"),
        frozenset("ef"),
    }


def test_an_address_pattern_names_its_owners_parts():
    frame = pl.DataFrame(
        {
            "forename": ["melissa", "jorge", "mary", "mary", "jennifer"],
            "surname": ["jenkins", "jenkins", "stone", "stone", "velazquez"],
            "email_match_key": [
                "m.jenkins@lumum.io",
                "j.jenkins@lumum.io",
                "marys@kayward.uk",
                "mary.stoen@kayward.uk",
                "jenniferv2@pyrara.com",
            ],
        }
    )
    patterns = with_email_pattern(frame)["email_pattern"].str.replace_all("[\x01-\x04]", "#")
    assert patterns.to_list() == [
        "#.#@lumum.io",
        "#.#@lumum.io",
        "##@kayward.uk",
        "#.stoen@kayward.uk",
        "##2@pyrara.com",
    ]
