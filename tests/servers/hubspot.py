"""A local HubSpot CRM v3 API for the test session: stateful, spoken to over real HTTP.

`HubSpotServer` answers the routes `hubspot-api-client` uses for contacts and companies
in HubSpot's own wire format (JSON bodies, status codes, error shapes), so the adapter in
`resources/crm/hubspot/` is tested with the vendor's library end to end:

    POST /crm/v3/objects/{type}/search          filterGroups, sorts, properties, limit, after
    POST /crm/v3/objects/{type}/batch/create    201, or 207 per row when inputs carry objectWriteTraceId
    POST /crm/v3/objects/{type}/batch/upsert    200, or 207 with per-row errors
    POST /crm/v3/objects/{type}/batch/update    200, or 207 with per-row errors
    POST /crm/v3/objects/{type}/batch/archive   204
    POST /crm/v3/objects/contacts/gdpr-delete   204: permanent delete (by id, or email)
    GET  /crm/v3/properties/{type}              the property definitions
    POST /crm/v3/properties/{type}              create a custom property (201; 409 if it exists)
    GET  /crm/v3/properties/{type}/groups       the property groups
    POST /crm/v3/properties/{type}/groups       create a property group (201; 409 if it exists)

Each `reset` gives a fresh account: HubSpot's own properties and groups, no custom
property (bizdev's `bizdev_contact_id` and `bizdev_quality_score` included) until a test
creates one, through the properties API (`bizdev crm setup`) or `add_property` (an admin
in HubSpot's settings). Writing a property that does not exist fails the whole batch with
400 VALIDATION_ERROR whose message carries `PROPERTY_DOESNT_EXIST`, as HubSpot answers;
a search silently leaves such a property out of its results. Creating properties or
groups needs the `crm.schemas.{type}.write` scope (`deny_schema_writes`: 403
MISSING_SCOPES).

What it copies from HubSpot (checked against HubSpot's docs and the client's models):
Bearer-token auth (401 INVALID_AUTHENTICATION), search limit <= 200 and the 10,000-result
cap (asking for `after` >= 10000 answers 400), one sort rule per search, batch limit 100,
an unknown property fails the whole batch (400 PROPERTY_DOESNT_EXIST), invalid emails /
enumeration values / numbers fail only their row, emails are unique and stored lowercase,
every write bumps `lastmodifieddate` (`hs_lastmodifieddate` for companies), all dates are
ISO-8601 `...Z` with milliseconds, rate-limit headers on non-search responses.

Assumptions where HubSpot documents no exact shape: the text of the 10,000-cap error; per-row
error `context` is `{"ids": [<input id>]}` for upsert/update and
`{"objectWriteTraceId": [<trace>]}` for create; batch create answers 207 per row only when
every input carries an `objectWriteTraceId` (HubSpot's multi-status opt-in), else the first
bad row fails the whole batch (400 VALIDATION_ERROR / 409 CONFLICT).

Test controls are plain methods: `seed`, `seed_many`, `edit`, `records`, `reject`,
`add_property`, `deny_schema_writes`, `inject` (faults: 429 / 5xx / slow "timeout"), `requests` (the log), `bodies`, `count`,
`wait_idle`, `reset`.
"""

from __future__ import annotations

import json
import operator as operator_module
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import pytest

from tests.servers.http_base import FakeHttpServer, Fault, Request, Response, json_bodies

DEFAULT_TOKEN = "hubspot-test-token"
SEARCH_CAP = 10_000
SEARCH_MAX_LIMIT = 200
BATCH_LIMIT = 100
FIRST_ID = 1_000_001
RATE_LIMIT_MAX = 190  # per 10 s window (a Professional private app)
DAILY_LIMIT = 650_000

MODIFIED_PROPERTY = {"contacts": "lastmodifieddate", "companies": "hs_lastmodifieddate"}
DEFAULT_SEARCH_PROPERTIES = {
    "contacts": ("firstname", "lastname", "email"),
    "companies": ("name", "domain"),
}
SEARCHABLE_BY_QUERY = {
    "contacts": ("email", "firstname", "lastname", "phone", "company"),
    "companies": ("name", "domain", "phone", "website"),
}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


# --- property definitions -------------------------------------------------------------


def _options(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        {"label": label, "value": value, "displayOrder": i, "hidden": False}
        for i, (value, label) in enumerate(pairs)
    ]


LIFECYCLE_OPTIONS = _options(
    ("subscriber", "Subscriber"),
    ("lead", "Lead"),
    ("marketingqualifiedlead", "Marketing Qualified Lead"),
    ("salesqualifiedlead", "Sales Qualified Lead"),
    ("opportunity", "Opportunity"),
    ("customer", "Customer"),
    ("evangelist", "Evangelist"),
    ("other", "Other"),
)
LEAD_STATUS_OPTIONS = _options(
    ("NEW", "New"),
    ("OPEN", "Open"),
    ("IN_PROGRESS", "In Progress"),
    ("OPEN_DEAL", "Open Deal"),
    ("UNQUALIFIED", "Unqualified"),
    ("ATTEMPTED_TO_CONTACT", "Attempted to Contact"),
    ("CONNECTED", "Connected"),
    ("BAD_TIMING", "Bad Timing"),
)
INDUSTRY_OPTIONS = _options(
    ("ACCOUNTING", "Accounting"),
    ("BANKING", "Banking"),
    ("COMPUTER_SOFTWARE", "Computer Software"),
    ("CONSTRUCTION", "Construction"),
    ("EDUCATION_MANAGEMENT", "Education Management"),
    ("FINANCIAL_SERVICES", "Financial Services"),
    ("HOSPITAL_HEALTH_CARE", "Hospital & Health Care"),
    ("INFORMATION_TECHNOLOGY_AND_SERVICES", "Information Technology and Services"),
    ("INSURANCE", "Insurance"),
    ("MANAGEMENT_CONSULTING", "Management Consulting"),
    ("MARKETING_AND_ADVERTISING", "Marketing and Advertising"),
    ("REAL_ESTATE", "Real Estate"),
    ("RETAIL", "Retail"),
    ("TELECOMMUNICATIONS", "Telecommunications"),
)


