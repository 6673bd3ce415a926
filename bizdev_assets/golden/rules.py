"""Survivorship rules: which source to trust and which strategy each field group uses.

The rules are data (`survivorship.yaml`, or `BIZDEV_SURVIVORSHIP_RULES`), validated on
load so a typo fails with the file, the entry and the problem named.

A source rule matches a file by name (`match`), by type (`type`), or by what it verifiably
is (`source: crm_feed`: a CRM feed file bizdev wrote itself, known by the content hash it
recorded when writing it, `with_verified_feeds`). Anyone who can drop a file chooses its
name, so the shipped rules give CRM trust by `source`, never by a name like `crm_*`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from bizdev_assets.rule_files import read_yaml

DEFAULT_RULES_PATH = Path(__file__).with_name("survivorship.yaml")
STRATEGIES = ("most_trusted", "most_recent", "most_complete")
CONSENT_STRATEGY = "most_recent_statement"
SOURCE_TYPES = ("csv", "tsv", "xlsx", "json", "ndjson")
VERIFIED_SOURCES = ("crm_feed",)  # `source:` kinds; crm_feed = a feed file bizdev wrote


@dataclass(frozen=True)
class FieldGroup:
    """Golden fields that are taken together from one record."""

    name: str
    values: tuple[str, ...]  # a record is a candidate when one of these is filled
    companions: tuple[str, ...] = ()  # derived from the values: follow them
    validity: str | None = None  # how to rank valid over invalid values, see _validity_rank

    @property
    def fields(self) -> tuple[str, ...]:
        return self.values + self.companions


EMAIL_FLAGS = ("email_domain", "email_valid", "is_free_email", "is_role_email")
FIELD_GROUPS: tuple[FieldGroup, ...] = (
    FieldGroup("email", ("email",), (*EMAIL_FLAGS, "is_disposable_email"), "email"),
    FieldGroup("name", ("first_name", "last_name", "full_name"), ("name_key",)),
    FieldGroup("company", ("company",), ("company_key",)),
    FieldGroup("website", ("website",), ("website_domain",)),
    FieldGroup("job", ("title", "department"), ("seniority",)),
    FieldGroup("phone", ("phone",), ("phone_valid",), "phone_valid"),
    FieldGroup("mobile", ("mobile",), ("mobile_valid",), "mobile_valid"),
    FieldGroup("address", ("street", "city", "state", "postal_code", "country")),
    FieldGroup("lead_source", ("lead_source",)),
)
CONSENT_FIELDS = ("gdpr_consent", "gdpr_consent_date", "consent_source")
GROUP_NAMES = tuple(g.name for g in FIELD_GROUPS) + ("consent",)


class SurvivorshipRulesError(ValueError):
    """The survivorship rules file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class SourceRule:
    match: str | None  # glob on the file's base name (or relative path when it contains "/")
    type: str | None  # source_type
    trust: int
    source: str | None = None  # a verified kind of source (VERIFIED_SOURCES)


