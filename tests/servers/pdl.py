"""A local People Data Labs API (v5) for the test session, spoken to over real HTTP.

`PdlServer` answers the routes `resources/enrichment/pdl.py` uses, in PDL's wire format
(shapes from PDL's OpenAPI specification and example records):

    GET /v5/company/enrich?website=D     200: the company record at the top level, with
                                         "status": 200 and "likelihood"; 404 when none
    GET /v5/person/enrich?email=E&min_likelihood=N
                                         200: {"status": 200, "likelihood", "data": {...}};
                                         404 when none, or when below min_likelihood

Errors as PDL sends them: `{"status": N, "error": {"type": ..., "message": ...}}`. Auth is
the `X-Api-Key` header (401). A 200 is billed (`credits`), a 404 is not. `matches_left`
set to a number makes the account run out: then 402 ("all matches used").
`answer_as(domain, other)` answers a lookup of `domain` with the company of `other`.
Faults: `inject(route, status, ...)` as `vendor_faults.py` lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.servers.http_base import FakeHttpServer, Fault, Request, Response
from tests.servers.vendor_faults import fault_response

DEFAULT_KEY = "pdl-test-key"
NOT_FOUND = {"type": "not_found", "message": "No records were found matching your request"}


def company(domain: str, name: str | None = None, **fields: Any) -> dict[str, Any]:
    """A company record as PDL returns it (lower-case values, as PDL sends them)."""
    label = domain.split(".")[0]
    record = {
        "id": f"pdl-{label}",
        "name": (name or label).lower(),
        "display_name": name or label.title(),
        "size": "51-200",
        "employee_count": 84,
        "founded": 2015,
        "inferred_revenue": "$10M-$25M",
        "industry": "computer software",
        "location": {
            "name": "berlin, berlin, germany",
            "locality": "berlin",
            "region": "berlin",
            "country": "germany",
            "continent": "europe",
        },
        "linkedin_url": f"linkedin.com/company/{label}",
        "website": domain,
        "tags": ["saas", "b2b"],
    }
    record.update(fields)
    return record


def _error(status: int, kind: str, message: str) -> dict[str, Any]:
    return {"status": status, "error": {"type": kind, "message": message}}


class PdlServer(FakeHttpServer):
    server_version = "fake-pdl"

    def __init__(self) -> None:
        super().__init__()
        self.api_key = DEFAULT_KEY
        self.companies: dict[str, dict[str, Any]] = {}
        self.people: dict[str, tuple[int, dict[str, Any]]] = {}
        self.aliases: dict[str, str] = {}
        self.credits = 0.0
        self.matches_left: float | None = None
        self.asked: list[str] = []  # every website and email asked for, in order

    def reset(self) -> None:
        self.reset_plumbing()
        with self._lock:
            self.api_key = DEFAULT_KEY
            self.companies, self.people, self.aliases = {}, {}, {}
            self.credits, self.matches_left, self.asked = 0.0, None, []

    def seed_company(self, domain: str, **fields: Any) -> dict[str, Any]:
        record = company(domain, **fields)
        with self._lock:
            self.companies[domain] = record
        return record

    def seed_person(self, email: str, likelihood: int = 8, **fields: Any) -> dict[str, Any]:
        record = {
            "full_name": "sean thorne",
            "job_title": "co-founder and chief executive officer",
            "job_title_levels": ["cxo", "owner"],
            "linkedin_url": "linkedin.com/in/seanthorne",
            "work_email": email,
            **fields,
        }
        with self._lock:
            self.people[email] = (likelihood, record)
        return record

    def answer_as(self, domain: str, other: str) -> None:
        with self._lock:
            self.aliases[domain] = other

    def inject(
        self, route: str, status: int | str, *, times: int = 1, after: int = 0, **extra: Any
    ) -> None:
        self.add_fault(Fault(route, status, times=times, after=after, **extra))

    def respond(self, request: Request) -> Response | None:
        if request.headers.get("x-api-key") != self.api_key:
            return Response(401, _error(401, "invalid_auth", "Invalid API key"))
        fault = self.take_fault(f"{request.method} {request.path}")
        if fault is not None:
            answer = fault_response(self, fault, _fault_body)
            if answer is not None:
                return answer
        query = {name: values[0] for name, values in request.query.items()}
        with self._lock:
            if (request.method, request.path) == ("GET", "/v5/company/enrich"):
                return self._company(query)
            if (request.method, request.path) == ("GET", "/v5/person/enrich"):
                return self._person(query)
        return Response(404, _error(404, "not_found", f"{request.path} is not an endpoint"))

    def _bill(self, record: dict[str, Any], likelihood: int) -> Response:
        if self.matches_left is not None and self.matches_left < 1:
            return Response(
                402,
                _error(
                    402, "payment_required", "You have hit your account maximum (all matches used)"
                ),
            )
        self.credits += 1
        if self.matches_left is not None:
            self.matches_left -= 1
        headers = {"x-ratelimit-limit": "100", "x-ratelimit-remaining": "99"}
        return Response(200, {**record, "status": 200, "likelihood": likelihood}, headers)

    def _company(self, query: dict[str, str]) -> Response:
        website = query.get("website")
        if not website:
            return Response(
                400,
                _error(400, "invalid_request_error", "One of name, website, profile is required"),
            )
        self.asked.append(website)
        record = self.companies.get(self.aliases.get(website, website))
        if record is None:
            return Response(404, {"status": 404, "error": NOT_FOUND})
        return self._bill(record, 9)

    def _person(self, query: dict[str, str]) -> Response:
        email = query.get("email", "")
        self.asked.append(email)
        likelihood, record = self.people.get(email, (0, {}))
        if not record or likelihood < int(query.get("min_likelihood") or 2):
            return Response(404, {"status": 404, "error": NOT_FOUND})
        response = self._bill({}, likelihood)
        if response.status == 200:
            response.body = {"status": 200, "likelihood": likelihood, "data": record}
        return response


def _fault_body(status: int) -> dict[str, Any]:
    if status == 429:
        return _error(
            429, "rate_limit_error", "An error occurred due to requests hitting the API too quickly"
        )
    return _error(status, "server_error", "Something went wrong on our end")


@pytest.fixture(scope="session")
def pdl_server() -> Iterator[PdlServer]:
    server = PdlServer()
    yield server
    server.close()


@pytest.fixture
def pdl(pdl_server: PdlServer) -> Iterator[PdlServer]:
    """The session's PDL, emptied: no records, no faults, no credits used."""
    pdl_server.reset()
    yield pdl_server
    pdl_server.reset()
