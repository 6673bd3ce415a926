"""Market signals: items from news feeds (and the intake API's webhook inbox) matched to
our companies and to the competitors of BIZDEV_COMPETITORS.

Matching is by whole words and whole domains, never by substring:

* `domain`: the company's domain is named in the item as a whole domain (`acme.com`, not
  `notacme.com`), or the item's link is on it;
* `name`: one of the company's names (the enriched name and the names its contacts give,
  each also without its legal form) appears as a whole phrase, capitalised as a name is,
  and not inside a longer name: "Apex" in "Apex Legends" or "Red Apex" is something else.
  A capitalised neighbour that is a legal form, a title (CEO) or a usual headline word
  ("Raises", "Acquires", "In") does not make a longer name. One clean mention suffices.
* A mention inside a longer name, or a name under three letters, counts only when the
  domain agrees (`name+domain`).

Kind: `funding` when the item speaks of a round or a raise, `hiring` when of hiring,
else `news`. A competitor named in the item adds a `competitor_mention` on each company
the item is about, or on the competitor itself when the item is about none of ours.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

from bizdev_assets.company_identity import read_domain
from bizdev_assets.enrichment.columns import SIGNAL_COLUMNS
from bizdev_assets.normalize.companies import company_key
from resources.enrichment import SignalItem

_TOKEN = re.compile(r"\w+(?:[&'’.\-]\w+)*")
_DOMAIN = re.compile(r"(?<![\w@-])(?:[\w-]+\.)+[a-z][\w-]+(?![\w-])", re.IGNORECASE)
FUNDING = re.compile(
    r"\b(rais(?:e|es|ed|ing)|funding|series [a-h]\b|seed round|pre-seed|venture round|"
    r"valuation|investment round)",
    re.IGNORECASE,
)
HIRING = re.compile(
    r"\b(hiring|hires|is hiring|job openings?|recruit(?:s|ed|ing|ment)|open roles|"
    r"open positions|headcount)\b",
    re.IGNORECASE,
)
# Capitalised words next to a name that do not make it a longer name.
_NEUTRAL = """inc ltd llc plc gmbh ag sa sas bv nv corp co group holdings ceo cto cfo coo cmo cio
    founder co-founder chief president vp head director chairman says said raises raised
    announces acquires acquired launches opens hires names appoints partners expands reports
    signs wins joins secures closes completes unveils introduces releases agrees buys sells
    files lands taps adds cuts plans posts beats sees gets makes takes moves picks invests
    backs hits tops reaches ships debuts is are was were has have to and in on at for with of
    the a an as by from after into over amid vs new yesterday today why how what when where
    who exclusive breaking update report watch analysis opinion inside meet before this that
    it its our we they here now also but so if while following despite according startup
    rival investors customers"""
NEUTRAL_NEIGHBOURS = frozenset(_NEUTRAL.split())
MIN_NAME_LETTERS = 3
EVIDENCE_CHARS = 60


@dataclass
class Target:
    """A company (or competitor) that items can be about."""

    company: str
    domain: str | None
    company_id: str | None
    aliases: set[str] = field(default_factory=set)  # lower case


@dataclass(frozen=True)
class Mention:
    matched_by: str  # domain | name | name+domain
    evidence: str


def aliases_of(name: str | None) -> set[str]:
    """A name and the same name without its legal form ("Acme Robotics GmbH" ->
    {"acme robotics gmbh", "acme robotics"}), lower case."""
    if not name or not name.strip():
        return set()
    words = name.split()
    found = {" ".join(words).lower()}
    key_words = (company_key(name) or "").split()
    folded = [(company_key(w) or w.lower()) for w in words]
    for start in (0, 1):  # "The Acme Company" -> "acme company"
        if key_words and folded[start : start + len(key_words)] == key_words:
            found.add(" ".join(words[start : start + len(key_words)]).lower())
    return found


def parse_competitors(entries: Iterable[str]) -> list[Target]:
    """BIZDEV_COMPETITORS entries: `Name`, `Name=domain`, `Name|Alias|Alias=domain`."""
    targets = []
    for entry in entries:
        names, _, domain = entry.partition("=")
        aliases = [a.strip() for a in names.split("|") if a.strip()]
        if not aliases:
            continue
        reading = read_domain(domain) if domain.strip() else None
        target = Target(aliases[0], reading.domain if reading else None, None)
        for alias in aliases:
            target.aliases |= aliases_of(alias)
        targets.append(target)
    return targets


class Matcher:
    """Finds which targets an item mentions (module docstring)."""

    def __init__(self, targets: Sequence[Target]):
        self.targets = list(targets)
        self.by_alias: dict[str, list[int]] = {}
        self.by_domain: dict[str, list[int]] = {}
        for i, target in enumerate(self.targets):
            for alias in target.aliases:
                self.by_alias.setdefault(alias, []).append(i)
            if target.domain:
                self.by_domain.setdefault(target.domain, []).append(i)
        self.longest = max((len(a.split()) for a in self.by_alias), default=0)

    def mentions(self, item: SignalItem) -> dict[int, Mention]:
        """target index -> how the item mentions it (only those it does)."""
        domains = self._domains(item)
        names: dict[int, tuple[bool, str, str]] = {}
        for text in (item.title, item.summary):
            for index, seen in self._names(text).items():
                if index not in names or (seen[0] and not names[index][0]):
                    names[index] = seen
        found: dict[int, Mention] = {}
        for index in domains.keys() | names.keys():
            clean, snippet, phrase = names.get(index, (False, "", ""))
            if index in domains:
                how = "name+domain" if index in names else "domain"
                found[index] = Mention(how, snippet or domains[index])
            elif clean and len(re.sub(r"\W", "", phrase)) >= MIN_NAME_LETTERS:
                found[index] = Mention("name", snippet)
        return found

    def _domains(self, item: SignalItem) -> dict[int, str]:
        """target index -> snippet, for targets whose domain the item names or links to."""
        hits: dict[int, str] = {}
        text = f"{item.title} {item.summary}"
        candidates = [
            (m.group(0), _snippet(text, m.start(), m.end())) for m in _DOMAIN.finditer(text)
        ]
        if item.url:
            candidates.append((item.url, f"link: {item.url}"))
        for value, snippet in candidates:
            domain = read_domain(value).domain
            for index in self.by_domain.get(domain or "", []):
                hits.setdefault(index, snippet)
        return hits

    def _names(self, text: str) -> dict[int, tuple[bool, str, str]]:
        """target index -> (a clean mention was seen, its snippet, the phrase matched)."""
        tokens = list(_TOKEN.finditer(text or ""))
        found: dict[int, tuple[bool, str, str]] = {}
        for i in range(len(tokens)):
            for n in range(1, min(self.longest, len(tokens) - i) + 1):
                words = [_bare(t.group(0)) for t in tokens[i : i + n]]
                phrase = " ".join(words)
                indexes = self.by_alias.get(phrase.lower())
                if not indexes or not (words[0][:1].isupper() or words[0][:1].isdigit()):
                    continue
                clean = not _continues(text, tokens, i - 1, -1) and not _continues(
                    text, tokens, i + n, +1
                )
                snippet = _snippet(text, tokens[i].start(), tokens[i + n - 1].end())
                for index in indexes:
                    if index not in found or (clean and not found[index][0]):
                        found[index] = (clean, snippet, phrase)
        return found


def _bare(token: str) -> str:
    return re.sub(r"['’]s$", "", token)


def _continues(text: str, tokens: list[re.Match], at: int, side: int) -> bool:
    """Whether `tokens[at]`, the word just before (side -1) or after (+1) a name, is a
    capitalised word of a longer name: nothing but spaces between, and not a neutral word
    (NEUTRAL_NEIGHBOURS: legal forms, titles, headline verbs, sentence openers). A word
    that only starts the sentence is not told apart: "Red Apex wins" is not Apex."""
    if not 0 <= at < len(tokens):
        return False
    word = _bare(tokens[at].group(0))
    if not word[:1].isupper() or word.lower() in NEUTRAL_NEIGHBOURS:
        return False
    edge = tokens[at + 1] if side < 0 else tokens[at - 1]
    gap = (
        text[tokens[at].end() : edge.start()] if side < 0 else text[edge.end() : tokens[at].start()]
    )
    return not gap.strip()


def _snippet(text: str, start: int, end: int) -> str:
    left = max(0, start - EVIDENCE_CHARS)
    right = min(len(text), end + EVIDENCE_CHARS)
    return ("…" if left else "") + text[left:right].strip() + ("…" if right < len(text) else "")


def kind_of(item: SignalItem) -> str:
    text = f"{item.title} {item.summary}"
    if FUNDING.search(text):
        return "funding"
    return "hiring" if HIRING.search(text) else "news"


def signal_id(*parts: str | None) -> str:
    return hashlib.sha1("\x1f".join(p or "" for p in parts).encode()).hexdigest()[:20]


def match_signals(
    items: Iterable[SignalItem], companies: Matcher, competitors: Matcher
) -> pl.DataFrame:
    """One row per (item, company, kind), SIGNAL_COLUMNS; an item about nothing of ours
    and no competitor gives no row."""
    rows: dict[str, dict] = {}
    for item in items:
        about = companies.mentions(item)
        rivals = competitors.mentions(item)
        kind = kind_of(item)
        base = {
            "title": item.title,
            "url": item.url,
            "published_at": item.published_at,
            "source": item.source,
        }
        for index, mention in about.items():
            target = companies.targets[index]
            row = _row(base, target, kind, mention, None, item)
            rows[row["signal_id"]] = row
            for r_index, rival in rivals.items():
                name = competitors.targets[r_index].company
                evidence = Mention(mention.matched_by, f"{mention.evidence} | {rival.evidence}")
                row = _row(base, target, "competitor_mention", evidence, name, item)
                rows[row["signal_id"]] = row
        if not about:
            for r_index, rival in rivals.items():
                target = competitors.targets[r_index]
                row = _row(base, target, "competitor_mention", rival, target.company, item)
                rows[row["signal_id"]] = row
    return pl.DataFrame(list(rows.values()), schema=SIGNAL_COLUMNS)


def _row(
    base: dict,
    target: Target,
    kind: str,
    mention: Mention,
    competitor: str | None,
    item: SignalItem,
) -> dict:
    identity = target.company_id or target.company
    return {
        "signal_id": signal_id(identity, kind, competitor, item.url or item.item_id),
        "company_id": target.company_id,
        "company": target.company,
        "domain": target.domain,
        "kind": kind,
        **base,
        "matched_by": mention.matched_by,
        "evidence": mention.evidence,
        "competitor": competitor,
    }