def _prop(
    name: str,
    label: str,
    type_: str = "string",
    field_type: str = "text",
    *,
    group: str = "contactinformation",
    options: list[dict[str, Any]] | None = None,
    read_only: bool = False,
    unique: bool = False,
    custom: bool = False,
    external_options: bool = False,
) -> dict[str, Any]:
    stamp = "2019-08-06T02:41:52.000Z" if not custom else "2026-01-12T09:30:00.000Z"
    return {
        "updatedAt": stamp,
        "createdAt": stamp,
        "name": name,
        "label": label,
        "type": type_,
        "fieldType": field_type,
        "description": "",
        "groupName": group,
        "options": options or [],
        "displayOrder": -1,
        "calculated": False,
        "externalOptions": external_options,
        "hasUniqueValue": unique,
        "hidden": False,
        "hubspotDefined": not custom,
        "modificationMetadata": {
            "archivable": custom,
            "readOnlyDefinition": not custom,
            "readOnlyValue": read_only,
        },
        "formField": not read_only,
    }


def _contact_properties() -> list[dict[str, Any]]:
    return [
        _prop("email", "Email"),
        _prop("firstname", "First Name"),
        _prop("lastname", "Last Name"),
        _prop("phone", "Phone Number", field_type="phonenumber"),
        _prop("mobilephone", "Mobile Phone Number", field_type="phonenumber"),
        _prop("company", "Company Name"),
        _prop("jobtitle", "Job Title"),
        _prop("city", "City"),
        _prop("country", "Country/Region"),
        _prop("website", "Website URL"),
        _prop(
            "lifecyclestage",
            "Lifecycle Stage",
            "enumeration",
            "radio",
            options=LIFECYCLE_OPTIONS,
        ),
        _prop(
            "hs_lead_status",
            "Lead Status",
            "enumeration",
            "radio",
            options=LEAD_STATUS_OPTIONS,
            group="sales_properties",
        ),
        _prop(
            "hubspot_owner_id",
            "Contact owner",
            "enumeration",
            "select",
            group="sales_properties",
            external_options=True,
        ),
        _prop("hs_object_id", "Record ID", "number", "number", read_only=True, unique=True),
        _prop("createdate", "Create Date", "datetime", "date", read_only=True),
        _prop("lastmodifieddate", "Last Modified Date", "datetime", "date", read_only=True),
    ]


def _company_properties() -> list[dict[str, Any]]:
    group = "companyinformation"
    return [
        _prop("name", "Company name", group=group),
        _prop("domain", "Company Domain Name", group=group),
        _prop("phone", "Phone Number", field_type="phonenumber", group=group),
        _prop("city", "City", group=group),
        _prop("country", "Country/Region", group=group),
        _prop("website", "Website URL", group=group),
        _prop(
            "industry", "Industry", "enumeration", "select", group=group, options=INDUSTRY_OPTIONS
        ),
        _prop("numberofemployees", "Number of Employees", "number", "number", group=group),
        _prop(
            "hs_object_id",
            "Record ID",
            "number",
            "number",
            group=group,
            read_only=True,
            unique=True,
        ),
        _prop("createdate", "Create Date", "datetime", "date", group=group, read_only=True),
        _prop(
            "hs_lastmodifieddate",
            "Last Modified Date",
            "datetime",
            "date",
            group=group,
            read_only=True,
        ),
    ]


# What a new HubSpot account has: HubSpot's own properties and groups, no custom ones.
STANDARD_PROPERTIES: dict[str, list[dict[str, Any]]] = {
    "contacts": _contact_properties(),
    "companies": _company_properties(),
}
STANDARD_GROUPS: dict[str, list[tuple[str, str]]] = {
    "contacts": [
        ("contactinformation", "Contact information"),
        ("sales_properties", "Sales properties"),
        ("emailinformation", "Email information"),
    ],
    "companies": [("companyinformation", "Company information")],
}
# type -> the fieldTypes HubSpot accepts with it (properties API)
FIELD_TYPES = {
    "string": {"text", "textarea", "phonenumber", "html", "file"},
    "number": {"number", "calculation_equation"},
    "enumeration": {"select", "radio", "checkbox", "booleancheckbox"},
    "bool": {"booleancheckbox"},
    "date": {"date"},
    "datetime": {"date"},
}
PROPERTY_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MISSING_SCOPES = "MISSING_SCOPES"


# --- small helpers ----------------------------------------------------------------------


def iso_ms(ms: int) -> str:
    """Epoch milliseconds -> HubSpot's ISO-8601 form, `2026-01-02T03:04:05.678Z`."""
    stamp = datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{ms % 1000:03d}Z"


@lru_cache(maxsize=500_000)
def to_ms(value: str) -> int:
    """A date filter value or stored date (epoch ms or ISO-8601) -> epoch milliseconds."""
    text = value.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return _datetime_ms(datetime.fromisoformat(text.replace("Z", "+00:00")))


def _datetime_ms(when: datetime) -> int:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - EPOCH) // timedelta(milliseconds=1)


def _when_ms(when: datetime | int | str | None) -> int:
    if when is None:
        return int(time.time() * 1000)
    if isinstance(when, int):
        return when
    if isinstance(when, str):
        return to_ms(when)
    return _datetime_ms(when)


def _correlation_id() -> str:
    return str(uuid.uuid4())


def error_body(message: str, category: str, **extra: Any) -> dict[str, Any]:
    return {
        "status": "error",
        "message": message,
        "correlationId": _correlation_id(),
        "category": category,
        **extra,
    }


def _invalid_property_message(name: str, message: str, error: str) -> str:
    detail = [{"isValid": False, "message": message, "error": error, "name": name}]
    return f"Property values were not valid: {json.dumps(detail, separators=(',', ':'))}"


class HubSpotApiError(Exception):
    """Raised inside a route: answer `status` with `body`."""

    def __init__(self, status: int, body: dict[str, Any]):
        super().__init__(body.get("message"))
        self.status = status
        self.body = body


class RowError(Exception):
    """One input row of a batch is invalid (answered per row in a 207)."""

    def __init__(self, message: str, category: str = "VALIDATION_ERROR"):
        super().__init__(message)
        self.message = message
        self.category = category


# --- the server -------------------------------------------------------------------------


