"""A local Salesforce for the test session: HTTPS, stateful, speaking Salesforce's wire format.

It answers the routes simple-salesforce uses, the way Salesforce answers them:

- SOAP login `POST /services/Soap/u/{version}` (success envelope with `sessionId` and a
  `serverUrl` pointing back here; a wrong password gives the `INVALID_LOGIN` SOAP fault,
  HTTP 500, as Salesforce does).
- `GET /services/data/vXX.X/query` and `/queryAll` with a restricted SOQL (`SELECT fields
  FROM Object [WHERE cond [AND cond]...] [ORDER BY field [ASC|DESC]] [LIMIT n]`), pages of
  2,000 with `nextRecordsUrl` query locators.
- `GET /services/data/vXX.X/sobjects/{Object}/describe`.
- sObject Collections: `POST composite/sobjects` (create), `PATCH composite/sobjects`
  (update), `PATCH composite/sobjects/{Object}/{ExternalIdField}` (upsert), `DELETE
  composite/sobjects?ids=` (delete), with Salesforce's per-row errors.
- SOAP `emptyRecycleBin` on the same SOAP endpoint (`SessionHeader` session id; per-id
  results): purges deleted records for good, as a GDPR erasure needs.
- Tooling API: `POST tooling/sobjects/CustomField` (`FullName` `Contact.Name__c` and
  `Metadata`: type Text/Number/Checkbox/Date/DateTime/Email/Phone/Url/TextArea, label,
  length or precision/scale, externalId, unique) and `GET tooling/query` on `CustomField`
  (FullName and Metadata only for a single row, as Salesforce restricts them).

Each `reset` gives a fresh org: the standard fields only (no `Bizdev_Id__c`, no
`Bizdev_Quality_Score__c`) until a test creates them, through the Tooling API
(`bizdev crm setup`) or `add_field` (an admin in Setup). A field that does not exist is
refused as Salesforce refuses it: `INVALID_FIELD` in SOQL and writes (the whole request),
`NOT_FOUND` for an upsert on an unknown external id. Assumptions where this server is
simpler than Salesforce: a field created through the Tooling API is visible to the
integration user at once (in a real org it needs field-level security for the user's
profile or a permission set; `add_field(..., visible=False)` / `grant_field` model a field
the user cannot see), and `deny_customize` stands for a user without "Customize
Application" (the Tooling write answers `INSUFFICIENT_ACCESS_OR_READONLY`).

Every REST call needs `Authorization: Bearer <session>`; every response carries
`Sforce-Limit-Info: api-usage=N/15000`.

Test controls are plain methods on `SalesforceServer`: `seed`, `seed_many`, `edit`,
`delete`, `records`, `get`, `find`, `add_field`, `grant_field`, `deny_customize`,
`custom_fields`, `inject`, `count`, `expire_sessions`, `new_session`,
`credentials`, `env`, `reset`, plus the `requests` log. The HTTP(S) plumbing (threaded
server, request log, faults) is shared with the HubSpot server: `http_base.py`.
"""

from __future__ import annotations

import json
import re
import secrets
import ssl
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import trustme

from tests.servers.http_base import FakeHttpServer, Fault, Response
from tests.servers.http_base import Request as BaseRequest

PAGE_SIZE = 2000
COLLECTION_LIMIT = 200
DAILY_API_LIMIT = 15000

# ---------------------------------------------------------------------------------------
# Schema: the fields describe reports and writes are validated against
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str  # Salesforce describe type: id, string, email, phone, url, picklist, ...
    length: int = 0
    required: bool = False  # nillable=False and must be given on create
    createable: bool = True
    updateable: bool = True
    external_id: bool = False
    unique: bool = False
    picklist: tuple[str, ...] = ()
    inactive_picklist: tuple[str, ...] = ()
    restricted: bool = False
    precision: int = 0
    scale: int = 0
    digits: int = 0
    reference_to: tuple[str, ...] = ()

    @property
    def custom(self) -> bool:
        return self.name.endswith("__c")

    def describe(self) -> dict[str, Any]:
        soap = {
            "id": "tns:ID",
            "reference": "tns:ID",
            "boolean": "xsd:boolean",
            "double": "xsd:double",
            "int": "xsd:int",
            "datetime": "xsd:dateTime",
            "date": "xsd:date",
        }.get(self.type, "xsd:string")
        picklist = [
            {"active": True, "defaultValue": False, "label": v, "validFor": None, "value": v}
            for v in self.picklist
        ] + [
            {"active": False, "defaultValue": False, "label": v, "validFor": None, "value": v}
            for v in self.inactive_picklist
        ]
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "length": self.length,
            "byteLength": self.length * 3,
            "precision": self.precision,
            "scale": self.scale,
            "digits": self.digits,
            "soapType": soap,
            "nillable": not self.required and self.type != "boolean" and self.updateable,
            "createable": self.createable,
            "updateable": self.updateable,
            "defaultedOnCreate": self.type == "boolean" or not self.createable,
            "custom": self.custom,
            "externalId": self.external_id,
            "unique": self.unique,
            "idLookup": self.type == "id" or self.external_id or self.type == "email",
            "calculated": False,
            "filterable": True,
            "sortable": True,
            "picklistValues": picklist,
            "restrictedPicklist": self.restricted,
            "referenceTo": list(self.reference_to),
            "relationshipName": self.name[:-2] if self.type == "reference" else None,
        }


def _system_fields(label: str) -> list[Field]:
    return [
        Field("Id", f"{label} ID", "id", 18, createable=False, updateable=False),
        Field("IsDeleted", "Deleted", "boolean", createable=False, updateable=False),
        Field("CreatedDate", "Created Date", "datetime", createable=False, updateable=False),
        Field(
            "LastModifiedDate", "Last Modified Date", "datetime", createable=False, updateable=False
        ),
        Field("SystemModstamp", "System Modstamp", "datetime", createable=False, updateable=False),
    ]


LEAD_SOURCES = ("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other")
INDUSTRIES = (
    "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications",
    "Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering",
    "Entertainment", "Environmental", "Finance", "Food & Beverage", "Government", "Healthcare",
    "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media", "Not For Profit",
    "Recreation", "Retail", "Shipping", "Technology", "Telecommunications", "Transportation",
    "Utilities", "Other",
)  # fmt: skip

