"""What identifies a company: its registrable domain, when its contacts give one that is
not a free-mail or disposable provider; else its name key.

The domain is read from the contact's website, then from its email address, and reduced
to the registrable domain (`acme.co.uk` for `https://www.Mail.ACME.co.uk./about`) in IDNA
ASCII form, so `bücher.de` and `xn--bcher-kva.de` are one company. `company_id` (ADR-013
`contacts.company_id`, in `golden_contacts`, `contacts` and `company_enrichment`) is a
UUID5 of that identity: the contact chain computes it without waiting for enrichment, and
enrichment rows join on it. A contact with no usable domain keeps the name-key identity
(`company:<company_key>`), as before domains were used.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import lru_cache

import idna
import polars as pl
import tldextract
from disposable_email_domains import blocklist

from bizdev_assets.normalize.emails import free_email_domains

_HOST = re.compile(r"^[\w\-]+(\.[\w\-]+)+$")
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


@dataclass(frozen=True)
class DomainReading:
    domain: str | None  # registrable domain, IDNA ASCII ("xn--bcher-kva.de")
    unicode: str | None  # the same for display ("bücher.de")
    problem: str | None = None  # why a value gave no domain


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=())  # the bundled list: no network


def _host(value: str) -> str:
    text = value.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", text)
    text = re.split(r"[/?#\s]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1]
    text = re.sub(r":\d*$", "", text)
    return text.strip(".").removeprefix("www.")


@lru_cache(maxsize=200_000)
def read_domain(value: str | None) -> DomainReading:
    """A website, host or email domain as its registrable domain (module docstring)."""
    if value is None or not value.strip():
        return DomainReading(None, None, "empty")
    host = _host(value)
    if _IP.match(host):
        return DomainReading(None, None, f"{value!r} is an IP address, not a domain")
    try:
        unicode_host = idna.decode(idna.encode(host, uts46=True))  # validates as it goes
    except (idna.IDNAError, UnicodeError) as exc:
        return DomainReading(None, None, f"{value!r} is not a valid domain name ({exc})")
    if not _HOST.match(unicode_host):
        return DomainReading(None, None, f"{value!r} is not a host name")
    registrable = _extractor()(unicode_host).top_domain_under_public_suffix
    if not registrable:
        return DomainReading(None, None, f"{value!r} has no public suffix")
    ascii_domain = idna.encode(registrable, uts46=True).decode("ascii")
    return DomainReading(ascii_domain, idna.decode(ascii_domain))


@lru_cache(maxsize=1)
def _personal() -> dict[str, str]:
    kinds = {d: "disposable" for d in blocklist}
    kinds.update({d: "free_mail" for d in free_email_domains()})
    return kinds


def personal_kind(domain: str | None) -> str | None:
    """`free_mail` / `disposable` for a mailbox provider's domain, None for a company's."""
    if domain is None:
        return None
    return _personal().get(domain) or _personal().get(idna.decode(domain))


def company_domain(website_domain: str | None, email_domain: str | None) -> tuple[str | None, str]:
    """The company domain of one contact and where it came from (`website` / `email`), or
    (None, why not). Mailbox providers are never a company's domain."""
    reasons = []
    for source, value in (("website", website_domain), ("email", email_domain)):
        reading = read_domain(value)
        if reading.domain is None:
            if value:
                reasons.append(f"{source}: {reading.problem}")
            continue
        kind = personal_kind(reading.domain)
        if kind is None:
            return reading.domain, source
        reasons.append(f"{source}: {reading.domain} is {kind.replace('_', '-')}")
    return None, "; ".join(reasons) or "no website or email"


def company_id_for_key(identity: str) -> str:
    """The UUID of a company identity: its domain, or its name key. Name keys have their
    punctuation removed and domains always hold a dot, so the two never collide."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"company:{identity}"))


company_id_for_domain = company_id_for_key


def company_domains_of(frame: pl.DataFrame) -> pl.Series:
    """`company_domain` of every row of a frame with `website_domain` and `email_domain`."""
    pairs = frame.select("website_domain", "email_domain")
    unique = pairs.unique()
    looked_up = [company_domain(w, e)[0] for w, e in unique.iter_rows()]
    table = unique.with_columns(pl.Series("company_domain", looked_up, dtype=pl.String))
    return pairs.join(table, on=["website_domain", "email_domain"], how="left", nulls_equal=True)[
        "company_domain"
    ]


def company_ids(frame: pl.DataFrame) -> pl.Series:
    """`company_id` of every row of a frame with `website_domain`, `email_domain` and
    `company_key`: from the company domain when there is one, else from the name key."""
    identity = company_domains_of(frame).fill_null(frame["company_key"])
    unique = identity.drop_nulls().unique()
    ids = pl.Series([company_id_for_key(v) for v in unique], dtype=pl.String)
    return identity.replace_strict(unique, ids, default=None).alias("company_id")