class HubSpotServer(FakeHttpServer):
    """A stateful fake of HubSpot's CRM v3 API on 127.0.0.1 (see the module docstring)."""

    server_version = "hubspot-test"
    log_bodies = True

    def __init__(self, token: str = DEFAULT_TOKEN):
        self.token = token
        self._clear()
        super().__init__()

    # -- lifecycle

    def reset(self, *, token: str | None = None) -> None:
        """Empty stores, no faults, empty log; waits (<= 5 s) for requests still running."""
        self.reset_plumbing()
        with self._lock:
            if token is not None:
                self.token = token
            self._clear()

    def _clear(self) -> None:
        self._stores: dict[str, dict[str, dict[str, Any]]] = {
            "contacts": {},
            "companies": {},
            "tasks": {},  # outreach tasks: see the end of this module
        }
        self._next_id = FIRST_ID
        self._email_ids: dict[str, str] = {}  # email -> contact id, see _find_by
        self._rejected: dict[tuple[str, str, str], str] = {}
        self._window: list[float] = []  # request times for the rate-limit headers
        self._daily_used = 0
        self._version = 0  # bumped by every write; keys the search cache
        self._search_cache: dict[tuple, list[dict[str, Any]]] = {}
        self._properties = {
            object_type: {p["name"]: json.loads(json.dumps(p)) for p in props}
            for object_type, props in STANDARD_PROPERTIES.items()
        }
        self._groups = {
            object_type: {
                name: {"name": name, "label": label, "displayOrder": i, "archived": False}
                for i, (name, label) in enumerate(groups)
            }
            for object_type, groups in STANDARD_GROUPS.items()
        }
        self.schema_writes_allowed = True  # False: the token lacks crm.schemas.*.write
        self.gdpr_blocklist: set[str] = set()  # emails a GDPR delete found no contact for

    def index(self, object_type: str) -> dict[str, dict[str, Any]]:
        """The object's property definitions by name (what the properties API lists)."""
        return self._properties[object_type]

    # -- test controls

    def add_property(
        self,
        object_type: str,
        name: str,
        type_: str = "string",
        field_type: str = "text",
        *,
        group: str = "contactinformation",
        unique: bool = False,
        read_only: bool = False,
        options: list[dict[str, Any]] | None = None,
    ) -> None:
        """An admin created a custom property in HubSpot's settings (no HTTP)."""
        with self._lock:
            self._properties[object_type][name] = _prop(
                name,
                name.replace("_", " ").capitalize(),
                type_,
                field_type,
                group=group,
                unique=unique,
                custom=True,
                read_only=read_only,
                options=options,
            )

    def deny_schema_writes(self) -> None:
        """The private app's token lacks the crm.schemas.contacts.write scope."""
        with self._lock:
            self.schema_writes_allowed = False

    def seed(
        self,
        object_type: str,
        properties: Mapping[str, Any],
        *,
        modified_at: datetime | int | str | None = None,
        created_at: datetime | int | str | None = None,
    ) -> str:
        """Add one record as if it had been in HubSpot already; returns its id.

        Property names are checked; values are not validated (read-only ones such as
        `lastmodifieddate` may be given to set them directly)."""
        return self.seed_many(
            object_type, [properties], modified_at=modified_at, created_at=created_at
        )[0]

    def seed_many(
        self,
        object_type: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        modified_at: datetime | int | str | None = None,
        created_at: datetime | int | str | None = None,
    ) -> list[str]:
        """`seed` for many rows at once (cheap: no HTTP, no validation of values)."""
        mod_prop = MODIFIED_PROPERTY[object_type]
        ids = []
        with self._lock:
            store = self._store(object_type)
            emails = self._email_index(object_type)
            default_mod = _when_ms(modified_at)
            default_created = _when_ms(created_at) if created_at is not None else None
            for row in rows:
                props = {k: None if v is None else str(v) for k, v in row.items()}
                unknown = [k for k in props if k not in self.index(object_type)]
                if unknown:
                    raise ValueError(f"unknown {object_type} properties: {unknown}")
                if object_type == "contacts" and props.get("email"):
                    props["email"] = props["email"].lower()
                    if props["email"] in emails:
                        raise ValueError(f"duplicate email {props['email']}")
                    emails[props["email"]] = ""
                mod_ms = to_ms(props[mod_prop]) if props.get(mod_prop) else default_mod
                created_ms = (
                    to_ms(props["createdate"])
                    if props.get("createdate")
                    else (default_created if default_created is not None else mod_ms)
                )
                record = self._new_record(object_type, props, created_ms)
                self._touch(object_type, record, mod_ms)
                store[record["id"]] = record
                ids.append(record["id"])
        return ids

    def edit(
        self,
        object_type: str,
        record_id: str,
        *,
        modified_at: datetime | int | str | None = None,
        **properties: Any,
    ) -> None:
        """A sales rep edits a record in HubSpot's UI: sets properties, bumps modified time."""
        with self._lock:
            record = self._store(object_type)[str(record_id)]
            for name, value in properties.items():
                if name not in self.index(object_type):
                    raise ValueError(f"unknown {object_type} property {name}")
                record["properties"][name] = None if value is None else str(value)
            self._touch(object_type, record, _when_ms(modified_at))

    def records(
        self, object_type: str, *, archived: bool = False
    ) -> dict[str, dict[str, str | None]]:
        """Current state: id -> properties (copies) of live (or, archived=True, archived)
        records."""
        with self._lock:
            return {
                rid: dict(rec["properties"])
                for rid, rec in self._store(object_type).items()
                if rec["archived"] == archived
            }

    def reject(self, object_type: str, prop: str, value: str, message: str | None = None) -> None:
        """Make writes of `value` to `prop` fail for their row (a 207 per-row error)."""
        with self._lock:
            self._rejected[(object_type, prop, value)] = message or (
                _invalid_property_message(
                    prop, f"{value} was rejected by a validation rule", "INVALID_VALUE"
                )
            )

    def clear_rejections(self) -> None:
        """Undo every `reject`: the validation rule was fixed in HubSpot."""
        with self._lock:
            self._rejected.clear()

    def inject(
        self,
        route: str,
        status: int | str,
        body: Any = None,
        times: int = 1,
        *,
        headers: Mapping[str, str] | None = None,
        delay: float = 1.0,
        after: int = 0,
    ) -> None:
        """Make the next `times` requests whose "METHOD /path" contains `route` fail
        (after letting `after` of them through: a fault in the middle of a run).

        status: an HTTP status (429 gets HubSpot's rate-limit body: policyName SECONDLY on
        search, TEN_SECONDLY_ROLLING elsewhere; 5xx a HubSpot error body), or "timeout":
        the server sleeps `delay` seconds and then handles the request normally (the write
        happens, the client has long given up)."""
        self.add_fault(Fault(route, status, body, times, after, dict(headers or {}), delay))

    def bodies(self, route: str) -> list[Any]:
        """Parsed JSON bodies of the logged requests whose path contains `route`."""
        return json_bodies(self.logged(path=route))

    def count(self, route: str, method: str | None = "POST") -> int:
        """Requests logged whose path contains `route` (and method matches, if given)."""
        return len(self.logged(method, route))

    # -- request handling (called by the handler threads)

    def respond(self, request: Request) -> Response:
        method, path = request.method, request.path
        if request.headers.get("Authorization", "") != f"Bearer {self.token}":
            return Response(
                401,
                error_body(
                    "Authentication credentials not found. This API supports OAuth 2.0 "
                    "authentication and you can find more details at "
                    "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                    "INVALID_AUTHENTICATION",
                ),
            )
        fault = self.take_fault(f"{method} {path}")
        if fault is not None:
            if fault.status == "timeout":
                self.hang(fault)  # then handled normally: the write happens, the client left
            else:
                return self._fault_response(fault, path)
        try:
            body = json.loads(request.body) if request.body else None
        except ValueError:
            body = None
        for route_method, pattern, handler in ROUTES:
            match = pattern.fullmatch(path)
            if route_method == method and match:
                object_type = match.group("type")
                if object_type not in self._stores:
                    return Response(
                        404,
                        error_body(
                            f"Unable to infer object type from: {object_type}", "OBJECT_NOT_FOUND"
                        ),
                    )
                try:
                    if method == "POST" and not isinstance(body, dict):
                        raise HubSpotApiError(
                            400,
                            error_body(
                                "Invalid input JSON on line 1, column 1", "VALIDATION_ERROR"
                            ),
                        )
                    with self._lock:
                        response = handler(self, object_type, body or {}, request.query)
                except HubSpotApiError as exc:
                    response = Response(exc.status, exc.body)
                if "/search" not in path:
                    response.headers.update(self._rate_limit_headers())
                return response
        return Response(404, error_body(f"Not found: {method} {path}", "OBJECT_NOT_FOUND"))

    def _fault_response(self, fault: Fault, path: str) -> Response:
        status = int(fault.status)
        body = fault.body
        if body is None and status == 429:
            policy = "SECONDLY" if path.endswith("/search") else "TEN_SECONDLY_ROLLING"
            body = {
                "status": "error",
                "message": f"You have reached your {policy.lower()} limit.",
                "errorType": "RATE_LIMIT",
                "correlationId": _correlation_id(),
                "policyName": policy,
                "groupName": "publicapi:private-app:1234567",
            }
        elif body is None:
            body = error_body(
                "internal error", "INTERNAL_ERROR" if status >= 500 else "VALIDATION_ERROR"
            )
        headers = dict(fault.headers)
        if fault.status == 429:
            headers.setdefault("X-HubSpot-RateLimit-Max", str(RATE_LIMIT_MAX))
            headers.setdefault("X-HubSpot-RateLimit-Remaining", "0")
        return Response(status, body, headers)

    def _rate_limit_headers(self) -> dict[str, str]:
        with self._lock:
            now = time.monotonic()
            self._window = [t for t in self._window if now - t < 10] + [now]
            self._daily_used += 1
            return {
                "X-HubSpot-RateLimit-Daily": str(DAILY_LIMIT),
                "X-HubSpot-RateLimit-Daily-Remaining": str(DAILY_LIMIT - self._daily_used),
                "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
                "X-HubSpot-RateLimit-Max": str(RATE_LIMIT_MAX),
                "X-HubSpot-RateLimit-Remaining": str(max(0, RATE_LIMIT_MAX - len(self._window))),
            }

    # -- store helpers (callers hold the lock)

    def _store(self, object_type: str) -> dict[str, dict[str, Any]]:
        if object_type not in self._stores:
            raise ValueError(f"unknown object type {object_type}")
        return self._stores[object_type]

    def _live(self, object_type: str) -> Iterator[dict[str, Any]]:
        return (r for r in self._stores[object_type].values() if not r["archived"])

    def _email_index(self, object_type: str) -> dict[str, str]:
        if object_type != "contacts":
            return {}
        return {
            r["properties"]["email"].lower(): r["id"]
            for r in self._live(object_type)
            if r["properties"].get("email")
        }

    def _find_by(self, object_type: str, prop: str, value: str) -> dict[str, Any] | None:
        if prop == "hs_object_id":
            record = self._stores[object_type].get(value)
            return record if record and not record["archived"] else None
        if (object_type, prop) == ("contacts", "email"):
            # Every write registers its email in _touch, so the index finds any live
            # holder; an entry left by a changed email fails this check and means "none".
            record = self._stores[object_type].get(self._email_ids.get(value.lower(), ""))
            current = record and record["properties"].get("email")
            if record and not record["archived"] and current and current.lower() == value.lower():
                return record
            return None
        wanted = value.lower() if prop == "email" else value
        for record in self._live(object_type):
            current = record["properties"].get(prop)
            if current is not None and (current.lower() if prop == "email" else current) == wanted:
                return record
        return None

    def _new_record(
        self, object_type: str, props: dict[str, str | None], created_ms: int
    ) -> dict[str, Any]:
        record_id = str(self._next_id)
        self._next_id += 1
        properties = dict(props)
        properties["hs_object_id"] = record_id
        properties["createdate"] = iso_ms(created_ms)
        return {
            "id": record_id,
            "properties": properties,
            "createdAt": iso_ms(created_ms),
            "updatedAt": iso_ms(created_ms),
            "archived": False,
            "archivedAt": None,
        }

    def _touch(self, object_type: str, record: dict[str, Any], ms: int) -> None:
        """Every change of a record goes through here: bump its modified time."""
        self._version += 1
        record["properties"][MODIFIED_PROPERTY[object_type]] = iso_ms(ms)
        record["updatedAt"] = iso_ms(ms)
        email = record["properties"].get("email") if object_type == "contacts" else None
        if email:
            self._email_ids[email.lower()] = record["id"]

    def _check_row(self, object_type: str, props: Mapping[str, Any]) -> dict[str, str]:
        """Validate one input's property values; raises RowError. Unknown property names
        are checked per batch beforehand (they fail the whole batch)."""
        clean: dict[str, str] = {}
        for name, value in props.items():
            spec = self.index(object_type)[name]
            text = "" if value is None else str(value)
            if spec["modificationMetadata"]["readOnlyValue"]:
                raise RowError(
                    _invalid_property_message(
                        name, f'Property "{name}" is read-only', "READ_ONLY_VALUE"
                    )
                )
            rejected = self._rejected.get((object_type, name, text))
            if rejected:
                raise RowError(rejected)
            if text and name == "email" and not EMAIL_RE.match(text):
                raise RowError(
                    _invalid_property_message(
                        name, f"Email address {text} is invalid", "INVALID_EMAIL"
                    )
                )
            if text and spec["type"] == "enumeration" and not spec["externalOptions"]:
                allowed = [o["value"] for o in spec["options"]]
                if text not in allowed:
                    raise RowError(
                        _invalid_property_message(
                            name,
                            f"{text} was not one of the allowed options: {allowed}",
                            "INVALID_OPTION",
                        )
                    )
            if text and spec["type"] == "number":
                try:
                    float(text)
                except ValueError:
                    raise RowError(
                        _invalid_property_message(
                            name, f"{text} is not a valid number", "INVALID_FLOAT"
                        )
                    ) from None
            clean[name] = text.lower() if name == "email" else text
        return clean

    def _check_batch(
        self, object_type: str, inputs: Any, *, need_properties: bool = True
    ) -> list[dict[str, Any]]:
        if not isinstance(inputs, list):
            raise HubSpotApiError(
                400, error_body("Invalid input JSON: inputs must be a list", "VALIDATION_ERROR")
            )
        if len(inputs) > BATCH_LIMIT:
            raise HubSpotApiError(
                400,
                error_body(
                    f"Batch input limit of {BATCH_LIMIT} exceeded: {len(inputs)} inputs",
                    "VALIDATION_ERROR",
                ),
            )
        if need_properties:
            known = self.index(object_type)
            for item in inputs:
                for name in item.get("properties") or {}:
                    if name not in known:
                        raise HubSpotApiError(
                            400,
                            error_body(
                                _invalid_property_message(
                                    name,
                                    f'Property "{name}" does not exist',
                                    "PROPERTY_DOESNT_EXIST",
                                ),
                                "VALIDATION_ERROR",
                            ),
                        )
        return inputs

    def _public(
        self, record: dict[str, Any], properties: Iterable[str] | None = None, **extra: Any
    ) -> dict[str, Any]:
        props = record["properties"]
        if properties is not None:
            props = {name: props.get(name) for name in properties}
        out = {
            "id": record["id"],
            "properties": dict(props),
            "createdAt": record["createdAt"],
            "updatedAt": record["updatedAt"],
            "archived": record["archived"],
        }
        out.update(extra)
        return out


