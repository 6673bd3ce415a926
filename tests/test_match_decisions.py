"""People's match decisions are honoured by clustering; review files are validated."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bizdev_assets.dedup.graph import cluster_with_decisions, connected_clusters
from bizdev_assets.dedup.review import (
    DECISION_SCHEMA,
    decision_rows,
    decisions_from_csv,
    latest_decisions,
    review_queue,
)

RECORDS = pl.Series(["a", "b", "c", "d", "e"])


def scored(*pairs: tuple[str, str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        pairs, schema=["record_id_l", "record_id_r", "match_probability"], orient="row"
    )


def groups(clusters: pl.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g["record_id"]) for _, g in clusters.group_by("cluster_id")}


NO_DECISIONS = pl.DataFrame(schema=DECISION_SCHEMA)


def test_connected_components_include_singletons_and_name_clusters_by_lowest_id():
    clusters = connected_clusters(RECORDS, scored(("b", "c", 1.0), ("c", "d", 1.0)))
    assert groups(clusters) == {frozenset("a"), frozenset("bcd"), frozenset("e")}
    assert set(clusters.filter(pl.col("record_id") == "d")["cluster_id"]) == {"b"}


def test_a_cannot_link_pair_is_never_merged_even_through_a_third_record():
    pairs = scored(("a", "b", 0.99), ("b", "c", 0.97), ("a", "c", 0.96))
    decisions = decision_rows([("c", "a")], "cannot_link", "ops@example.com")
    clusters, links = cluster_with_decisions(RECORDS, pairs, 0.95, decisions)
    together = groups(clusters)
    assert not any({"a", "c"} <= g for g in together)
    assert frozenset("ab") in together  # the strongest link survives
    assert ("a", "c") not in set(zip(links["record_id_l"], links["record_id_r"], strict=True))


def test_a_must_link_joins_records_the_model_kept_apart():
    decisions = decision_rows([("e", "d")], "must_link", "ops@example.com")
    clusters, links = cluster_with_decisions(RECORDS, scored(("a", "b", 0.2)), 0.95, decisions)
    assert frozenset("de") in groups(clusters)
    assert links.filter(pl.col("decided")).height == 1


def test_the_latest_decision_on_a_pair_wins():
    first = decision_rows([("a", "b")], "cannot_link", "ann")
    second = decision_rows([("b", "a")], "must_link", "bob")
    latest = latest_decisions(pl.concat([first, second]))
    assert latest.select("record_id_l", "record_id_r", "decision", "decided_by").rows() == [
        ("a", "b", "must_link", "bob")
    ]


def test_review_queue_holds_the_undecided_pairs_of_the_band():
    pairs = scored(("a", "b", 0.97), ("a", "c", 0.8), ("b", "d", 0.6), ("c", "e", 0.3))
    decided = decision_rows([("d", "b")], "cannot_link", "ann")
    queue = review_queue(pairs, 0.5, 0.95, decided)
    assert queue.select("record_id_l", "record_id_r").rows() == [("a", "c")]


def test_decisions_need_a_known_verdict_and_a_reviewer(tmp_path: Path):
    with pytest.raises(ValueError, match="must be one of"):
        decision_rows([("a", "b")], "maybe", "ann")
    with pytest.raises(ValueError, match="who decided"):
        decision_rows([("a", "b")], "must_link", " ")
    bad = tmp_path / "decisions.csv"
    bad.write_text(
        "record_id_l,record_id_r,decision,decided_by\na,b,must_link,ann\nc,d,merge,ann\n"
    )
    with pytest.raises(ValueError, match="decisions.csv: line 3: decision must be one of"):
        decisions_from_csv(bad)


def test_a_decisions_file_becomes_canonical_rows(tmp_path: Path):
    good = tmp_path / "decisions.csv"
    good.write_text(
        "record_id_l,record_id_r,decision,decided_by,note\nb,a,cannot_link,ann,different people\n"
    )
    rows = decisions_from_csv(good)
    assert rows.select("record_id_l", "record_id_r", "decision", "note").rows() == [
        ("a", "b", "cannot_link", "different people")
    ]
    assert rows.schema == pl.Schema(DECISION_SCHEMA)
