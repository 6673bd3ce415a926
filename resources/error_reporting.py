"""Sentry, when `SENTRY_DSN` is set: errors that runs and commands log reach it, with the
contacts' personal data masked before anything leaves the process.

Step failures reach Sentry through its logging integration: Dagster logs each one at
ERROR level (with the traceback) in the process that ran it. What is sent is scrubbed by
`scrub`: e-mail addresses and phone-number-like digit runs in every string of the event
(message, exception values, breadcrumbs, tags, extra) become `[email]` / `[phone]`, and
no frame's local variables are sent at all (they hold whole rows). Unset: nothing is
initialised and nothing is sent.
"""

from __future__ import annotations

import re
from typing import Any

import sentry_sdk

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.])\+?[\d(][\d ()./-]{6,}\d(?![\w.])")


def scrub(value: Any) -> Any:
    """The value with e-mail addresses and phone numbers masked, in any nesting."""
    if isinstance(value, str):
        return _PHONE.sub("[phone]", _EMAIL.sub("[email]", value))
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def _before_send(event: dict, hint: dict) -> dict:
    return scrub(event)


def _before_breadcrumb(crumb: dict, hint: dict) -> dict:
    return scrub(crumb)


def init_error_reporting(dsn: str | None, environment: str = "production") -> bool:
    """Start reporting errors to Sentry when a DSN is given; True when it did."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,
        before_send=_before_send,
        before_breadcrumb=_before_breadcrumb,
        traces_sample_rate=0.0,
    )
    return True