Schema = dict[str, dict[str, Field]]
# What a new org has: the standard fields, no custom field until a test creates one.
STANDARD_SCHEMA: Schema = {
    "Contact": {
        f.name: f
        for f in _system_fields("Contact")
        + [
            Field("AccountId", "Account ID", "reference", 18, reference_to=("Account",)),
            Field("FirstName", "First Name", "string", 40),
            Field("LastName", "Last Name", "string", 80, required=True),
            Field("Email", "Email", "email", 80),
            Field("Phone", "Business Phone", "phone", 40),
            Field("MobilePhone", "Mobile Phone", "phone", 40),
            Field("Title", "Title", "string", 128),
            Field("Department", "Department", "string", 80),
            Field("MailingCity", "Mailing City", "string", 40),
            Field("MailingCountry", "Mailing Country", "string", 80),
            Field(
                "LeadSource",
                "Lead Source",
                "picklist",
                255,
                picklist=LEAD_SOURCES,
                inactive_picklist=("Trade Show",),
                restricted=True,
            ),
            Field("HasOptedOutOfEmail", "Email Opt Out", "boolean"),
        ]
    },
    "Account": {
        f.name: f
        for f in _system_fields("Account")
        + [
            Field("Name", "Account Name", "string", 255, required=True),
            Field("Website", "Website", "url", 255),
            Field("Phone", "Account Phone", "phone", 40),
            Field("BillingCity", "Billing City", "string", 40),
            Field("BillingCountry", "Billing Country", "string", 80),
            Field("Industry", "Industry", "picklist", 255, picklist=INDUSTRIES, restricted=True),
            Field("NumberOfEmployees", "Employees", "int", digits=8),
        ]
    },
}
KEY_PREFIX = {"Contact": "003", "Account": "001"}
LABELS = {"Contact": ("Contact", "Contacts"), "Account": ("Account", "Accounts")}
STRING_TYPES = {"string", "email", "phone", "url", "textarea", "picklist", "reference", "id"}
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")

# ---------------------------------------------------------------------------------------
# Small helpers: ids, timestamps, errors
# ---------------------------------------------------------------------------------------

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def salesforce_id(prefix: str, number: int) -> str:
    """An 18-character Salesforce id: 15 case-sensitive characters + 3-character checksum."""
    digits = ""
    for _ in range(7):
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    id15 = f"{prefix}5g000{digits}"  # key prefix, pod and padding, then a base-62 counter
    suffix = ""
    for chunk in range(3):
        bits = sum(1 << i for i, c in enumerate(id15[chunk * 5 : chunk * 5 + 5]) if c.isupper())
        suffix += _SUFFIX[bits]
    return id15 + suffix


def sf_datetime(value: datetime) -> str:
    """Salesforce's JSON dateTime format: 2026-11-28T06:52:07.000+0000."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


def _now() -> datetime:
    return _utc(datetime.now(UTC))


def _utc(value: datetime) -> datetime:
    """Aware UTC with Salesforce's millisecond precision (naive values are taken as UTC)."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _error(code: str, message: str, fields: Iterable[str] = ()) -> dict[str, Any]:
    return {"statusCode": code, "message": message, "fields": list(fields)}


