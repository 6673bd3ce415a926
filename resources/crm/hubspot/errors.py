"""How HubSpot answers go wrong, and what the retry loop makes of each.

* 429: HubSpot did nothing, so any call is retried (`Retry-After` honoured when present;
  HubSpot does not promise it), except when the DAILY policy was hit: waiting seconds
  cannot help.
* 5xx, timeouts and connection errors: retried for idempotent calls only.
* 401/403: `CrmAuthError` naming HUBSPOT_ACCESS_TOKEN; a 403 MISSING_SCOPES (the token
  works but lacks a scope) is `CrmPermissionError` naming the scope.
* Another 4xx: for a write, `BatchRejected` (every row of the batch fails with HubSpot's
  message); for a read, `CrmError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import urllib3
from hubspot.crm.companies.exceptions import ApiException as CompaniesApiException
from hubspot.crm.contacts.exceptions import ApiException as ContactsApiException
from hubspot.crm.objects.tasks.exceptions import ApiException as TasksApiException
from hubspot.crm.properties.exceptions import ApiException as PropertiesApiException

from resources.crm.client import CrmAuthError, CrmError, CrmPermissionError
from resources.http_retry import Failure, Verdict

TOKEN_SETTING = "HUBSPOT_ACCESS_TOKEN"
LIMIT_HEADERS = (
    "X-HubSpot-RateLimit-Remaining",
    "X-HubSpot-RateLimit-Max",
    "X-HubSpot-RateLimit-Secondly-Remaining",
    "X-HubSpot-RateLimit-Daily-Remaining",
    "X-HubSpot-RateLimit-Daily",
)
# Each generated API package of the client has its own ApiException class.
API_EXCEPTIONS = (
    ContactsApiException,
    CompaniesApiException,
    PropertiesApiException,
    TasksApiException,  # outreach tasks (resources/crm/hubspot/tasks.py)
)
# With urllib3 retries off, timeouts and refused connections surface as these.
NETWORK_ERRORS = (urllib3.exceptions.HTTPError, OSError)


class BatchRejected(Exception):
    """HubSpot refused a whole batch (4xx other than 401/403/429)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def classify(exc: Exception, *, operation: str, write: bool) -> Failure | None:
    """The retry loop's reading of one failed HubSpot request (see the module docstring)."""
    if isinstance(exc, NETWORK_ERRORS):
        return Failure(Verdict.TRANSIENT, error_message(exc))
    if not isinstance(exc, API_EXCEPTIONS):
        return None
    status = int(getattr(exc, "status", 0) or 0)
    message = error_message(exc)
    if status == 403 and body_json(getattr(exc, "body", None)).get("category") == "MISSING_SCOPES":
        scopes = missing_scopes(exc)
        return Failure(
            Verdict.FAIL,
            message,
            CrmPermissionError(
                f"HubSpot: the private app behind {TOKEN_SETTING} lacks the scope "
                f"{scopes or '(see the message)'} ({message}); add it to the app"
            ),
        )
    if status in (401, 403):
        auth = CrmAuthError(
            f"HubSpot refused the access token ({message}); check {TOKEN_SETTING}"
            + (" and its scopes" if status == 403 else "")
        )
        return Failure(Verdict.FAIL, message, auth)
    if status == 429:
        if body_json(getattr(exc, "body", None)).get("policyName") == "DAILY":
            daily = CrmError(f"HubSpot daily API limit reached: {message}")
            return Failure(Verdict.RATE_LIMITED, message, daily)
        return Failure(
            Verdict.RATE_LIMITED, message, retry_after=retry_after(getattr(exc, "headers", None))
        )
    if status >= 500 or status == 0:
        return Failure(Verdict.TRANSIENT, message)
    if write:
        return Failure(Verdict.FAIL, message, BatchRejected(status, hubspot_message(exc)))
    return Failure(Verdict.FAIL, message, CrmError(f"HubSpot {operation} failed: {message}"))


def body_json(body: Any) -> dict[str, Any]:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(body) if body else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def missing_scopes(exc: BaseException) -> str:
    """The scopes a 403 MISSING_SCOPES names (HubSpot lists them per error's context)."""
    scopes: list[str] = []
    for error in body_json(getattr(exc, "body", None)).get("errors") or []:
        context = error.get("context") or {} if isinstance(error, dict) else {}
        scopes += [str(s) for s in context.get("requiredGranularScopes") or []]
    return ", ".join(dict.fromkeys(scopes))


def hubspot_message(exc: BaseException) -> str:
    """HubSpot's own message from an ApiException (its JSON body), else what we have."""
    body = body_json(getattr(exc, "body", None))
    return str(body.get("message") or getattr(exc, "reason", None) or exc)


def error_message(exc: BaseException) -> str:
    """For logs and CrmError: the HTTP status with HubSpot's message, or the network error."""
    status = getattr(exc, "status", None)
    if status:
        return f"HTTP {status}: {hubspot_message(exc)}"
    return f"{type(exc).__name__}: {exc}"


def header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    getter = getattr(headers, "get", None)
    if getter is None:
        return None
    value = getter(name)
    if value is None and isinstance(headers, Mapping):  # plain dicts are case-sensitive
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


def retry_after(headers: Any) -> float | None:
    value = header(headers, "Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def limit_info(headers: Any) -> str | None:
    """HubSpot's rate-limit headers as one `name=value; ...` string (None without any)."""
    found = [(name, header(headers, name)) for name in LIMIT_HEADERS]
    parts = [f"{name}={value}" for name, value in found if value is not None]
    return "; ".join(parts) if parts else None
