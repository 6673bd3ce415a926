"""How Salesforce answers go wrong, and what the retry loop makes of each.

* `403 REQUEST_LIMIT_EXCEEDED`: retried for every call, create included (Salesforce did
  nothing).
* 5xx, timeouts and dropped connections: retried for idempotent calls only.
* `401 INVALID_SESSION_ID`: one fresh login when a username and password are configured,
  else `CrmAuthError` naming SALESFORCE_ACCESS_TOKEN.
* A login refused for the credentials: `CrmAuthError` naming the settings; a login that
  failed for the server's sake is retried like any call.
* A TLS verification failure: `CrmError` naming SALESFORCE_CA_BUNDLE, not retried.
* `INSUFFICIENT_ACCESS...` (the user may not do this, e.g. create fields without
  "Customize Application"): `CrmPermissionError`.
* Another 4xx: `CrmError` with Salesforce's `errorCode: message`.
"""

from __future__ import annotations

import requests
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceRefusedRequest,
)

from resources.crm.client import CrmAuthError, CrmError, CrmPermissionError
from resources.http_retry import Failure, Verdict

CREDENTIALS = "SALESFORCE_USERNAME, SALESFORCE_PASSWORD and SALESFORCE_SECURITY_TOKEN"
_TRANSIENT_LOGIN_CODES = {"UNKNOWN_EXCEPTION", "SERVER_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED"}


def classify(
    exc: Exception, *, operation: str, username: str | None, domain: str, can_login: bool
) -> Failure | None:
    """The retry loop's reading of one failed Salesforce request (module docstring)."""
    if isinstance(exc, SalesforceAuthenticationFailed):  # only the login raises this
        failure = f"login failed: {exc.code}: {exc.auth_message}"
        if not _transient_login_failure(exc):
            return Failure(
                Verdict.FAIL,
                failure,
                CrmAuthError(
                    f"Salesforce login as {username!r} at {domain} failed "
                    f"({exc.code}: {exc.auth_message}); check {CREDENTIALS} "
                    "(and SALESFORCE_DOMAIN)"
                ),
            )
        limited = exc.code in ("REQUEST_LIMIT_EXCEEDED", 429)
        return Failure(Verdict.RATE_LIMITED if limited else Verdict.TRANSIENT, failure)
    if isinstance(exc, SalesforceExpiredSession):
        if not can_login:
            return Failure(
                Verdict.FAIL,
                message(exc),
                CrmAuthError(
                    f"Salesforce rejected SALESFORCE_ACCESS_TOKEN ({message(exc)}): set a "
                    f"fresh access token, or set {CREDENTIALS} so the client can log in again"
                ),
            )
        fresh_refused = CrmAuthError(
            f"Salesforce rejected a fresh session ({message(exc)}); check {CREDENTIALS}"
        )
        return Failure(Verdict.EXPIRED, message(exc), fresh_refused)
    if isinstance(exc, SalesforceRefusedRequest):
        if error_code(exc) != "REQUEST_LIMIT_EXCEEDED":
            refused = CrmError(f"Salesforce {operation} refused: {message(exc)}")
            return Failure(Verdict.FAIL, message(exc), refused)
        return Failure(Verdict.RATE_LIMITED, message(exc))
    if isinstance(exc, SalesforceError) and str(error_code(exc)).startswith("INSUFFICIENT_ACCESS"):
        refused = CrmPermissionError(
            f"Salesforce {operation} refused for the user's permissions: {message(exc)}"
        )
        return Failure(Verdict.FAIL, message(exc), refused)
    if isinstance(exc, SalesforceError):
        if exc.status < 500:
            failed = CrmError(f"Salesforce {operation} failed: {message(exc)}")
            return Failure(Verdict.FAIL, message(exc), failed)
        return Failure(Verdict.TRANSIENT, f"HTTP {exc.status}: {message(exc)}")
    if isinstance(exc, requests.exceptions.SSLError):
        tls = CrmError(
            f"TLS verification with Salesforce failed ({exc}); set SALESFORCE_CA_BUNDLE "
            "to the CA bundle that signs the server's certificate"
        )
        return Failure(Verdict.FAIL, str(exc), tls)
    if isinstance(exc, requests.Timeout | requests.ConnectionError):
        return Failure(Verdict.TRANSIENT, f"{type(exc).__name__}: {exc}")
    return None


def errors(exc: SalesforceError) -> list[tuple[str, str]]:
    content = exc.content
    if isinstance(content, list):
        return [
            (str(e.get("errorCode")), str(e.get("message"))) for e in content if isinstance(e, dict)
        ]
    return []


def error_code(exc: SalesforceError) -> str | None:
    found = errors(exc)
    return found[0][0] if found else None


def message(exc: SalesforceError) -> str:
    """Salesforce's own `errorCode: message` (or the raw body)."""
    found = errors(exc)
    if found:
        return "; ".join(f"{code}: {text}" for code, text in found)
    return f"HTTP {exc.status}: {str(exc.content)[:300]}"


def _transient_login_failure(exc: SalesforceAuthenticationFailed) -> bool:
    """A login that failed for the server's sake (5xx without a SOAP fault, or a SOAP fault
    that is not about the credentials) rather than the credentials'."""
    if isinstance(exc.code, int):
        return exc.code >= 500 or exc.code == 429
    return exc.code in _TRANSIENT_LOGIN_CODES