def _batch_response(
    results: list[dict[str, Any]], errors: list[dict[str, Any]], started: str, ok_status: int
) -> Response:
    body: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": iso_ms(_when_ms(None)),
    }
    if errors:
        body["numErrors"] = len(errors)
        body["errors"] = errors
        return Response(207, body)
    return Response(ok_status, body)


def _row_error(exc: RowError, context: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "status": "error",
        "category": exc.category,
        "message": exc.message,
        "context": context,
        "errors": [],
        "links": {},
    }


# --- routes: one function per route ---------------------------------------------------


def search(server: HubSpotServer, object_type: str, body: dict[str, Any], query) -> Response:
    limit = int(body.get("limit") or 10)
    if limit > SEARCH_MAX_LIMIT:
        raise HubSpotApiError(
            400, error_body(f"limit must be <= {SEARCH_MAX_LIMIT}, got {limit}", "VALIDATION_ERROR")
        )
    after = int(body.get("after") or 0)
    if after >= SEARCH_CAP:
        # HubSpot refuses to page past 10,000 results of one query (message approximated).
        raise HubSpotApiError(
            400,
            error_body(
                f"Cannot page past {SEARCH_CAP} results of a search (after={after}); "
                "narrow the query with filters",
                "VALIDATION_ERROR",
            ),
        )
    sorts = body.get("sorts") or []
    if len(sorts) > 1:
        raise HubSpotApiError(
            400, error_body("Only one sort is allowed per search", "VALIDATION_ERROR")
        )
    groups = body.get("filterGroups") or []
    for group in groups:
        for flt in group.get("filters") or []:
            _check_filter(server.index(object_type), object_type, flt)
    text = (body.get("query") or "").strip().lower()

    # Paging through one query re-runs the same search; the ordered matches are kept until
    # the next write (HubSpot's index is not transactional either, but this stays exact).
    key = (object_type, json.dumps([groups, sorts, text], sort_keys=True), server._version)
    matches = server._search_cache.get(key)
    if matches is None:
        matches = _run_search(
            object_type, server.index(object_type), server._live(object_type), groups, sorts, text
        )
        server._search_cache = {key: matches}

    requested = body.get("properties") or list(DEFAULT_SEARCH_PROPERTIES[object_type])
    # HubSpot leaves properties that do not exist out of the results, without an error.
    requested = [name for name in requested if name in server.index(object_type)]
    returned = list(
        dict.fromkeys([*requested, "hs_object_id", "createdate", MODIFIED_PROPERTY[object_type]])
    )
    page = matches[after : after + limit]
    out: dict[str, Any] = {
        "total": len(matches),
        "results": [server._public(r, returned) for r in page],
    }
    if after + limit < len(matches):
        out["paging"] = {"next": {"after": str(after + limit)}}
    return Response(200, out)


