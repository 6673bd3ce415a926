"""The Salesforce side of CRM sync: `SalesforceCrm`, a `CrmClient` on simple-salesforce.

Routes (REST API, `/services/data/vXX.X/`):

- pull: SOQL through `queryAll` (deleted records come back with `IsDeleted = true`),
  ordered by `SystemModstamp`, following `nextRecordsUrl` one page at a time.
- upsert: sObject Collections `PATCH composite/sobjects/{Object}/{ExternalIdField}`;
  update `PATCH composite/sobjects`; create `POST composite/sobjects`; archive
  `DELETE composite/sobjects?ids=...`; always `allOrNone=false`, at most 200 records a call.
- describe: `GET sobjects/{Object}/describe`.

Authentication: a session id (`SALESFORCE_INSTANCE_URL` + `SALESFORCE_ACCESS_TOKEN`) and/or
a SOAP username-password login (`SALESFORCE_USERNAME`, `SALESFORCE_PASSWORD`,
`SALESFORCE_SECURITY_TOKEN`, `SALESFORCE_DOMAIN` = `login`, `test`, a My Domain prefix, or a
full `https://host[:port]` URL). The client logs in itself (simple-salesforce's
`SalesforceLogin`) and hands simple-salesforce only the session, so that re-logins after an
expired session are ours to count and bound.

Faults: `403 REQUEST_LIMIT_EXCEEDED` is retried with bounded, jittered exponential backoff
for every call; 5xx, timeouts and dropped connections are retried for the idempotent calls
(query, describe, upsert, update, archive) but never for create, whose rows are reported as
failed instead (the engine retries them on its next run). `401 INVALID_SESSION_ID` leads to
one fresh login when a username and password are configured.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests
from simple_salesforce import Salesforce, SalesforceLogin
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceRefusedRequest,
)

from bizdev_assets.crm.client import (
    CallStats,
    CrmAuthError,
    CrmError,
    CrmRecord,
    ObjectType,
    PropertySpec,
    PropertyType,
    WriteResult,
    backoff_delay,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

SOBJECTS: dict[str, str] = {"contacts": "Contact", "companies": "Account"}
COLLECTION_LIMIT = 200  # records per sObject Collections call

# Salesforce describe type -> the engine's property type (compound address/location fields,
# base64 and anyType are left out: they cannot be written as one string).
DESCRIBE_TYPES: dict[str, PropertyType] = {
    **dict.fromkeys(
        (
            "string",
            "textarea",
            "phone",
            "email",
            "url",
            "id",
            "reference",
            "combobox",
            "encryptedstring",
            "time",
        ),
        "string",
    ),
    "picklist": "enumeration",
    "multipicklist": "enumeration",
    "boolean": "bool",
    **dict.fromkeys(("double", "int", "long", "currency", "percent"), "number"),
    "date": "date",
    "datetime": "datetime",
}

_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
_TRANSIENT_LOGIN_CODES = {"UNKNOWN_EXCEPTION", "SERVER_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED"}
_CREDENTIALS = "SALESFORCE_USERNAME, SALESFORCE_PASSWORD and SALESFORCE_SECURITY_TOKEN"


class _TimeoutSession(requests.Session):
    """A requests session with a default timeout (simple-salesforce's login sets none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.default_timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any):  # type: ignore[override]
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, url, *args, **kwargs)


class _NotRetried(Exception):
    """A non-idempotent call hit a 5xx or timeout: Salesforce may or may not have applied it."""