@dataclass(frozen=True)
class SurvivorshipRules:
    """Source trust ranking and per-field-group strategy; see survivorship.yaml."""

    sources: tuple[SourceRule, ...]
    default_trust: int
    strategies: dict[str, str]  # group name -> strategy, for every group in FIELD_GROUPS
    verified_feeds: frozenset[str] = frozenset()  # file hashes of CRM feeds bizdev wrote

    def with_verified_feeds(self, file_hashes: Iterable[str]) -> SurvivorshipRules:
        """The rules, knowing which files are CRM feeds bizdev wrote (`crm_feed_files`)."""
        return replace(self, verified_feeds=frozenset(file_hashes))

    def trust_expr(self) -> pl.Expr:
        """The trust of each record's source (columns source_file, source_type, file_hash):
        the first matching rule, else default_trust."""
        base_name = pl.col("source_file").str.replace(r"^.*/", "")
        trust = pl.lit(self.default_trust, dtype=pl.Int64)
        for rule in reversed(self.sources):  # built inside out: the first rule is tested first
            conditions = []
            if rule.match is not None:
                target = pl.col("source_file") if "/" in rule.match else base_name
                conditions.append(target.str.contains(_glob_regex(rule.match)).fill_null(False))
            if rule.type is not None:
                conditions.append(pl.col("source_type").str.to_lowercase().eq_missing(rule.type))
            if rule.source == "crm_feed":
                verified = pl.Series(sorted(self.verified_feeds), dtype=pl.String)
                conditions.append(pl.col("file_hash").is_in(verified).fill_null(False))
            matched = pl.all_horizontal(conditions)
            trust = pl.when(matched).then(pl.lit(rule.trust)).otherwise(trust)
        return trust.cast(pl.Int64)

    @classmethod
    def load(cls, path: Path | None = None) -> SurvivorshipRules:
        """Read rules from YAML; None reads the shipped default."""
        path = Path(path) if path is not None else DEFAULT_RULES_PATH
        data = read_yaml(path, SurvivorshipRulesError, "rules file")
        return cls.from_dict(data, origin=str(path))

    @classmethod
    def from_dict(cls, data: Any, origin: str = "<rules>") -> SurvivorshipRules:
        def fail(where: str, problem: str) -> SurvivorshipRulesError:
            return SurvivorshipRulesError(f"{origin}: {where}: {problem}")

        if not isinstance(data, dict):
            raise fail("top level", "expected a mapping with keys sources, default_trust, fields")
        unknown = set(data) - {"sources", "default_trust", "fields"}
        if unknown:
            raise fail(", ".join(sorted(map(str, unknown))), "unknown key")

        def trust(value: Any, where: str) -> int:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                raise fail(where, f"expected a whole number from 0 to 100, got {value!r}")
            return value

        raw_sources = data.get("sources") or []
        if not isinstance(raw_sources, list):
            raise fail("sources", "expected a list of {match, type, trust} rules")
        sources = []
        for i, rule in enumerate(raw_sources):
            where = f"sources[{i}]"
            if not isinstance(rule, dict) or "trust" not in rule:
                raise fail(
                    where,
                    f"expected a mapping with `trust` and `match`, `type` or `source`, got {rule!r}",
                )
            extra = set(rule) - {"match", "type", "trust", "source"}
            if extra:
                raise fail(where, f"unknown key {', '.join(sorted(map(str, extra)))}")
            match, type_, source = rule.get("match"), rule.get("type"), rule.get("source")
            if match is None and type_ is None and source is None:
                raise fail(
                    where,
                    "needs `match` (file-name glob), `type` (source type) or `source` "
                    f"({', '.join(VERIFIED_SOURCES)})",
                )
            if source is not None and source not in VERIFIED_SOURCES:
                raise fail(
                    f"{where}.source",
                    f"expected one of {', '.join(VERIFIED_SOURCES)}, got {source!r}",
                )
            if match is not None and (not isinstance(match, str) or not match):
                raise fail(f"{where}.match", f"expected a file-name glob, got {match!r}")
            if type_ is not None and type_ not in SOURCE_TYPES:
                raise fail(
                    f"{where}.type", f"expected one of {', '.join(SOURCE_TYPES)}, got {type_!r}"
                )
            sources.append(SourceRule(match, type_, trust(rule["trust"], f"{where}.trust"), source))
        default_trust = trust(data.get("default_trust", 50), "default_trust")

        fields = data.get("fields")
        if not isinstance(fields, dict):
            raise fail(
                "fields",
                f"expected a mapping of field group -> strategy for {', '.join(GROUP_NAMES)}",
            )
        for name in fields:
            if name not in GROUP_NAMES:
                raise fail(
                    f"fields.{name}",
                    f"unknown field group; expected one of {', '.join(GROUP_NAMES)}",
                )
        strategies = {}
        for name in GROUP_NAMES:
            allowed = (CONSENT_STRATEGY,) if name == "consent" else STRATEGIES
            strategy = fields.get(name, allowed[0])
            if strategy not in allowed:
                raise fail(
                    f"fields.{name}", f"expected one of {', '.join(allowed)}, got {strategy!r}"
                )
            strategies[name] = strategy
        return cls(tuple(sources), default_trust, strategies)


def _glob_regex(glob: str) -> str:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return "(?i)^" + "".join(parts) + "$"