def _run_search(
    object_type: str,
    index: Mapping[str, dict[str, Any]],
    records: Iterable[dict[str, Any]],
    groups: list[Mapping[str, Any]],
    sorts: list[Any],
    text: str,
) -> list[dict[str, Any]]:
    """Records matching any filter group (and the free-text query), in sort order;
    ties and no sort rule: by id. Records without the sort property go last."""
    predicates = [_compile_group(index, g) for g in groups]
    matches = [
        r
        for r in records
        if (not predicates or any(p(r) for p in predicates))
        and (not text or _matches_query(object_type, r, text))
    ]
    matches.sort(key=lambda r: int(r["id"]))
    if not sorts:
        return matches
    name, descending = _sort_rule(sorts[0])
    present = [r for r in matches if r["properties"].get(name) not in (None, "")]
    missing = [r for r in matches if r["properties"].get(name) in (None, "")]
    present.sort(key=lambda r: _sort_value(index, name, r["properties"][name]), reverse=descending)
    return present + missing


def batch_create(server: HubSpotServer, object_type: str, body: dict[str, Any], query) -> Response:
    started = iso_ms(_when_ms(None))
    inputs = server._check_batch(object_type, body.get("inputs"))
    multi_status = bool(inputs) and all(item.get("objectWriteTraceId") for item in inputs)
    emails = server._email_index(object_type)
    planned: list[tuple[dict[str, Any], dict[str, str]]] = []
    errors = []
    for item in inputs:
        trace = item.get("objectWriteTraceId")
        try:
            props = server._check_row(object_type, item.get("properties") or {})
            email = props.get("email")
            if email and email in emails:
                raise RowError(f"Contact already exists. Existing ID: {emails[email]}", "CONFLICT")
            if email:
                emails[email] = "(this batch)"
            planned.append((item, props))
        except RowError as exc:
            if not multi_status:
                status = 409 if exc.category == "CONFLICT" else 400
                raise HubSpotApiError(status, error_body(exc.message, exc.category)) from None
            errors.append(_row_error(exc, {"objectWriteTraceId": [str(trace)]}))
    now = _when_ms(None)
    results = []
    for item, props in planned:
        record = server._new_record(object_type, props, now)
        server._touch(object_type, record, now)
        server._stores[object_type][record["id"]] = record
        extra = (
            {"objectWriteTraceId": item["objectWriteTraceId"]}
            if item.get("objectWriteTraceId")
            else {}
        )
        results.append(server._public(record, **extra))
    return _batch_response(results, errors, started, 201)