class ApiError(Exception):
    """A whole-request failure: Salesforce's `[{"message", "errorCode"}]` body."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


DEFAULT_FAULT_BODIES = {
    401: [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}],
    403: [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
    500: [
        {
            "message": "An unexpected error occurred. Please include this ErrorId if you "
            "contact support: 1183224977-31473 (-1571342315)",
            "errorCode": "UNKNOWN_EXCEPTION",
        }
    ],
    502: [{"message": "Bad Gateway", "errorCode": "SERVER_UNAVAILABLE"}],
    503: [
        {
            "message": "Server temporarily unavailable. Please try again later.",
            "errorCode": "SERVER_UNAVAILABLE",
        }
    ],
}

# ---------------------------------------------------------------------------------------
# SOAP login envelopes
# ---------------------------------------------------------------------------------------

LOGIN_RESPONSE = """<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope \
xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result>\
<metadataServerUrl>{url}/services/Soap/m/{version}/00D5g000004ZbXq</metadataServerUrl>\
<passwordExpired>false</passwordExpired><sandbox>true</sandbox>\
<serverUrl>{url}/services/Soap/u/{version}/00D5g000004ZbXq</serverUrl>\
<sessionId>{session}</sessionId><userId>0055g00000BizDvAAJ</userId><userInfo>\
<organizationId>00D5g000004ZbXqEAK</organizationId><organizationName>Bizdev Test Org\
</organizationName><userEmail>{username}</userEmail><userName>{username}</userName>\
</userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"""

LOGIN_FAULT = """<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope \
xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
xmlns:sf="urn:fault.partner.soap.sforce.com" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>\
<faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, \
password, security token; or user locked out.</faultstring><detail>\
<sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>\
<sf:exceptionMessage>Invalid username, password, security token; or user locked out.\
</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault></soapenv:Body>\
</soapenv:Envelope>"""

# ---------------------------------------------------------------------------------------
# Restricted SOQL
# ---------------------------------------------------------------------------------------

_SOQL_RE = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<object>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?"
    r"(?:\s+ORDER\s+BY\s+(?P<order>\w+)(?:\s+(?P<dir>ASC|DESC))?)?"
    r"(?:\s+LIMIT\s+(?P<limit>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_COND_RE = re.compile(
    r"\s*(?P<field>\w+)\s*(?P<op>!=|<=|>=|=|<|>|\bNOT\s+IN\b|\bIN\b|\bLIKE\b)\s*"
    r"(?P<value>'(?:[^'\\]|\\.)*'|\((?:[^)'\\]|'(?:[^'\\]|\\.)*')*\)|[^\s()]+)",
    re.IGNORECASE,
)
_AND_RE = re.compile(r"\s+AND\s+", re.IGNORECASE)
_STRING_RE = re.compile(r"'((?:[^'\\]|\\.)*)'")


@dataclass(frozen=True)
class Query:
    object: str
    fields: list[str]
    conditions: list[tuple[str, str, Any]]
    order: str | None
    descending: bool
    limit: int | None


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _literal(raw: str, spec: Field) -> Any:
    """A SOQL literal, typed by the field it is compared with (as Salesforce checks it)."""
    if raw.lower() == "null":
        return None
    if spec.type == "datetime":
        if raw.startswith("'"):
            raise ApiError(
                400,
                "INVALID_FIELD",
                f"value of filter criterion for field '{spec.name}' must be of type dateTime "
                "and should not be enclosed in quotes",
            )
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise ApiError(
                400, "MALFORMED_QUERY", f"line 1:0 no viable alternative at character '{raw}'"
            ) from None
    if spec.type == "boolean":
        return raw.lower() == "true"
    if spec.type in ("double", "int"):
        return float(raw)
    if not raw.startswith("'"):
        raise ApiError(
            400,
            "INVALID_FIELD",
            f"value of filter criterion for field '{spec.name}' must be of type string "
            "and should be enclosed in quotes",
        )
    return _unquote(raw[1:-1])


def parse_soql(soql: str, schemas: Schema) -> Query:
    match = _SOQL_RE.match(soql)
    if not match:
        raise ApiError(400, "MALFORMED_QUERY", f"unexpected token in query: {soql[:80]}")
    sobject = _object_name(match["object"], schemas)
    schema = schemas[sobject]
    fields = [_field_name(schemas, sobject, f.strip()) for f in match["fields"].split(",")]
    conditions: list[tuple[str, str, Any]] = []
    where = match["where"] or ""
    pos = 0
    while pos < len(where):
        cond = _COND_RE.match(where, pos)
        if not cond:
            raise ApiError(400, "MALFORMED_QUERY", f"unexpected token: '{where[pos:].split()[0]}'")
        name = _field_name(schemas, sobject, cond["field"])
        op = " ".join(cond["op"].upper().split())
        raw = cond["value"]
        if op in ("IN", "NOT IN"):
            value: Any = [
                _literal(f"'{s}'", schema[name]) for s in _STRING_RE.findall(raw.strip("()"))
            ]
        else:
            value = _literal(raw, schema[name])
        conditions.append((name, op, value))
        pos = cond.end()
        joiner = _AND_RE.match(where, pos)
        if joiner:
            pos = joiner.end()
        elif where[pos:].strip():
            raise ApiError(400, "MALFORMED_QUERY", f"unexpected token: '{where[pos:].split()[0]}'")
        else:
            break
    order = _field_name(schemas, sobject, match["order"]) if match["order"] else None
    return Query(
        object=sobject,
        fields=fields,
        conditions=conditions,
        order=order,
        descending=(match["dir"] or "").upper() == "DESC",
        limit=int(match["limit"]) if match["limit"] else None,
    )


def _object_name(name: str, schemas: Schema) -> str:
    for known in schemas:
        if known.lower() == name.lower():
            return known
    raise ApiError(
        400,
        "INVALID_TYPE",
        f"sObject type '{name}' is not supported. If you are attempting to use a custom object, "
        "be sure to append the '__c' after the entity name. Please reference your WSDL or the "
        "describe call for the appropriate names.",
    )


def _field_name(schemas: Schema, sobject: str, name: str, *, writing: bool = False) -> str:
    for known in schemas[sobject]:
        if known.lower() == name.lower():
            return known
    if writing:
        raise ApiError(
            400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {sobject}"
        )
    raise ApiError(
        400,
        "INVALID_FIELD",
        f"No such column '{name}' on entity '{sobject}'. If you are attempting to use a custom "
        "field, be sure to append the '__c' after the custom field name. Please reference your "
        "WSDL or the describe call for the appropriate names.",
    )


def _matches(record: dict[str, Any], conditions: list[tuple[str, str, Any]]) -> bool:
    for name, op, want in conditions:
        have = record.get(name)
        if isinstance(have, str):
            have = have.lower()  # SOQL string comparison is case-insensitive
            want = [w.lower() for w in want] if isinstance(want, list) else want
            want = want.lower() if isinstance(want, str) else want
        if op == "=":
            ok = have == want
        elif op == "!=":
            ok = have != want
        elif op == "IN":
            ok = have in want
        elif op == "NOT IN":
            ok = have not in want
        elif op == "LIKE":
            pattern = re.escape(want).replace("%", ".*").replace("_", ".")
            ok = have is not None and re.fullmatch(pattern, have, re.DOTALL) is not None
        elif have is None or want is None:
            ok = False
        else:
            ok = {"<": have < want, ">": have > want, "<=": have <= want, ">=": have >= want}[op]
        if not ok:
            return False
    return True


# ---------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------


class Request(BaseRequest):
    """A request as the routes read it: JSON body, API version."""

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError as exc:
            raise ApiError(400, "JSON_PARSER_ERROR", f"Unexpected character: {exc}") from None

    def version(self) -> str:
        match = re.match(r"/services/(?:data/v|Soap/u/)([\d.]+)", self.path)
        return match[1] if match else "59.0"


@dataclass
class _State:
    records: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {name: {} for name in STANDARD_SCHEMA}
    )
    schema: Schema = field(default_factory=lambda: {k: dict(v) for k, v in STANDARD_SCHEMA.items()})
    # Custom fields that exist but the integration user cannot see (no field-level
    # security): absent from describe, INVALID_FIELD in SOQL and writes.
    hidden: Schema = field(default_factory=lambda: {name: {} for name in STANDARD_SCHEMA})
    custom_fields: list[dict[str, Any]] = field(default_factory=list)  # Tooling CustomField rows
    can_customize: bool = True  # False: the user lacks "Customize Application"
    sessions: set[str] = field(default_factory=set)
    cursors: dict[str, tuple[str, list[dict[str, Any]]]] = field(default_factory=dict)
    api_usage: int = 0
    next_id: int = 1


class SalesforceServer(FakeHttpServer):
    """A stateful HTTPS Salesforce on 127.0.0.1. See the module docstring for the routes."""

    username = "integration@bizdev.example.com"
    password = "Tr0ub4dor&3"
    security_token = "XkQ2bizdevTOKEN9"
    hang_seconds = 2.0  # how long an injected "timeout" keeps the client waiting
    request_type = Request

    def __init__(self) -> None:
        self._state = _State()
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        self._tmp = tempfile.TemporaryDirectory(prefix="salesforce-ca-")
        self.ca_path = str(Path(self._tmp.name) / "ca.pem")
        ca.cert_pem.write_to_path(self.ca_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        super().__init__(tls=context)

    # ---- lifecycle -------------------------------------------------------------------

    def close(self) -> None:
        super().close()
        self._tmp.cleanup()

    def reset(self) -> None:
        """Forget all records, sessions, cursors, faults and the request log."""
        self.reset_plumbing()
        with self._lock:
            self._state = _State()

    # ---- credentials -----------------------------------------------------------------

    def credentials(self) -> dict[str, str]:
        """The username / password / security token the SOAP login accepts, plus the
        full-URL `domain` to log in through."""
        return {
            "username": self.username,
            "password": self.password,
            "security_token": self.security_token,
            "domain": self.url,
        }

    def env(self) -> dict[str, str]:
        """The SALESFORCE_* settings an operator would set for this server."""
        return {
            "SALESFORCE_USERNAME": self.username,
            "SALESFORCE_PASSWORD": self.password,
            "SALESFORCE_SECURITY_TOKEN": self.security_token,
            "SALESFORCE_DOMAIN": self.url,
            "SALESFORCE_CA_BUNDLE": self.ca_path,
        }

    def new_session(self) -> str:
        """A valid session id (what an OAuth flow would hand out as an access token)."""
        session = f"00D5g000004ZbXq!AQ{secrets.token_urlsafe(48)}"
        with self._lock:
            self._state.sessions.add(session)
        return session

    def expire_sessions(self) -> None:
        """Every session id stops working (401 INVALID_SESSION_ID), as after a timeout."""
        with self._lock:
            self._state.sessions.clear()

    # ---- data controls ---------------------------------------------------------------

    def seed(self, sobject: str, fields: dict[str, Any], *, at: datetime | None = None) -> str:
        """Insert one record directly (no validation beyond field names); returns its Id."""
        return self.seed_many(sobject, [fields], at=at)[0]

    def seed_many(
        self, sobject: str, rows: Iterable[dict[str, Any]], *, at: datetime | None = None
    ) -> list[str]:
        with self._lock:
            return [self._insert(sobject, dict(row), _utc(at) if at else _now()) for row in rows]

    def edit(self, sobject: str, record_id: str, *, at: datetime | None = None, **fields: Any):
        """A rep's edit in the Salesforce UI: sets fields and bumps SystemModstamp."""
        with self._lock:
            record = self._state.records[sobject][record_id]
            for name, value in fields.items():
                record[_field_name(self._state.schema, sobject, name)] = value
            self._touch(record, _utc(at) if at else _now())

    def delete(self, sobject: str, record_id: str, *, at: datetime | None = None) -> None:
        """Soft delete (to the recycle bin): hidden from /query, IsDeleted=true in /queryAll."""
        with self._lock:
            record = self._state.records[sobject][record_id]
            record["IsDeleted"] = True
            self._touch(record, _utc(at) if at else _now())

    def records(self, sobject: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Copies of the stored records (datetimes as Salesforce renders them), oldest first."""
        with self._lock:
            rows = sorted(
                self._state.records[sobject].values(), key=lambda r: (r["SystemModstamp"], r["Id"])
            )
            return [
                self._render(sobject, r, list(r))
                for r in rows
                if include_deleted or not r["IsDeleted"]
            ]

    def get(self, sobject: str, record_id: str) -> dict[str, Any]:
        with self._lock:
            record = self._state.records[sobject][record_id]
            return self._render(sobject, record, list(record))

    def find(self, sobject: str, **where: Any) -> list[dict[str, Any]]:
        """Live records whose fields equal the given values."""
        return [r for r in self.records(sobject) if all(r.get(k) == v for k, v in where.items())]

    # ---- schema controls -------------------------------------------------------------

    def add_field(self, sobject: str, spec: Field, *, visible: bool = True) -> None:
        """An admin created a custom field in Setup (no HTTP). `visible=False`: without
        field-level security for the integration user, who then cannot see or write it."""
        with self._lock:
            self._add_custom_field(sobject, spec, visible=visible)

    def grant_field(self, sobject: str, name: str) -> None:
        """Field-level security granted: a hidden field becomes visible to the user."""
        with self._lock:
            self._state.schema[sobject][name] = self._state.hidden[sobject].pop(name)

    def deny_customize(self) -> None:
        """The integration user lacks "Customize Application": Tooling writes are refused."""
        with self._lock:
            self._state.can_customize = False

    def custom_fields(self) -> list[dict[str, Any]]:
        """The Tooling API's CustomField rows (what Setup lists)."""
        with self._lock:
            return [dict(row) for row in self._state.custom_fields]

    def _add_custom_field(self, sobject: str, spec: Field, *, visible: bool = True) -> str:
        field_id = salesforce_id("00N", len(self._state.custom_fields) + 1)
        (self._state.schema if visible else self._state.hidden)[sobject][spec.name] = spec
        self._state.custom_fields.append(
            {
                "Id": field_id,
                "DeveloperName": spec.name.removesuffix("__c"),
                "TableEnumOrId": sobject,
                "NamespacePrefix": None,
                "FullName": f"{sobject}.{spec.name}",
                "Metadata": _metadata_of(spec),
            }
        )
        return field_id

    # ---- faults ----------------------------------------------------------------------

    def inject(
        self, route: str, status: int | str, body: Any = None, times: int = 1, after: int = 0
    ) -> None:
        """The next `times` requests whose "METHOD /path?query" contains `route` (after
        letting `after` of them through: a fault in the middle of a run) get `status`
        (403 → REQUEST_LIMIT_EXCEEDED, 500 → UNKNOWN_EXCEPTION, 401 → INVALID_SESSION_ID by
        default) instead of being served. `status="timeout"` makes the server not answer for
        `hang_seconds` and then drop the connection (the request is not applied)."""
        if body is None and isinstance(status, int):
            body = DEFAULT_FAULT_BODIES.get(status, [{"message": "error", "errorCode": "ERROR"}])
        self.add_fault(Fault(route, status, body, times, after, delay=self.hang_seconds))

    def count(self, method: str | None = None, path: str = "") -> int:
        """How many logged requests match the method and contain the path substring."""
        return len(self.logged(method, path))

    @property
    def api_usage(self) -> int:
        return self._state.api_usage

    # ---- request handling ------------------------------------------------------------

    def respond(self, request: Request) -> Response | None:
        """One request -> one response (None: hang up without answering)."""
        response = self._respond(request)
        if response is not None:
            response.headers["Sforce-Limit-Info"] = f"api-usage={self.api_usage}/{DAILY_API_LIMIT}"
        return response

    def _respond(self, request: Request) -> Response | None:
        with self._lock:
            if request.path.startswith("/services/data/"):
                self._state.api_usage += 1
        fault = self.take_fault(f"{request.method} {request.target}")
        if fault is not None:
            if fault.status == "timeout":
                self.hang(fault)
                return None  # the connection drops; the request is not applied
            return Response(int(fault.status), fault.body)
        try:
            with self._lock:
                if request.path.startswith("/services/data/"):
                    self._authorize(request.headers)
                for route_method, pattern, func in ROUTES:
                    match = pattern.fullmatch(request.path)
                    if match and route_method == request.method:
                        return func(self, request, **match.groupdict())
        except ApiError as exc:
            return Response(exc.status, [{"message": exc.message, "errorCode": exc.code}])
        return Response(
            404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
        )

    def _authorize(self, headers: Any) -> None:
        auth = headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme not in ("Bearer", "OAuth") or token not in self._state.sessions:
            raise ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")

    # ---- storage ---------------------------------------------------------------------

    def _insert(self, sobject: str, fields: dict[str, Any], at: datetime) -> str:
        record_id = salesforce_id(KEY_PREFIX[sobject], self._state.next_id)
        self._state.next_id += 1
        schema = self._state.schema
        record: dict[str, Any] = dict.fromkeys(schema[sobject])
        for name, value in fields.items():
            record[_field_name(schema, sobject, name)] = value
        record.update(Id=record_id, IsDeleted=False, CreatedDate=at)
        for spec in schema[sobject].values():
            if spec.type == "boolean" and record[spec.name] is None:
                record[spec.name] = False
        self._touch(record, at)
        self._state.records[sobject][record_id] = record
        return record_id

    def _touch(self, record: dict[str, Any], at: datetime) -> None:
        """Every change of a record goes through here."""
        record["LastModifiedDate"] = at
        record["SystemModstamp"] = at
        self._writes = getattr(self, "_writes", 0) + 1

    def _render(self, sobject: str, record: dict[str, Any], fields: list[str], version="59.0"):
        out: dict[str, Any] = {
            "attributes": {
                "type": sobject,
                "url": f"/services/data/v{version}/sobjects/{sobject}/{record['Id']}",
            }
        }
        for name in fields:
            value = record.get(name)
            out[name] = sf_datetime(value) if isinstance(value, datetime) else value
        return out

    def _unique_index(self, sobject: str, name: str) -> dict[str, str]:
        """value -> Id of a unique field's live records; rebuilt only after a write, so a
        batch's rows (validated before any is applied) share one index."""
        key = (sobject, name, id(self._state), getattr(self, "_writes", 0))
        cached = getattr(self, "_index_cache", {})
        if key not in cached:
            cached = {
                key: {
                    str(r[name]).lower(): r["Id"]
                    for r in self._state.records[sobject].values()
                    if not r["IsDeleted"] and r.get(name) is not None
                }
            } | {k: v for k, v in cached.items() if k[3] == key[3] and k[2] == key[2]}
            self._index_cache = cached
        return cached[key]


# ---------------------------------------------------------------------------------------
# Routes: one function each
# ---------------------------------------------------------------------------------------


def soap_login(server: SalesforceServer, request: Request, version: str) -> Response:
    try:
        root = ET.fromstring(request.body)
    except ET.ParseError:
        return Response(500, LOGIN_FAULT, content_type="text/xml;charset=UTF-8")
    if any(el.tag.rsplit("}", 1)[-1] == "emptyRecycleBin" for el in root.iter()):
        return empty_recycle_bin(server, root)
    values = {el.tag.rsplit("}", 1)[-1]: (el.text or "") for el in root.iter()}
    expected = server.password + server.security_token
    if values.get("username") != server.username or values.get("password") != expected:
        return Response(500, LOGIN_FAULT, content_type="text/xml;charset=UTF-8")
    session = server.new_session()
    body = LOGIN_RESPONSE.format(
        url=server.url, version=version, session=session, username=server.username
    )
    return Response(200, body, content_type="text/xml;charset=UTF-8")


EMPTY_RECYCLE_BIN_RESPONSE = """<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope \
xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com">\
<soapenv:Body><emptyRecycleBinResponse>{results}</emptyRecycleBinResponse></soapenv:Body>\
</soapenv:Envelope>"""
SOAP_SESSION_FAULT = """<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope \
xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault>\
<faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session \
ID found in SessionHeader: Illegal Session</faultstring></soapenv:Fault></soapenv:Body>\
</soapenv:Envelope>"""


def empty_recycle_bin(server: SalesforceServer, root: ET.Element) -> Response:
    """SOAP `emptyRecycleBin(ids)` (partner API): records in the recycle bin (deleted,
    IsDeleted=true) are purged for good, gone from /queryAll too; an id not in the bin
    fails with INVALID_ID_FIELD, per id, as Salesforce answers."""
    values = {el.tag.rsplit("}", 1)[-1]: (el.text or "") for el in root.iter()}
    if values.get("sessionId") not in server._state.sessions:
        return Response(500, SOAP_SESSION_FAULT, content_type="text/xml;charset=UTF-8")
    ids = [el.text or "" for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "ids"]
    results = []
    for record_id in ids:
        prefix = {v: k for k, v in KEY_PREFIX.items()}.get(record_id[:3])
        store = server._state.records[prefix] if prefix else {}
        record = store.get(_id18(record_id)) if prefix else None
        if record is not None and record["IsDeleted"]:
            del store[record["Id"]]
            results.append(f"<result><id>{record['Id']}</id><success>true</success></result>")
        else:
            results.append(
                f"<result><errors><message>invalid record id</message><statusCode>"
                f"INVALID_ID_FIELD</statusCode></errors><id>{record_id}</id>"
                "<success>false</success></result>"
            )
    body = EMPTY_RECYCLE_BIN_RESPONSE.format(results="".join(results))
    return Response(200, body, content_type="text/xml;charset=UTF-8")


def query(server: SalesforceServer, request: Request, endpoint: str) -> Response:
    soql = (request.query.get("q") or [""])[0]
    parsed = parse_soql(soql, server._state.schema)
    rows = [
        r
        for r in server._state.records[parsed.object].values()
        if (endpoint == "queryAll" or not r["IsDeleted"]) and _matches(r, parsed.conditions)
    ]
    if parsed.order:
        order = parsed.order
        rows.sort(
            key=lambda r: (r[order] is None, 0 if r[order] is None else r[order], r["Id"]),
            reverse=parsed.descending,
        )
    if parsed.limit is not None:
        rows = rows[: parsed.limit]
    version = request.version()
    rendered = [server._render(parsed.object, r, parsed.fields, version) for r in rows]
    cursor = "01g5g00000" + secrets.token_hex(4)[:5].upper() + "AAB"
    server._state.cursors[cursor] = (version, rendered)
    return _page(cursor, rendered, 0, version)


def query_more(server: SalesforceServer, request: Request, endpoint: str, locator: str):
    cursor, _, offset = locator.rpartition("-")
    if cursor not in server._state.cursors:
        raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    version, rendered = server._state.cursors[cursor]
    return _page(cursor, rendered, int(offset), version)


def _page(cursor: str, rendered: list[dict[str, Any]], offset: int, version: str) -> Response:
    end = offset + PAGE_SIZE
    body: dict[str, Any] = {
        "totalSize": len(rendered),
        "done": end >= len(rendered),
        "records": rendered[offset:end],
    }
    if not body["done"]:
        body["nextRecordsUrl"] = f"/services/data/v{version}/query/{cursor}-{end}"
    return Response(200, body)


def describe(server: SalesforceServer, request: Request, sobject: str) -> Response:
    name = _object_name(sobject, server._state.schema)
    label, plural = LABELS[name]
    version = request.version()
    return Response(
        200,
        {
            "name": name,
            "label": label,
            "labelPlural": plural,
            "keyPrefix": KEY_PREFIX[name],
            "custom": False,
            "createable": True,
            "updateable": True,
            "deletable": True,
            "queryable": True,
            "fields": [f.describe() for f in server._state.schema[name].values()],
            "urls": {
                "describe": f"/services/data/v{version}/sobjects/{name}/describe",
                "sobject": f"/services/data/v{version}/sobjects/{name}",
                "rowTemplate": f"/services/data/v{version}/sobjects/{name}/{{ID}}",
            },
        },
    )


def create(server: SalesforceServer, request: Request) -> Response:
    return _write(server, request, "create")


def update(server: SalesforceServer, request: Request) -> Response:
    return _write(server, request, "update")


def upsert(server: SalesforceServer, request: Request, sobject: str, external_field: str):
    schema = server._state.schema
    name = _object_name(sobject, schema)
    known = {n.lower(): n for n in schema[name]}
    if external_field.lower() not in known:
        raise ApiError(
            404,
            "NOT_FOUND",
            f"Provided external ID field does not exist or is not accessible: {external_field}",
        )
    spec = schema[name][known[external_field.lower()]]
    if spec is None or not (spec.external_id or spec.type == "id"):
        raise ApiError(
            400,
            "INVALID_FIELD",
            f"Field name provided, {external_field} is not an External ID or indexed field "
            f"for {name}",
        )
    return _write(server, request, "upsert", name, spec.name)


def delete(server: SalesforceServer, request: Request) -> Response:
    ids = [i for part in request.query.get("ids", []) for i in part.split(",") if i]
    all_or_none = (request.query.get("allOrNone") or ["false"])[0].lower() == "true"
    if len(ids) > COLLECTION_LIMIT:
        raise _exceeded_limit()
    found: list[tuple[str, dict[str, Any]] | None] = []
    for record_id in ids:
        prefix = {v: k for k, v in KEY_PREFIX.items()}.get(record_id[:3])
        record = server._state.records[prefix].get(_id18(record_id)) if prefix else None
        found.append((prefix, record) if record and not record["IsDeleted"] else None)
    failed = any(f is None for f in found)
    now = _now()
    results = []
    for record_id, hit in zip(ids, found, strict=True):
        if hit is None:
            results.append(_failure(_missing(record_id, server)))
        elif all_or_none and failed:
            results.append(_failure(_rolled_back()))
        else:
            hit[1]["IsDeleted"] = True
            server._touch(hit[1], now)
            results.append({"id": hit[1]["Id"], "success": True, "errors": []})
    return Response(200, results)


def _id18(record_id: str) -> str:
    if len(record_id) == 18:
        return record_id
    for prefix in KEY_PREFIX.values():
        if record_id.startswith(prefix):
            number = 0
            for c in record_id[8:15]:
                number = number * 62 + _BASE62.index(c)
            return salesforce_id(prefix, number)
    return record_id


def _missing(record_id: str, server: SalesforceServer) -> dict[str, Any]:
    if len(record_id) not in (15, 18):
        return _error("MALFORMED_ID", f"malformed id {record_id}")
    for records in server._state.records.values():
        if _id18(record_id) in records:
            return _error("ENTITY_IS_DELETED", "entity is deleted")
    return _error("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")


def _failure(error: dict[str, Any]) -> dict[str, Any]:
    return {"success": False, "errors": [error]}


def _rolled_back() -> dict[str, Any]:
    return _error(
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "Record rolled back because not all records were valid and the request was using "
        "AllOrNone header",
    )


def _exceeded_limit() -> ApiError:
    return ApiError(
        400,
        "EXCEEDED_ID_LIMIT",
        f"record limit reached. cannot submit more than {COLLECTION_LIMIT} records into this call",
    )


def _write(
    server: SalesforceServer,
    request: Request,
    mode: str,
    upsert_object: str | None = None,
    external_field: str | None = None,
) -> Response:
    """create / update / upsert of an sObject Collection, Salesforce's way: whole-request
    errors (400) first, then per-row validation, then (unless allOrNone fails) the writes."""
    payload = request.json()
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise ApiError(400, "JSON_PARSER_ERROR", "The request body must contain 'records'")
    rows = payload["records"]
    if len(rows) > COLLECTION_LIMIT:
        raise _exceeded_limit()
    all_or_none = bool(payload.get("allOrNone", False))

    # 1. Deserialisation: an unknown object or field, or an unparsable number, fails the lot.
    parsed: list[tuple[str, dict[str, Any]]] = []
    for row in rows:
        schema = server._state.schema
        sobject = upsert_object or _object_name(
            str((row.get("attributes") or {}).get("type")), schema
        )
        values = {}
        for key, value in row.items():
            if key == "attributes":
                continue
            name = _field_name(schema, sobject, key, writing=True)
            values[name] = _coerce(schema[sobject][name], value)
        parsed.append((sobject, values))

    # 2. Per-row validation against the stored records.
    now = _now()
    plans: list[tuple[str, str, dict[str, Any], str | None] | dict[str, Any]] = []
    seen_external: dict[str, int] = {}
    for sobject, values in parsed:
        target: str | None = None
        op = mode
        if mode == "upsert":
            key = values.get(external_field)
            if key in (None, ""):
                plans.append(_error("MISSING_ARGUMENT", f"{external_field} not specified"))
                continue
            seen_external[str(key).lower()] = seen_external.get(str(key).lower(), 0) + 1
            target = server._unique_index(sobject, external_field).get(str(key).lower())
            op = "update" if target else "create"
        elif mode == "update":
            raw_id = values.pop("Id", None)
            target = _id18(str(raw_id)) if raw_id else None
            if raw_id is None:
                plans.append(_error("MISSING_ARGUMENT", "Id not specified in an update call"))
                continue
            record = server._state.records[sobject].get(target)
            if record is None or record["IsDeleted"]:
                plans.append(_missing(str(raw_id), server))
                continue
        elif "Id" in values:
            plans.append(
                _error(
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    "Record ID: cannot specify Id in an insert call",
                    ["Id"],
                )
            )
            continue
        problem = _validate(server, sobject, values, op, target)
        plans.append(problem if problem else (sobject, op, values, target))
    if mode == "upsert":  # the same external id twice in one request fails both rows
        for i, (_, values) in enumerate(parsed):
            key = values.get(external_field)
            if isinstance(plans[i], tuple) and seen_external.get(str(key).lower(), 0) > 1:
                plans[i] = _error("DUPLICATE_VALUE", f"Duplicate external id specified: {key}")

    # 3. Apply (or roll back everything when allOrNone and a row failed).
    failed = any(isinstance(p, dict) for p in plans)
    results = []
    for plan in plans:
        if isinstance(plan, dict):
            results.append(_failure(plan))
        elif all_or_none and failed:
            results.append(_failure(_rolled_back()))
        else:
            sobject, op, values, target = plan
            if op == "create":
                record_id = server._insert(sobject, values, now)
            else:
                record = server._state.records[sobject][target]
                record.update(values)
                server._touch(record, now)
                record_id = target
            result = {"id": record_id, "success": True, "errors": []}
            if mode == "upsert":
                result["created"] = op == "create"
            results.append(result)
    return Response(200, results)


def _coerce(spec: Field, value: Any) -> Any:
    """JSON → stored value, as Salesforce's deserialiser does (strings become numbers)."""
    if value is None:
        return None
    try:
        if spec.type == "boolean":
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("true", "false"):
                return str(value).lower() == "true"
            raise ValueError(value)
        if spec.type == "double":
            return float(value)
        if spec.type == "int":
            number = float(value)
            if number != int(number):
                raise ValueError(value)
            return int(number)
    except (TypeError, ValueError):
        kind = "boolean" if spec.type == "boolean" else "double"
        raise ApiError(
            400,
            "JSON_PARSER_ERROR",
            f"Cannot deserialize instance of {kind} from VALUE_STRING value {value} or request "
            "may be missing a required field",
        ) from None
    if spec.type in STRING_TYPES:
        return value if isinstance(value, str) else json.dumps(value)
    return value


def _validate(
    server: SalesforceServer,
    sobject: str,
    values: dict[str, Any],
    op: str,
    target: str | None,
) -> dict[str, Any] | None:
    """The first per-row error Salesforce would report for this row, or None."""
    schema = server._state.schema[sobject]
    locked = [
        n for n in values if not (schema[n].createable if op == "create" else schema[n].updateable)
    ]
    if locked:
        return _error(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            f"Unable to create/update fields: {', '.join(locked)}. Please check the security "
            "settings of this field and verify that it is read/write for your profile or "
            "permission set.",
            locked,
        )
    missing = [
        f.name
        for f in schema.values()
        if f.required
        and (
            (op == "create" and values.get(f.name) in (None, ""))
            or (op == "update" and f.name in values and values[f.name] in (None, ""))
        )
    ]
    if missing:
        return _error(
            "REQUIRED_FIELD_MISSING",
            f"Required fields are missing: [{', '.join(missing)}]",
            missing,
        )
    for name, value in values.items():
        spec = schema[name]
        if value is None:
            continue
        if spec.type in STRING_TYPES and spec.length and len(value) > spec.length:
            return _error(
                "STRING_TOO_LONG",
                f"{spec.label}: data value too large: {value} (max length={spec.length})",
                [name],
            )
        if spec.type == "email" and not EMAIL_RE.match(value):
            return _error(
                "INVALID_EMAIL_ADDRESS", f"{spec.label}: invalid email address: {value}", [name]
            )
        if spec.type == "picklist" and spec.restricted and value not in spec.picklist:
            return _error(
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                f"{spec.label}: bad value for restricted picklist field: {value}",
                [name],
            )
        if spec.unique:
            owner = server._unique_index(sobject, name).get(str(value).lower())
            if owner is not None and owner != target:
                return _error(
                    "DUPLICATE_VALUE",
                    f"duplicate value found: {name} duplicates value on record with id: {owner}",
                    [name],
                )
    return None


# Tooling API `CustomField` Metadata types -> the describe type, and what each needs.
TOOLING_TYPES = {
    "Text": "string",
    "Number": "double",
    "Checkbox": "boolean",
    "Date": "date",
    "DateTime": "datetime",
    "Email": "email",
    "Phone": "phone",
    "Url": "url",
    "TextArea": "textarea",
}
DESCRIBE_TO_TOOLING = {v: k for k, v in TOOLING_TYPES.items()}
CUSTOM_FIELD_COLUMNS = (
    "Id",
    "DeveloperName",
    "TableEnumOrId",
    "NamespacePrefix",
    "FullName",
    "Metadata",
)
_TOOLING_SOQL_RE = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+CustomField(?:\s+WHERE\s+(?P<where>.+?))?"
    r"(?:\s+LIMIT\s+(?P<limit>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_TOOLING_COND_RE = re.compile(r"^\s*(\w+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*$")


def _metadata_of(spec: Field) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "label": spec.label,
        "type": DESCRIBE_TO_TOOLING.get(spec.type, "Text"),
        "externalId": spec.external_id,
        "unique": spec.unique,
    }
    if spec.type in ("string", "textarea"):
        metadata["length"] = spec.length
    if spec.type == "double":
        metadata.update(precision=spec.precision, scale=spec.scale)
    return metadata


def tooling_create_custom_field(server: SalesforceServer, request: Request) -> Response:
    """POST tooling/sobjects/CustomField: `FullName` "Object.Name__c" and `Metadata`."""
    body = request.json()
    if not isinstance(body, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
    if not server._state.can_customize:
        raise ApiError(
            400,
            "INSUFFICIENT_ACCESS_OR_READONLY",
            "insufficient access rights on entity: CustomField (requires Customize Application)",
        )
    full_name = str(body.get("FullName") or "")
    sobject_name, _, name = full_name.partition(".")
    metadata = body.get("Metadata") or {}
    if not name:
        raise ApiError(400, "REQUIRED_FIELD_MISSING", "Required field is missing: FullName")
    schema = server._state.schema
    sobject = _object_name(sobject_name, schema)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*__c", name) or "__" in name[:-3]:
        raise ApiError(
            400,
            "FIELD_INTEGRITY_EXCEPTION",
            f"Field Name: {name!r} must end with __c, begin with a letter and use only "
            "letters, digits and single underscores",
        )
    for key in ("label", "type"):
        if not metadata.get(key):
            raise ApiError(400, "REQUIRED_FIELD_MISSING", f"Required field is missing: {key}")
    kind = TOOLING_TYPES.get(metadata["type"])
    if kind is None:
        raise ApiError(400, "FIELD_INTEGRITY_EXCEPTION", f"Invalid type: {metadata['type']}")
    taken = {n.lower() for n in schema[sobject]} | {
        n.lower() for n in server._state.hidden[sobject]
    }
    if name.lower() in taken:
        raise ApiError(
            400,
            "DUPLICATE_DEVELOPER_NAME",
            f"There is already a field named {name.removesuffix('__c')} on {sobject}.",
        )
    length = int(metadata.get("length") or 0)
    if kind in ("string", "textarea") and not 1 <= length <= 255:
        raise ApiError(400, "FIELD_INTEGRITY_EXCEPTION", "Length: You must enter a value (1-255)")
    precision, scale = int(metadata.get("precision") or 0), int(metadata.get("scale") or 0)
    if kind == "double" and not (1 <= precision <= 18 and 0 <= scale <= precision):
        raise ApiError(
            400,
            "FIELD_INTEGRITY_EXCEPTION",
            "Length and Decimal Places: precision 1-18, scale <= precision",
        )
    keyed = bool(metadata.get("externalId")) or bool(metadata.get("unique"))
    if keyed and kind not in ("string", "double", "email"):
        raise ApiError(
            400,
            "FIELD_INTEGRITY_EXCEPTION",
            "External ID and Unique are only allowed on Text, Number and Email fields",
        )
    spec = Field(
        name,
        str(metadata["label"]),
        kind,
        length=length
        if kind in ("string", "textarea")
        else {"email": 80, "phone": 40, "url": 255}.get(kind, 0),
        external_id=bool(metadata.get("externalId")),
        unique=bool(metadata.get("unique")),
        precision=precision,
        scale=scale,
    )
    field_id = server._add_custom_field(sobject, spec)
    return Response(
        201, {"id": field_id, "success": True, "errors": [], "warnings": [], "infos": []}
    )


def tooling_query(server: SalesforceServer, request: Request) -> Response:
    """GET tooling/query?q=SELECT ... FROM CustomField [WHERE a = 'x' [AND ...]]."""
    soql = (request.query.get("q") or [""])[0]
    match = _TOOLING_SOQL_RE.match(soql)
    if not match:
        raise ApiError(400, "MALFORMED_QUERY", f"unexpected token in Tooling query: {soql[:80]}")
    fields = [f.strip() for f in match["fields"].split(",")]
    for name in fields:
        if name not in CUSTOM_FIELD_COLUMNS:
            raise ApiError(400, "INVALID_FIELD", f"No such column '{name}' on entity 'CustomField'")
    rows = server._state.custom_fields
    for condition in _AND_RE.split(match["where"] or "") if match["where"] else []:
        cond = _TOOLING_COND_RE.match(condition)
        if not cond or cond[1] not in CUSTOM_FIELD_COLUMNS:
            raise ApiError(400, "MALFORMED_QUERY", f"unexpected condition: {condition.strip()}")
        rows = [r for r in rows if str(r.get(cond[1]) or "").lower() == _unquote(cond[2]).lower()]
    if match["limit"]:
        rows = rows[: int(match["limit"])]
    if {"FullName", "Metadata"} & set(fields) and len(rows) > 1:
        raise ApiError(
            400,
            "MALFORMED_QUERY",
            "When retrieving results with Metadata or FullName fields, the query qualifications "
            "must specify no more than one row for retrieval. Result size: " + str(len(rows)),
        )
    version = request.version()
    records = [
        {
            "attributes": {
                "type": "CustomField",
                "url": f"/services/data/v{version}/tooling/sobjects/CustomField/{r['Id']}",
            },
            **{name: r.get(name) for name in fields},
        }
        for r in rows
    ]
    return Response(
        200,
        {
            "size": len(records),
            "totalSize": len(records),
            "done": True,
            "queryLocator": None,
            "entityTypeName": "CustomField",
            "records": records,
        },
    )


_V = r"/services/data/v[\d.]+"
ROUTES: list[tuple[str, re.Pattern[str], Callable[..., Response]]] = [
    ("POST", re.compile(r"/services/Soap/u/(?P<version>[\d.]+)(?:/\w+)?/?"), soap_login),
    ("GET", re.compile(_V + r"/(?P<endpoint>query|queryAll)/?"), query),
    ("GET", re.compile(_V + r"/(?P<endpoint>query|queryAll)/(?P<locator>01g\w+-\d+)"), query_more),
    ("GET", re.compile(_V + r"/sobjects/(?P<sobject>\w+)/describe/?"), describe),
    ("POST", re.compile(_V + r"/tooling/sobjects/CustomField/?"), tooling_create_custom_field),
    ("GET", re.compile(_V + r"/tooling/query/?"), tooling_query),
    ("POST", re.compile(_V + r"/composite/sobjects/?"), create),
    ("PATCH", re.compile(_V + r"/composite/sobjects/?"), update),
    ("DELETE", re.compile(_V + r"/composite/sobjects/?"), delete),
    (
        "PATCH",
        re.compile(_V + r"/composite/sobjects/(?P<sobject>\w+)/(?P<external_field>\w+)/?"),
        upsert,
    ),
]


# ---------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def salesforce_server() -> Iterator[SalesforceServer]:
    server = SalesforceServer()
    yield server
    server.close()


@pytest.fixture
def salesforce(salesforce_server: SalesforceServer) -> Iterator[SalesforceServer]:
    """The session's Salesforce, emptied: no records, sessions, faults or logged requests."""
    salesforce_server.reset()
    yield salesforce_server
    salesforce_server.reset()


@pytest.fixture
def salesforce_bizdev_fields(salesforce: SalesforceServer) -> SalesforceServer:
    """The session's Salesforce where an admin has created bizdev's custom fields in Setup
    (what `bizdev crm setup` creates)."""
    salesforce.add_field(
        "Contact", Field("Bizdev_Id__c", "Bizdev Id", "string", 36, external_id=True, unique=True)
    )
    salesforce.add_field(
        "Contact",
        Field("Bizdev_Quality_Score__c", "Bizdev Quality Score", "double", precision=5, scale=2),
    )
    salesforce.add_field(
        "Account",
        Field(
            "Bizdev_Company_Id__c", "Bizdev Company Id", "string", 36, external_id=True, unique=True
        ),
    )
    salesforce.add_field("Task", Field("Bizdev_Task_Id__c", "Bizdev Task Id", "string", 255))
    return salesforce


# --- Task (issue 13: outreach creates tasks on contacts) ---------------------------------
# Salesforce's Task with WhoId (the Contact) and OwnerId. The custom Activity field
# Bizdev_Task_Id__c outreach finds its tasks by is not in a fresh org: an admin creates
# it (`salesforce_bizdev_fields`). Written through the sObject Collections
# routes above, read through SOQL.

STANDARD_SCHEMA["Task"] = {
    f.name: f
    for f in _system_fields("Task")
    + [
        Field("Subject", "Subject", "string", 255),
        Field("Description", "Comments", "textarea", 32000),
        Field("WhoId", "Name ID", "reference", 18, reference_to=("Contact",)),
        Field("OwnerId", "Assigned To ID", "reference", 18, reference_to=("User",)),
        Field("ActivityDate", "Due Date Only", "date"),
        Field("Status", "Status", "picklist", 255, picklist=("Not Started", "Completed"), restricted=True),
        Field("Priority", "Priority", "picklist", 255, picklist=("High", "Normal", "Low"), restricted=True),
    ]
}  # fmt: skip
KEY_PREFIX["Task"] = "00T"
LABELS["Task"] = ("Task", "Tasks")
