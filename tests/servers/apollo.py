"""A local Apollo.io API for the test session, spoken to over real HTTP.

`ApolloServer` answers the routes `resources/enrichment/apollo.py` uses, in Apollo's wire
format (shapes from Apollo's API reference and its published examples):

    GET  /api/v1/organizations/enrich?domain=D          {"organization": {...}} or {} (a miss)
    POST /api/v1/organizations/bulk_enrich              domains[] (query) or {"domains": [...]}
                                                        in the body, at most 10 (else 422);
                                                        {"status": "success", "total_requested_domains",
                                                        "unique_enriched_records", "missing_records",
                                                        "organizations": [only those found]}
    POST /api/v1/people/match                           {"person": {...} | null}
    POST /api/v1/people/bulk_match                      {"details": [...]} at most 10;
                                                        {"matches": [person | null, in order],
                                                        "credits_consumed", ...}

Auth is the `x-api-key` header (401 {"error": "Invalid access credentials."}). Each
record found costs a credit (`credits`); a miss costs none. `answer_as(domain, other)`
makes a lookup of `domain` answer with the organization of `other` (another company's
domain). Faults: `inject(route, status, ...)` as `vendor_faults.py` lists.

Assumptions where Apollo documents no exact shape: a single-company miss answers 200
`{}`; a 429 answers `{"error": "... rate limit ..."}` with Apollo's rate-limit headers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.servers.http_base import FakeHttpServer, Fault, Request, Response
from tests.servers.vendor_faults import fault_response

DEFAULT_KEY = "apollo-test-key"
BULK_LIMIT = 10


def organization(domain: str, name: str | None = None, **fields: Any) -> dict[str, Any]:
    """An organization as Apollo returns it, with plausible values for `domain`."""
    label = domain.split(".")[0]
    name = name or label.replace("-", " ").title()
    record = {
        "id": f"5e66b6{abs(hash(domain)) % 10**18:018d}",
        "name": name,
        "website_url": f"http://www.{domain}",
        "linkedin_url": f"http://www.linkedin.com/company/{label}",
        "primary_domain": domain,
        "industry": "information technology & services",
        "estimated_num_employees": 170,
        "annual_revenue": 25_000_000,
        "annual_revenue_printed": "25M",
        "founded_year": 2015,
        "city": "San Francisco",
        "state": "California",
        "country": "United States",
        "technology_names": ["Amazon AWS", "Google Analytics", "Salesforce"],
        "keywords": ["sales engagement", "lead generation"],
    }
    record.update(fields)
    return record


class ApolloServer(FakeHttpServer):
    server_version = "fake-apollo"
    log_bodies = True

    def __init__(self) -> None:
        super().__init__()
        self.api_key = DEFAULT_KEY
        self.organizations: dict[str, dict[str, Any]] = {}
        self.people: dict[str, dict[str, Any]] = {}
        self.aliases: dict[str, str] = {}
        self.credits = 0.0
        self.asked: list[str] = []  # every domain asked for, in order, over both routes

    def reset(self) -> None:
        self.reset_plumbing()
        with self._lock:
            self.api_key = DEFAULT_KEY
            self.organizations, self.people, self.aliases = {}, {}, {}
            self.credits = 0.0
            self.asked = []

    # -- test controls

    def seed_organization(self, domain: str, **fields: Any) -> dict[str, Any]:
        record = organization(domain, **fields)
        with self._lock:
            self.organizations[domain] = record
        return record

    def seed_person(self, email: str, **fields: Any) -> dict[str, Any]:
        first = email.split("@")[0].split(".")[0].title()
        record = {
            "id": f"61c2e2d4{abs(hash(email)) % 10**16:016d}",
            "first_name": first,
            "name": first,
            "title": "VP Sales",
            "seniority": "vp",
            "linkedin_url": f"http://www.linkedin.com/in/{first.lower()}-x1",
            "email": "email_not_unlocked@domain.com",
            **fields,
        }
        with self._lock:
            self.people[email] = record
        return record

    def answer_as(self, domain: str, other: str) -> None:
        """Lookups of `domain` answer with the organization of `other`."""
        with self._lock:
            self.aliases[domain] = other

    def inject(
        self, route: str, status: int | str, *, times: int = 1, after: int = 0, **extra: Any
    ) -> None:
        self.add_fault(Fault(route, status, times=times, after=after, **extra))

    # -- request handling

    def respond(self, request: Request) -> Response | None:
        if request.headers.get("x-api-key") != self.api_key:
            return Response(401, {"error": "Invalid access credentials."})
        fault = self.take_fault(f"{request.method} {request.path}")
        if fault is not None:
            answer = fault_response(self, fault, _error_body)
            if answer is not None:
                return answer
        body = _json(request.body)
        route = (request.method, request.path)
        with self._lock:
            if route == ("GET", "/api/v1/organizations/enrich"):
                domains = request.query.get("domain", [])
                if not domains:
                    return Response(422, {"error": "Required parameter 'domain' missing"})
                found = self._found([domains[0]])
                return Response(200, {"organization": found[0]} if found else {}, _headers())
            if route == ("POST", "/api/v1/organizations/bulk_enrich"):
                domains = request.query.get("domains[]") or list(body.get("domains") or [])
                return self._bulk_enrich(domains)
            if route == ("POST", "/api/v1/people/match"):
                return Response(200, {"person": self._person(body)}, _headers())
            if route == ("POST", "/api/v1/people/bulk_match"):
                return self._bulk_match(body.get("details"))
        return Response(404, {"error": f"Not found: {request.method} {request.path}"})

    def _found(self, domains: list[str]) -> list[dict[str, Any]]:
        found = []
        self.asked.extend(domains)
        for domain in domains:
            record = self.organizations.get(self.aliases.get(domain, domain))
            if record is not None:
                found.append(record)
                self.credits += 1
        return found

    def _bulk_enrich(self, domains: list[str]) -> Response:
        if not domains:
            return Response(422, {"error": "Required parameter 'domains' missing"})
        if len(domains) > BULK_LIMIT:
            return Response(422, {"error": f"The maximum number of domains is {BULK_LIMIT}"})
        found = self._found(domains)
        return Response(
            200,
            {
                "status": "success",
                "error_code": None,
                "error_message": None,
                "total_requested_domains": len(domains),
                "unique_domains": len(set(domains)),
                "unique_enriched_records": len(found),
                "missing_records": len(domains) - len(found),
                "organizations": found,
            },
            _headers(),
        )

    def _person(self, detail: Any) -> dict[str, Any] | None:
        email = (detail or {}).get("email") if isinstance(detail, dict) else None
        record = self.people.get(email or "")
        if record is not None:
            self.credits += 1
        return record

    def _bulk_match(self, details: Any) -> Response:
        if not isinstance(details, list) or not details:
            return Response(422, {"error": "Required parameter 'details' missing"})
        if len(details) > BULK_LIMIT:
            return Response(422, {"error": f"The maximum number of details is {BULK_LIMIT}"})
        matches = [self._person(detail) for detail in details]
        hits = sum(m is not None for m in matches)
        return Response(
            200,
            {
                "status": "success",
                "error_code": None,
                "error_message": None,
                "total_requested_enrichments": len(details),
                "unique_enriched_records": hits,
                "missing_records": len(details) - hits,
                "credits_consumed": hits,
                "matches": matches,
            },
            _headers(),
        )


def _json(raw: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _headers() -> dict[str, str]:
    return {"x-rate-limit-minute": "200", "x-minute-requests-left": "199"}


def _error_body(status: int) -> dict[str, Any]:
    if status == 429:
        return {"error": "The maximum number of api calls allowed for this rate limit is 200."}
    return {"error": "Something went wrong. Please try again later."}


@pytest.fixture(scope="session")
def apollo_server() -> Iterator[ApolloServer]:
    server = ApolloServer()
    yield server
    server.close()


@pytest.fixture
def apollo(apollo_server: ApolloServer) -> Iterator[ApolloServer]:
    """The session's Apollo, emptied: no records, no faults, no credits used."""
    apollo_server.reset()
    yield apollo_server
    apollo_server.reset()