def batch_upsert(server: HubSpotServer, object_type: str, body: dict[str, Any], query) -> Response:
    started = iso_ms(_when_ms(None))
    inputs = server._check_batch(object_type, body.get("inputs"))
    id_props = {item.get("idProperty") or "hs_object_id" for item in inputs}
    for id_prop in id_props:
        spec = server.index(object_type).get(id_prop)
        if spec is None or not (
            spec["hasUniqueValue"] or (object_type, id_prop) == ("contacts", "email")
        ):
            raise HubSpotApiError(
                400,
                error_body(
                    f"{id_prop} is not a unique identifier property of {object_type}",
                    "VALIDATION_ERROR",
                ),
            )
    keys = [
        str(item.get("id") or "").lower()
        if item.get("idProperty") == "email"
        else str(item.get("id") or "")
        for item in inputs
    ]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise HubSpotApiError(
            400, error_body(f"Duplicate IDs found in batch input: {duplicates}", "VALIDATION_ERROR")
        )
    now = _when_ms(None)
    results, errors = [], []
    for item in inputs:
        id_prop = item.get("idProperty") or "hs_object_id"
        key = str(item.get("id") or "")
        try:
            props = dict(item.get("properties") or {})
            if id_prop != "hs_object_id":
                props[id_prop] = key
            props = server._check_row(object_type, props)
            if not key:
                raise RowError(
                    _invalid_property_message(id_prop, f"{id_prop} is required", "REQUIRED")
                )
            record = server._find_by(object_type, id_prop, key)
            other_email = props.get("email") and server._find_by(
                object_type, "email", props["email"]
            )
            if other_email and other_email is not record:
                raise RowError(
                    f"Contact already exists. Existing ID: {other_email['id']}", "CONFLICT"
                )
            if record is None and id_prop == "hs_object_id":
                raise RowError(
                    f"Object not found. objectId are usually numeric. ({key})", "OBJECT_NOT_FOUND"
                )
        except RowError as exc:
            errors.append(_row_error(exc, {"ids": [key]}))
            continue
        new = record is None
        if new:
            record = server._new_record(object_type, props, now)
            server._stores[object_type][record["id"]] = record
        else:
            record["properties"].update(props)
        server._touch(object_type, record, now)
        extra: dict[str, Any] = {"new": new}
        if item.get("objectWriteTraceId"):
            extra["objectWriteTraceId"] = item["objectWriteTraceId"]
        results.append(
            server._public(
                record,
                [*props, "hs_object_id", "createdate", MODIFIED_PROPERTY[object_type]],
                **extra,
            )
        )
    return _batch_response(results, errors, started, 200)


def batch_update(server: HubSpotServer, object_type: str, body: dict[str, Any], query) -> Response:
    started = iso_ms(_when_ms(None))
    inputs = server._check_batch(object_type, body.get("inputs"))
    ids = [str(item.get("id") or "") for item in inputs]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise HubSpotApiError(
            400, error_body(f"Duplicate IDs found in batch input: {duplicates}", "VALIDATION_ERROR")
        )
    now = _when_ms(None)
    results, errors = [], []
    for item, record_id in zip(inputs, ids, strict=True):
        try:
            record = server._find_by(object_type, "hs_object_id", record_id)
            if record is None:
                raise RowError(
                    "Object not found.  objectId are usually numeric.", "OBJECT_NOT_FOUND"
                )
            props = server._check_row(object_type, item.get("properties") or {})
            if props.get("email"):
                other = server._find_by(object_type, "email", props["email"])
                if other is not None and other is not record:
                    raise RowError(
                        f"Contact already exists. Existing ID: {other['id']}", "CONFLICT"
                    )
        except RowError as exc:
            errors.append(_row_error(exc, {"ids": [record_id]}))
            continue
        record["properties"].update(props)
        server._touch(object_type, record, now)
        extra = (
            {"objectWriteTraceId": item["objectWriteTraceId"]}
            if item.get("objectWriteTraceId")
            else {}
        )
        results.append(server._public(record, **extra))
    return _batch_response(results, errors, started, 200)


def batch_archive(server: HubSpotServer, object_type: str, body: dict[str, Any], query) -> Response:
    inputs = server._check_batch(object_type, body.get("inputs"), need_properties=False)
    now = _when_ms(None)
    for item in inputs:
        record = server._stores[object_type].get(str(item.get("id")))
        if record is not None and not record["archived"]:  # unknown ids: ignored, like HubSpot
            record["archived"] = True
            record["archivedAt"] = iso_ms(now)
            server._touch(object_type, record, now)
    return Response(204)


def gdpr_delete(server: HubSpotServer, object_type: str, body: dict[str, Any], query) -> Response:
    """`POST /crm/v3/objects/contacts/gdpr-delete` {"objectId", "idProperty"?}: the contact
    and what is associated only with it (tasks) are removed for good, not archived; an
    email that matches no contact is blocklisted, as HubSpot does. 204 either way."""
    if object_type != "contacts":
        raise HubSpotApiError(404, error_body("Unknown object type", "OBJECT_NOT_FOUND"))
    object_id = str(body.get("objectId") or "")
    if not object_id:
        raise HubSpotApiError(400, error_body("objectId is required", "VALIDATION_ERROR"))
    by_email = (body.get("idProperty") or "") == "email"
    store = server._stores["contacts"]
    if by_email:
        record = next(
            (
                r
                for r in store.values()
                if (r["properties"].get("email") or "").lower() == object_id.lower()
            ),
            None,
        )
    else:
        record = store.get(object_id)
    if record is None:
        if by_email:
            server.gdpr_blocklist.add(object_id.lower())
        return Response(204)
    del store[record["id"]]
    server._email_ids = {e: i for e, i in server._email_ids.items() if i != record["id"]}
    tasks = server._stores["tasks"]
    for task_id, task in list(tasks.items()):
        linked = {str(a.get("to")) for a in task.get("associations", [])}
        if linked == {record["id"]}:
            del tasks[task_id]
    server._version += 1
    return Response(204)


