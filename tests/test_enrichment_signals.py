"""Market signals: items matched to companies by whole names and domains, never by
substring; feeds read over HTTP from a local feed server, broken and undated ones included."""

from __future__ import annotations

from datetime import datetime

import dagster as dg
import polars as pl
import pytest

from bizdev_assets.enrichment.signal_assets import company_signals
from bizdev_assets.enrichment.signals import (
    Matcher,
    Target,
    aliases_of,
    kind_of,
    match_signals,
    parse_competitors,
)
from resources.enrichment import FeedSource, SignalItem, SignalSources
from resources.warehouse import DuckDBWarehouse
from tests.servers.feeds import ATOM, BROKEN_RSS, atom, rss

APEX = Target("Apex", "apex.io", "id-apex", aliases_of("Apex"))
ACME = Target("Acme Robotics GmbH", "acme-robotics.de", "id-acme", aliases_of("Acme Robotics GmbH"))
COMPANIES = Matcher([APEX, ACME])


def item(title: str, summary: str = "", url: str | None = None) -> SignalItem:
    return SignalItem("https://news.example.org/feed", title, title, url, summary, None)


def about(title: str, summary: str = "", url: str | None = None) -> dict[str, str]:
    found = COMPANIES.mentions(item(title, summary, url))
    return {COMPANIES.targets[i].company: m.matched_by for i, m in found.items()}


@pytest.mark.parametrize(
    "title",
    [
        "Apex Legends season 12 launches today",
        "New patch for apex legends",
        "Red Apex wins the regional award",
        "Reaching the apex of the market",
        "Apexion raises a seed round",
    ],
)
def test_a_name_inside_a_longer_name_or_word_is_not_the_company(title):
    assert about(title) == {}


def test_a_longer_name_counts_when_the_domain_agrees():
    assert about("Apex Legends, by Apex", url="https://apex.io/blog/legends") == {
        "Apex": "name+domain"
    }


@pytest.mark.parametrize(
    "title",
    ["Apex raises $20M Series B", "Why Apex's CEO bets on robots", "Investors back Apex (apex.io)"],
)
def test_a_clean_mention_of_the_name_matches(title):
    assert about(title) != {}


def test_a_name_matches_without_its_legal_form_and_domains_match_whole():
    assert about("Acme Robotics opens a Lisbon office") == {"Acme Robotics GmbH": "name"}
    assert about("Read more at acme-robotics.de/press") == {"Acme Robotics GmbH": "domain"}
    assert about("Read more at notacme-robotics.de and acme-robotics.de.example") == {}


def test_the_kind_is_funding_hiring_or_news():
    assert kind_of(item("Apex raises $20M in a Series B")) == "funding"
    assert kind_of(item("Apex is hiring 40 engineers")) == "hiring"
    assert kind_of(item("Apex opens an office")) == "news"


def test_a_competitor_is_a_mention_on_the_company_or_on_itself():
    competitors = Matcher(parse_competitors(["Initech|Initech Corp=initech.com"]))
    frame = match_signals(
        [
            item("Acme Robotics picks Initech Corp for its cloud"),
            item("Initech launches a new product"),
            item("Nothing to see here"),
        ],
        COMPANIES,
        competitors,
    )
    rows = sorted(frame.select("company", "kind", "competitor").iter_rows())
    assert rows == [
        ("Acme Robotics GmbH", "competitor_mention", "Initech"),
        ("Acme Robotics GmbH", "news", None),
        ("Initech", "competitor_mention", "Initech"),
    ]


def test_the_same_item_about_the_same_company_is_one_signal():
    twice = [item("Apex raises a seed round", url="https://n.example/1")] * 2
    assert match_signals(twice, COMPANIES, Matcher([])).height == 1


def test_feeds_in_rss_and_atom_are_read_and_broken_or_dateless_ones_say_so(feeds):
    published = datetime(2026, 11, 30, 9, 0)
    urls = [
        feeds.publish(
            "/rss", rss([{"title": "Apex raises", "link": "https://n/1", "published": published}])
        ),
        feeds.publish(
            "/atom",
            atom([{"title": "Acme hires", "link": "https://n/2", "published": published}]),
            ATOM,
        ),
        feeds.publish("/broken", BROKEN_RSS),
        feeds.publish("/undated", rss([{"title": "No date here", "link": "https://n/3"}])),
        feeds.url + "/missing",
    ]
    feeds.inject("/rss", 503)
    source = FeedSource(urls, backoff_seconds=0.001)
    reports = {r.source.rsplit("/", 1)[1]: r for r in source.collect()}

    assert reports["rss"].status == "ok" and reports["rss"].items[0].published_at == published
    assert reports["atom"].items[0].title == "Acme hires"
    assert (
        reports["broken"].status == "parsed_with_errors"
        and "SAXParseException" in reports["broken"].error
    )
    assert reports["broken"].items[0].title == "Acme Robotics opens a Lisbon office"
    assert reports["undated"].items[0].published_at is None
    assert (reports["missing"].status, reports["missing"].http_status) == ("error", None)
    assert "HTTP 404" in reports["missing"].error
    assert source.stats.retries == 1  # the 503, retried once


def test_feed_and_webhook_signals_accumulate_and_the_freshness_check_names_stale_feeds(
    tmp_path, feeds
):
    warehouse = DuckDBWarehouse(path=str(tmp_path / "w.duckdb"))
    fresh = datetime.now().replace(microsecond=0)
    urls = [
        feeds.publish(
            "/wire",
            rss(
                [
                    {
                        "title": "Initech raises a seed round",
                        "link": "https://n/9",
                        "published": fresh,
                    }
                ]
            ),
        ),
        feeds.publish(
            "/stale",
            rss([{"title": "Old news", "link": "https://n/0", "published": datetime(2020, 1, 1)}]),
        ),
        feeds.publish("/undated", rss([{"title": "Undated", "link": "https://n/u"}])),
    ]
    sources = SignalSources(
        feeds=urls, competitors=["Initech", "Globex=globex.com"], backoff_seconds=0.001
    )
    warehouse.replace_table(  # what the intake API's webhook appends
        "signal_inbox",
        pl.DataFrame({"item_id": ["w1"], "title": ["Globex is hiring 40 engineers"], "url": ["https://globex.com/jobs"],
                      "summary": [""], "published_at": [fresh], "received_at": [fresh]}),
    )  # fmt: skip

    def materialize():
        resources = {"warehouse": warehouse, "signal_sources": sources}
        return dg.materialize([company_signals], resources=resources)

    first, second = materialize(), materialize()

    [check] = first.get_asset_check_evaluations()
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert set(check.metadata) == {"feeds", urls[1], urls[2]}
    assert "no dated items" in check.metadata[urls[2]].value
    signals = warehouse.read_table("company_signals").sort("company")
    assert signals.select("company", "kind", "competitor", "matched_by", "source").rows() == [
        ("Globex", "competitor_mention", "Globex", "name+domain", "webhook"),
        ("Initech", "competitor_mention", "Initech", "name", urls[0]),
    ]
    assert second.success and warehouse.row_count("signal_feed_log") == 8  # 3 feeds + inbox, twice
    assert (
        signals["first_seen_at"][0] == warehouse.read_table("company_signals")["first_seen_at"][0]
    )