class SalesforceCrm:
    """`CrmClient` for Salesforce (Contact and Account) on simple-salesforce."""

    crm_type = "salesforce"
    batch_size = COLLECTION_LIMIT

    def __init__(
        self,
        *,
        instance_url: str | None = None,
        access_token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        security_token: str | None = None,
        domain: str = "login",
        ca_bundle: str | None = None,
        external_id_field: str = "Bizdev_Id__c",
        api_version: str = "59.0",
        max_retries: int = 6,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 30.0,
        timeout_seconds: float = 60.0,
    ) -> None:
        self._can_login = bool(username and password)
        if not self._can_login and not (instance_url and access_token):
            raise CrmAuthError(
                "Salesforce credentials missing: set SALESFORCE_INSTANCE_URL and "
                f"SALESFORCE_ACCESS_TOKEN, or {_CREDENTIALS}"
            )
        if instance_url and not instance_url.startswith("https://"):
            raise CrmError(f"SALESFORCE_INSTANCE_URL must be an https:// URL, not {instance_url!r}")
        if "://" in domain and not domain.startswith("https://"):
            raise CrmError(f"SALESFORCE_DOMAIN must be https://, not {domain!r}")
        self.instance_url = instance_url.rstrip("/") if instance_url else None
        self.domain = domain.rstrip("/")
        self.username = username
        self._access_token = access_token
        self._password = password
        self._security_token = security_token
        self.ca_bundle = ca_bundle
        self.external_id_field = external_id_field
        self.api_version = api_version.removeprefix("v")
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.stats = CallStats()

        self._session = _TimeoutSession(timeout_seconds)
        if ca_bundle:
            # trust_env=False, or REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override `verify`.
            self._session.verify = ca_bundle
            self._session.trust_env = False
        self._session.hooks["response"].append(self._remember_limits)
        self._sf: Salesforce | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> SalesforceCrm:
        """Build from the SALESFORCE_* settings (empty values count as unset)."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            return env.get(name) or None

        settings: dict[str, Any] = {
            "instance_url": get("SALESFORCE_INSTANCE_URL"),
            "access_token": get("SALESFORCE_ACCESS_TOKEN"),
            "username": get("SALESFORCE_USERNAME"),
            "password": get("SALESFORCE_PASSWORD"),
            "security_token": get("SALESFORCE_SECURITY_TOKEN"),
            "domain": get("SALESFORCE_DOMAIN") or "login",
            "ca_bundle": get("SALESFORCE_CA_BUNDLE"),
        }
        if get("SALESFORCE_API_VERSION"):
            settings["api_version"] = get("SALESFORCE_API_VERSION")
        return cls(**{**settings, **overrides})

    # ---- connection ------------------------------------------------------------------

    @property
    def sf(self) -> Salesforce:
        """The underlying simple-salesforce client (logging in on first use)."""
        return self.connect()

    def connect(self) -> Salesforce:
        """Log in (or adopt the access token) unless already connected."""
        if self._sf is None:
            if self._access_token and self.instance_url:
                self._sf = self._client(self.instance_url, self._access_token)
            else:
                self._login()
        assert self._sf is not None
        return self._sf

    def _client(self, instance_url: str, session_id: str) -> Salesforce:
        return Salesforce(
            instance_url=instance_url,
            session_id=session_id,
            session=self._session,
            version=self.api_version,
        )

    def _login(self) -> None:
        """SOAP username-password login; replaces the simple-salesforce client."""
        full_url = self.domain.startswith("https://")

        def login() -> tuple[str, str]:
            return SalesforceLogin(
                username=self.username,
                password=self._password,
                security_token=self._security_token,
                sf_version=self.api_version,
                session=self._session,
                domain=None if full_url else self.domain,
                scratch_url=self.domain if full_url else None,
            )

        session_id, instance = self._retrying("login", login)
        self._sf = self._client(f"https://{instance}", session_id)

    def _remember_limits(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        limit_info = response.headers.get("Sforce-Limit-Info")
        if limit_info:
            self.stats.limit_info = limit_info

    # ---- the retry loop --------------------------------------------------------------

    def _retrying(
        self,
        operation: str,
        send: Callable[[], T],
        *,
        write: bool = False,
        idempotent: bool = True,
    ) -> T:
        """Send one request, retrying what may be retried. Every attempt is counted."""
        retries = 0
        reauthenticated = False
        while True:
            self.stats.count(operation, write=write)
            try:
                return send()
            except SalesforceAuthenticationFailed as exc:  # only the login raises this
                if not _transient_login_failure(exc):
                    raise CrmAuthError(
                        f"Salesforce login as {self.username!r} at {self.domain} failed "
                        f"({exc.code}: {exc.auth_message}); check {_CREDENTIALS} "
                        "(and SALESFORCE_DOMAIN)"
                    ) from exc
                if exc.code in ("REQUEST_LIMIT_EXCEEDED", 429):
                    self.stats.rate_limited += 1
                else:
                    self.stats.server_errors += 1
                failure = f"login failed: {exc.code}: {exc.auth_message}"
            except SalesforceExpiredSession as exc:
                if not self._can_login:
                    raise CrmAuthError(
                        f"Salesforce rejected SALESFORCE_ACCESS_TOKEN ({_message(exc)}): set a "
                        f"fresh access token, or set {_CREDENTIALS} so the client can log in "
                        "again"
                    ) from exc
                if reauthenticated:
                    raise CrmAuthError(
                        f"Salesforce rejected a fresh session ({_message(exc)}); check "
                        f"{_CREDENTIALS}"
                    ) from exc
                log.info("Salesforce session expired during %s; logging in again", operation)
                self._login()
                self.stats.reauthentications += 1
                reauthenticated = True
                continue  # the 401 was refused before anything happened: safe to resend
            except SalesforceRefusedRequest as exc:
                if _error_code(exc) != "REQUEST_LIMIT_EXCEEDED":
                    raise CrmError(f"Salesforce {operation} refused: {_message(exc)}") from exc
                self.stats.rate_limited += 1
                failure = _message(exc)
            except SalesforceError as exc:
                if exc.status < 500:
                    raise CrmError(f"Salesforce {operation} failed: {_message(exc)}") from exc
                self.stats.server_errors += 1
                failure = f"HTTP {exc.status}: {_message(exc)}"
                if not idempotent:
                    raise _NotRetried(failure) from exc
            except requests.exceptions.SSLError as exc:
                raise CrmError(
                    f"TLS verification with Salesforce failed ({exc}); set SALESFORCE_CA_BUNDLE "
                    "to the CA bundle that signs the server's certificate"
                ) from exc
            except (requests.Timeout, requests.ConnectionError) as exc:
                self.stats.server_errors += 1
                failure = f"{type(exc).__name__}: {exc}"
                if not idempotent:
                    raise _NotRetried(failure) from exc
            if retries >= self.max_retries:
                raise CrmError(f"Salesforce {operation} failed after {retries} retries: {failure}")
            retries += 1
            self.stats.retries += 1
            delay = backoff_delay(retries, self.backoff_seconds, self.max_backoff_seconds)
            log.warning(
                "Salesforce %s: %s; retry %d/%d in %.2fs",
                operation,
                failure,
                retries,
                self.max_retries,
                delay,
            )
            time.sleep(delay)

    def _call(self, operation: str, send: Callable[[Salesforce], T], **options: Any) -> T:
        """`send(client)` through the retry loop, with the client current at each attempt
        (a re-login replaces it)."""
        self.connect()
        return self._retrying(operation, lambda: send(self.connect()), **options)

    # ---- CrmClient -------------------------------------------------------------------

    def describe(self, object_type: ObjectType) -> dict[str, PropertySpec]:
        sobject = _sobject(object_type)
        body = self._call("describe", lambda sf: sf.restful(f"sobjects/{sobject}/describe"))
        specs: dict[str, PropertySpec] = {}
        for f in body["fields"]:
            kind = DESCRIBE_TYPES.get(f["type"])
            if kind is None:
                continue
            options = tuple(
                p["value"] for p in f.get("picklistValues") or [] if p.get("active", True)
            )
            specs[f["name"]] = PropertySpec(
                name=f["name"],
                type=kind,
                length=(f.get("length") or None) if kind == "string" else None,
                options=options if kind == "enumeration" else (),
                read_only=not f.get("updateable") and not f.get("createable"),
            )
        return specs

    def pull(
        self,
        object_type: ObjectType,
        properties: list[str],
        modified_since: datetime | None,
    ) -> Iterator[list[CrmRecord]]:
        sobject = _sobject(object_type)
        for name in properties:
            if not _FIELD_NAME.match(name):
                raise CrmError(f"not a Salesforce field name: {name!r}")
        fields = list(dict.fromkeys(["Id", "SystemModstamp", "IsDeleted", *properties]))
        soql = f"SELECT {', '.join(fields)} FROM {sobject}"
        if modified_since is not None:
            soql += f" WHERE SystemModstamp >= {soql_datetime(modified_since)}"
        soql += " ORDER BY SystemModstamp ASC"

        page = self._call("query", lambda sf: sf.query(soql, include_deleted=True))
        while True:
            records = [_record(r, properties) for r in page["records"]]
            if records:
                yield records
            if page.get("done", True):
                return
            next_url = page["nextRecordsUrl"]
            page = self._call(
                "query_more", lambda sf, url=next_url: sf.query_more(url, identifier_is_url=True)
            )

    def upsert(
        self, object_type: ObjectType, rows: list[dict[str, str | None]], id_property: str
    ) -> list[WriteResult]:
        sobject = _sobject(object_type)
        if not _FIELD_NAME.match(id_property):
            raise CrmError(f"not a Salesforce field name: {id_property!r}")
        results: list[WriteResult] = []
        for chunk in _chunks(rows):
            body = _collection(sobject, chunk)
            response = self._call(
                "upsert",
                lambda sf, body=body: sf.restful(
                    f"composite/sobjects/{sobject}/{id_property}", method="PATCH", json=body
                ),
                write=True,
            )
            keys = [_text(row.get(id_property)) for row in chunk]
            results += _results(keys, response, created=None)
        return results

    def update(
        self, object_type: ObjectType, rows: list[tuple[str, dict[str, str | None]]]
    ) -> list[WriteResult]:
        sobject = _sobject(object_type)
        results: list[WriteResult] = []
        for chunk in _chunks(rows):
            body = _collection(sobject, [{**props, "Id": crm_id} for crm_id, props in chunk])
            response = self._call(
                "update",
                lambda sf, body=body: sf.restful("composite/sobjects", method="PATCH", json=body),
                write=True,
            )
            results += _results([crm_id for crm_id, _ in chunk], response, created=False)
        return results

    def create(
        self, object_type: ObjectType, rows: list[dict[str, str | None]]
    ) -> list[WriteResult]:
        sobject = _sobject(object_type)
        results: list[WriteResult] = []
        offset = 0
        for chunk in _chunks(rows):
            keys = [self._create_key(row, offset + i) for i, row in enumerate(chunk)]
            offset += len(chunk)
            body = _collection(sobject, chunk)
            try:
                response = self._call(
                    "create",
                    lambda sf, body=body: sf.restful(
                        "composite/sobjects", method="POST", json=body
                    ),
                    write=True,
                    idempotent=False,
                )
            except _NotRetried as exc:
                error = f"{exc}; not retried: create is not idempotent"
                results += [WriteResult(key=key, ok=False, error=error) for key in keys]
                continue
            results += _results(keys, response, created=True)
        return results

    def archive(self, object_type: ObjectType, crm_ids: list[str]) -> list[WriteResult]:
        _sobject(object_type)  # the ids say which object; checked for a clear error anyway
        results: list[WriteResult] = []
        for chunk in _chunks(crm_ids):
            params = {"ids": ",".join(chunk), "allOrNone": "false"}
            response = self._call(
                "archive",
                lambda sf, params=params: sf.restful(
                    "composite/sobjects", params=params, method="DELETE"
                ),
                write=True,
            )
            results += _results(list(chunk), response, created=None)
        return results

    def _create_key(self, row: Mapping[str, str | None], index: int) -> str:
        """What identifies a created row in the results: its external id, else its email or
        name, else its position in the input."""
        for name in (self.external_id_field, "Email", "Name"):
            if row.get(name):
                return str(row[name])
        return f"#{index}"


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def soql_datetime(value: datetime) -> str:
    """A SOQL dateTime literal in UTC, floored to the second (naive values are UTC)."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: str) -> datetime:
    """Salesforce's `2026-11-28T06:52:07.000+0000` → aware UTC datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _sobject(object_type: str) -> str:
    try:
        return SOBJECTS[object_type]
    except KeyError:
        raise CrmError(
            f"unknown object type {object_type!r}; expected one of {list(SOBJECTS)}"
        ) from None


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), COLLECTION_LIMIT):
        yield items[start : start + COLLECTION_LIMIT]


def _collection(sobject: str, rows: Sequence[Mapping[str, str | None]]) -> dict[str, Any]:
    return {
        "allOrNone": False,
        "records": [{"attributes": {"type": sobject}, **row} for row in rows],
    }


def _text(value: Any) -> str | None:
    """A Salesforce JSON value as the engine sees it: a string (or None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _record(raw: Mapping[str, Any], properties: list[str]) -> CrmRecord:
    by_lower = {k.lower(): k for k in raw}
    return CrmRecord(
        id=raw["Id"],
        modified_at=parse_datetime(raw["SystemModstamp"]),
        properties={p: _text(raw.get(by_lower.get(p.lower(), p))) for p in properties},
        deleted=bool(raw.get("IsDeleted")),
    )


# Per-row codes of an update or delete whose record no longer exists.
RECORD_GONE = {"ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY"}


def _results(keys: list[str], response: Any, *, created: bool | None) -> list[WriteResult]:
    if not isinstance(response, list) or len(response) != len(keys):
        raise CrmError(
            f"Salesforce answered {len(keys)} records with an unexpected body: {response!r:.300}"
        )
    results = []
    for key, item in zip(keys, response, strict=True):
        if item.get("success"):
            results.append(
                WriteResult(
                    key=key,
                    ok=True,
                    crm_id=item.get("id"),
                    created=item.get("created", created),
                )
            )
        else:
            errors = item.get("errors") or []
            message = "; ".join(f"{e.get('statusCode')}: {e.get('message')}" for e in errors)
            codes = {e.get("statusCode") for e in errors}
            results.append(
                WriteResult(
                    key=key,
                    ok=False,
                    crm_id=item.get("id"),
                    error=message or "failed",
                    not_found=bool(codes & RECORD_GONE),
                )
            )
    return results


def _errors(exc: SalesforceError) -> list[tuple[str, str]]:
    content = exc.content
    if isinstance(content, list):
        return [
            (str(e.get("errorCode")), str(e.get("message"))) for e in content if isinstance(e, dict)
        ]
    return []


def _error_code(exc: SalesforceError) -> str | None:
    errors = _errors(exc)
    return errors[0][0] if errors else None


def _message(exc: SalesforceError) -> str:
    """Salesforce's own `errorCode: message` (or the raw body)."""
    errors = _errors(exc)
    if errors:
        return "; ".join(f"{code}: {message}" for code, message in errors)
    return f"HTTP {exc.status}: {str(exc.content)[:300]}"


def _transient_login_failure(exc: SalesforceAuthenticationFailed) -> bool:
    """A login that failed for the server's sake (5xx without a SOAP fault, or a SOAP fault
    that is not about the credentials) rather than the credentials'."""
    if isinstance(exc.code, int):
        return exc.code >= 500 or exc.code == 429
    return exc.code in _TRANSIENT_LOGIN_CODES