def get_properties(
    server: HubSpotServer, object_type: str, body: dict[str, Any], query
) -> Response:
    return Response(
        200, {"results": json.loads(json.dumps(list(server.index(object_type).values())))}
    )


def create_property(
    server: HubSpotServer, object_type: str, body: dict[str, Any], query
) -> Response:
    """POST /crm/v3/properties/{type}: a custom property, checked the way HubSpot checks it."""
    _check_schema_scope(server, object_type)
    name, type_, field_type = body.get("name"), body.get("type"), body.get("fieldType")
    for key in ("name", "label", "type", "fieldType", "groupName"):
        if not body.get(key):
            raise HubSpotApiError(400, error_body(f"{key} is required", "VALIDATION_ERROR"))
    if not PROPERTY_NAME_RE.match(str(name)):
        raise HubSpotApiError(
            400,
            error_body(
                f"Property name {name!r} must be lower case letters, digits and underscores, "
                "starting with a letter",
                "VALIDATION_ERROR",
            ),
        )
    if type_ not in FIELD_TYPES or field_type not in FIELD_TYPES[type_]:
        raise HubSpotApiError(
            400,
            error_body(
                f"Invalid fieldType {field_type!r} for property type {type_!r}", "VALIDATION_ERROR"
            ),
        )
    if name in server.index(object_type):
        raise HubSpotApiError(
            409, error_body(f"Property named '{name}' already exists.", "OBJECT_ALREADY_EXISTS")
        )
    if body["groupName"] not in server._groups[object_type]:
        raise HubSpotApiError(
            400,
            error_body(
                f"Property group {body['groupName']!r} does not exist on {object_type}",
                "VALIDATION_ERROR",
            ),
        )
    definition = _prop(
        name,
        body["label"],
        type_,
        field_type,
        group=body["groupName"],
        options=body.get("options") or [],
        unique=bool(body.get("hasUniqueValue")),
        custom=True,
    )
    definition["description"] = body.get("description") or ""
    server._properties[object_type][name] = definition
    return Response(201, definition)


def get_groups(server: HubSpotServer, object_type: str, body: dict[str, Any], query) -> Response:
    return Response(200, {"results": list(server._groups[object_type].values())})


def create_group(server: HubSpotServer, object_type: str, body: dict[str, Any], query) -> Response:
    _check_schema_scope(server, object_type)
    name, label = body.get("name"), body.get("label")
    if not name or not label:
        raise HubSpotApiError(400, error_body("name and label are required", "VALIDATION_ERROR"))
    if name in server._groups[object_type]:
        raise HubSpotApiError(
            409,
            error_body(f"Property group named '{name}' already exists.", "OBJECT_ALREADY_EXISTS"),
        )
    group = {
        "name": name,
        "label": label,
        "displayOrder": int(body.get("displayOrder") or -1),
        "archived": False,
    }
    server._groups[object_type][name] = group
    return Response(201, group)


def _check_schema_scope(server: HubSpotServer, object_type: str) -> None:
    if server.schema_writes_allowed:
        return
    scope = f"crm.schemas.{object_type}.write"
    raise HubSpotApiError(
        403,
        error_body(
            "This app hasn't been granted all required scopes to make this call. Read more "
            "about required scopes here: https://developers.hubspot.com/scopes.",
            MISSING_SCOPES,
            errors=[
                {
                    "message": f"One of the following scopes is required: [{scope}]",
                    "context": {"requiredGranularScopes": [scope]},
                }
            ],
        ),
    )


RouteHandler = Callable[[HubSpotServer, str, dict[str, Any], dict[str, list[str]]], Response]
_OBJECTS = r"/crm/v3/objects/(?P<type>[a-z0-9_-]+)"
_PROPERTIES = r"/crm/v3/properties/(?P<type>[a-z0-9_-]+)"
ROUTES: list[tuple[str, re.Pattern[str], RouteHandler]] = [
    ("POST", re.compile(_OBJECTS + "/search"), search),
    ("POST", re.compile(_OBJECTS + "/batch/create"), batch_create),
    ("POST", re.compile(_OBJECTS + "/batch/upsert"), batch_upsert),
    ("POST", re.compile(_OBJECTS + "/batch/update"), batch_update),
    ("POST", re.compile(_OBJECTS + "/batch/archive"), batch_archive),
    ("POST", re.compile(_OBJECTS + "/gdpr-delete"), gdpr_delete),
    ("GET", re.compile(_PROPERTIES), get_properties),
    ("POST", re.compile(_PROPERTIES), create_property),
    ("GET", re.compile(_PROPERTIES + "/groups"), get_groups),
    ("POST", re.compile(_PROPERTIES + "/groups"), create_group),
]


# --- search helpers ---------------------------------------------------------------------

OPERATORS = {
    "EQ",
    "NEQ",
    "GT",
    "GTE",
    "LT",
    "LTE",
    "IN",
    "NOT_IN",
    "BETWEEN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
}


def _check_filter(index: Mapping[str, Any], object_type: str, flt: Mapping[str, Any]) -> None:
    name, operator = flt.get("propertyName"), flt.get("operator")
    if name not in index:
        raise HubSpotApiError(
            400,
            error_body(f"Property {name!r} does not exist on {object_type}", "VALIDATION_ERROR"),
        )
    if operator not in OPERATORS:
        raise HubSpotApiError(
            400, error_body(f"Unsupported filter operator {operator!r}", "VALIDATION_ERROR")
        )


def _sort_rule(rule: Any) -> tuple[str, bool]:
    """A sort rule is `"name"` / `"-name"` or `{"propertyName", "direction"}`."""
    if isinstance(rule, str):
        return rule.lstrip("-"), rule.startswith("-")
    return rule["propertyName"], str(rule.get("direction", "ASCENDING")).upper() == "DESCENDING"


def _sort_value(index: Mapping[str, dict[str, Any]], name: str, value: str) -> Any:
    kind = index[name]["type"]
    if kind in ("date", "datetime"):
        return to_ms(value)
    if kind == "number":
        return float(value)
    return value.lower()


def _comparable(index: Mapping[str, dict[str, Any]], name: str, value: str) -> Any:
    try:
        return _sort_value(index, name, value)
    except ValueError:
        return value.lower()


def _compile_group(index: Mapping[str, Any], group: Mapping[str, Any]) -> Callable[[dict], bool]:
    """A filter group (filters ANDed) -> a predicate on a stored record."""
    tests = [_compile_filter(index, f) for f in group.get("filters") or []]
    return lambda record: all(test(record["properties"]) for test in tests)


def _compile_filter(index: Mapping[str, Any], flt: Mapping[str, Any]) -> Callable[[dict], bool]:
    name, operator = flt["propertyName"], flt["operator"]

    def value_of(props: dict[str, Any]) -> Any:
        raw = props.get(name)
        return None if raw in (None, "") else _comparable(index, name, raw)

    if operator in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        wanted_presence = operator == "HAS_PROPERTY"
        return lambda props: (props.get(name) not in (None, "")) == wanted_presence
    if operator in ("IN", "NOT_IN"):
        wanted = {_comparable(index, name, str(v)) for v in flt.get("values") or []}
        inside = operator == "IN"
        return lambda props: (value_of(props) in wanted) == inside
    target = _comparable(index, name, str(flt.get("value")))
    if operator == "BETWEEN":
        high = _comparable(index, name, str(flt.get("highValue")))
        return lambda props: (v := value_of(props)) is not None and target <= v <= high
    if operator == "NEQ":
        return lambda props: value_of(props) != target
    compare = {
        "EQ": operator_module.eq,
        "GT": operator_module.gt,
        "GTE": operator_module.ge,
        "LT": operator_module.lt,
        "LTE": operator_module.le,
    }[operator]
    return lambda props: (v := value_of(props)) is not None and compare(v, target)


def _matches_query(object_type: str, record: dict[str, Any], text: str) -> bool:
    return any(
        text in (record["properties"].get(name) or "").lower()
        for name in SEARCHABLE_BY_QUERY[object_type]
    )


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def hubspot_server() -> Iterator[HubSpotServer]:
    server = HubSpotServer()
    yield server
    server.close()


@pytest.fixture
def hubspot(hubspot_server: HubSpotServer) -> Iterator[HubSpotServer]:
    """The session's HubSpot, emptied: no records, no faults, empty request log."""
    hubspot_server.reset(token=DEFAULT_TOKEN)
    yield hubspot_server
    hubspot_server.reset(token=DEFAULT_TOKEN)


@pytest.fixture
def hubspot_bizdev_fields(hubspot: HubSpotServer) -> HubSpotServer:
    """The session's HubSpot where an admin has created bizdev's custom properties by hand
    (what `bizdev crm setup` creates)."""
    hubspot.add_property("contacts", "bizdev_contact_id", group="bizdev", unique=True)
    hubspot.add_property("contacts", "bizdev_quality_score", "number", "number", group="bizdev")
    hubspot.add_property("companies", "bizdev_company_id", group="bizdev", unique=True)
    hubspot.add_property("tasks", "bizdev_task_id", group="bizdev")
    return hubspot


# --- tasks (issue 13: outreach creates tasks associated to contacts) -------------------
#
#     POST /crm/v3/objects/tasks          create one task with `associations` (201)
#     POST /crm/v3/objects/tasks/search   the search route above
#
# Task properties as HubSpot defines them (hs_task_*, hs_timestamp). The custom
# `bizdev_task_id` outreach finds its tasks by is not in a fresh account: an admin
# creates it (`hubspot_bizdev_fields`), as docs/outreach.md says. Associations are kept on the record
# (`record["associations"]`: [{"to": contact id, "types": [...]}]); an association to a
# contact that does not exist fails the create, as HubSpot does.


def _task_properties() -> list[dict[str, Any]]:
    group = "task"
    return [
        _prop("hs_task_subject", "Task Title", group=group),
        _prop("hs_task_body", "Notes", "string", "textarea", group=group),
        _prop("hs_timestamp", "Due date", "datetime", "date", group=group),
        _prop("hs_task_status", "Task Status", "enumeration", "select", group=group,
              options=_options(("NOT_STARTED", "Not started"), ("COMPLETED", "Completed"))),
        _prop("hs_task_type", "Task Type", "enumeration", "select", group=group,
              options=_options(("TODO", "To-do"), ("CALL", "Call"), ("EMAIL", "Email"))),
        _prop("hubspot_owner_id", "Assigned to", "enumeration", "select", group=group,
              external_options=True),
        _prop("hs_object_id", "Record ID", "number", "number", group=group, read_only=True),
        _prop("createdate", "Create Date", "datetime", "date", group=group, read_only=True),
        _prop("hs_lastmodifieddate", "Last Modified Date", "datetime", "date", group=group,
              read_only=True),
    ]  # fmt: skip


STANDARD_PROPERTIES["tasks"] = _task_properties()
STANDARD_GROUPS["tasks"] = [("task", "Task information")]
MODIFIED_PROPERTY["tasks"] = "hs_lastmodifieddate"
DEFAULT_SEARCH_PROPERTIES["tasks"] = ("hs_task_subject",)
SEARCHABLE_BY_QUERY["tasks"] = ("hs_task_subject", "hs_task_body")


def create_task(server: HubSpotServer, object_type: str, body: dict[str, Any], query) -> Response:
    server._check_batch(object_type, [body])
    try:
        props = server._check_row(object_type, body.get("properties") or {})
    except RowError as exc:
        raise HubSpotApiError(400, error_body(str(exc), "VALIDATION_ERROR")) from None
    associations = []
    for association in body.get("associations") or []:
        contact_id = str((association.get("to") or {}).get("id"))
        if contact_id not in server._stores["contacts"]:
            raise HubSpotApiError(
                400, error_body(f"No contact with id {contact_id} to associate", "VALIDATION_ERROR")
            )
        associations.append({"to": contact_id, "types": association.get("types") or []})
    now = _when_ms(None)
    record = server._new_record(object_type, props, now)
    record["associations"] = associations
    server._touch(object_type, record, now)
    server._stores[object_type][record["id"]] = record
    return Response(201, server._public(record))


ROUTES.append(("POST", re.compile(r"/crm/v3/objects/(?P<type>tasks)"), create_task))
