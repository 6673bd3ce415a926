"""The HubSpot adapter: `CrmClient` on top of HubSpot's own `hubspot-api-client` (v12).

Reads go through the CRM search API, writes through the batch APIs (100 inputs a call),
property metadata through the properties API. Everything HubSpot-specific is handled here:

* Paging and the 10,000 cap. A search returns at most 10,000 results (asking for
  `after` >= 10000 answers 400). `pull` sorts by the modified-date property ascending; when
  the next page would cross the cap it starts a new search from the last modified value seen
  (`GTE`, so records at that boundary come again; the engine de-duplicates by id). If a
  whole 10,000-result window shares ONE timestamp, a `GTE` restart would return the same
  window forever; instead the adapter drains that timestamp with a second kind of search:
  `modified EQ t`, sorted by `hs_object_id`, restarting with `hs_object_id GT <last id>`
  (ids are unique, so that always progresses), then resumes with `modified GT t`. HubSpot
  allows one sort rule per search, which is why ties are broken with a separate search
  rather than a secondary sort. Pages stay in ascending `modified_at` order throughout.
* Partial success. Batch calls answer 207 with `errors` next to `results`; the client
  library does not raise. Each input carries `objectWriteTraceId` = its position, and
  results / errors are mapped back to input rows by that trace id, else by the id value
  (email for a contact upsert, the CRM id for update) found in the result or in the
  error's `context`. A row with neither a result nor an error of its own is reported
  failed with the batch's unmatched error messages.
* Faults. The client library's own urllib3 retry is switched off (`Retry(total=0)`) so
  nothing is retried twice or behind our back; this module retries: 429 (any call: HubSpot
  did nothing; `Retry-After` is honoured when present, HubSpot does not promise it; the
  DAILY policy is not retried) with exponential backoff, capped, with jitter; 5xx,
  timeouts and connection errors only for idempotent calls (search, properties, upsert,
  update, archive). A `create` that met a 5xx or timeout may have happened, so it is NOT
  retried: its rows come back failed ("not retried: create is not idempotent") and the
  engine tries them again next run (as upserts, if it has an email). 401/403 raise
  `CrmAuthError` naming HUBSPOT_ACCESS_TOKEN. A 4xx for a whole batch (400 validation,
  409 conflict) fails every row with HubSpot's message. Anything else left after the
  retries raises `CrmError`.
* Values. HubSpot property values are strings; `None` is sent as "" (HubSpot's way of
  clearing a property).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import urllib3
from hubspot import HubSpot
from hubspot.crm import companies as hs_companies
from hubspot.crm import contacts as hs_contacts
from hubspot.crm.companies.exceptions import ApiException as CompaniesApiException
from hubspot.crm.contacts.exceptions import ApiException as ContactsApiException
from hubspot.crm.properties.exceptions import ApiException as PropertiesApiException
from urllib3.util.retry import Retry

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

TOKEN_SETTING = "HUBSPOT_ACCESS_TOKEN"
SEARCH_CAP = 10_000  # results one search query can page through
SEARCH_MAX_LIMIT = 200  # results per search page
BATCH_SIZE = 100  # inputs per batch call
MODIFIED_PROPERTY: dict[str, str] = {
    "contacts": "lastmodifieddate",
    "companies": "hs_lastmodifieddate",
}
ID_PROPERTY = "hs_object_id"
PROPERTY_TYPES: dict[str, PropertyType] = {
    "string": "string",
    "number": "number",
    "bool": "bool",
    "date": "date",
    "datetime": "datetime",
    "enumeration": "enumeration",
}
LIMIT_HEADERS = (
    "X-HubSpot-RateLimit-Remaining",
    "X-HubSpot-RateLimit-Max",
    "X-HubSpot-RateLimit-Secondly-Remaining",
    "X-HubSpot-RateLimit-Daily-Remaining",
    "X-HubSpot-RateLimit-Daily",
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MODELS = {"contacts": hs_contacts, "companies": hs_companies}
# Each generated API package of the client has its own ApiException class.
_API_EXCEPTIONS = (ContactsApiException, CompaniesApiException, PropertiesApiException)
# With urllib3 retries off, timeouts and refused connections surface as these.
_NETWORK_ERRORS = (urllib3.exceptions.HTTPError, OSError)


class _NotRetried(Exception):
    """A non-idempotent call met a 5xx/timeout: its outcome is unknown."""


class _BatchRejected(Exception):
    """HubSpot refused a whole batch (4xx other than 401/403/429)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _to_ms(when: datetime) -> int:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - _EPOCH) // timedelta(milliseconds=1)


def _parse_datetime(value: str | None) -> datetime | None:
    """HubSpot date values: ISO-8601 (`2026-01-02T03:04:05.678Z`) or epoch milliseconds."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return _EPOCH + timedelta(milliseconds=int(text))
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _body_json(body: Any) -> dict[str, Any]:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(body) if body else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _hubspot_message(exc: BaseException) -> str:
    """HubSpot's own message from an ApiException (its JSON body), else what we have."""
    body = _body_json(getattr(exc, "body", None))
    return str(body.get("message") or getattr(exc, "reason", None) or exc)


def _error_message(exc: BaseException) -> str:
    """For logs and CrmError: the HTTP status with HubSpot's message, or the network error."""
    status = getattr(exc, "status", None)
    if status:
        return f"HTTP {status}: {_hubspot_message(exc)}"
    return f"{type(exc).__name__}: {exc}"


def _header(headers: Any, name: str) -> str | None:
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


def _clean(properties: Mapping[str, Any]) -> dict[str, str]:
    return {name: "" if value is None else str(value) for name, value in properties.items()}


class HubSpotCrm:
    """`CrmClient` for HubSpot (private-app access token)."""

    crm_type = "hubspot"
    batch_size = BATCH_SIZE

    def __init__(
        self,
        access_token: str,
        api_base: str = "https://api.hubapi.com",
        *,
        max_retries: int = 6,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 30.0,
        page_size: int = 200,
        timeout_seconds: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not access_token:
            raise CrmAuthError(f"HubSpot access token is empty: set {TOKEN_SETTING}")
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.page_size = max(1, min(page_size, SEARCH_MAX_LIMIT))
        self.timeout_seconds = timeout_seconds
        self.stats = CallStats()
        self._sleep = sleep
        # total=0: urllib3 never retries on its own (not even connection errors), so every
        # HTTP request is one we count and decide about here.
        client = HubSpot(
            access_token=access_token,
            host=api_base.rstrip("/"),
            retry=Retry(total=0, redirect=False, raise_on_status=False),
        )
        # Each discovery attribute access builds a new ApiClient (and connection pool):
        # build them once.
        self._search = {
            "contacts": client.crm.contacts.search_api,
            "companies": client.crm.companies.search_api,
        }
        self._batch = {
            "contacts": client.crm.contacts.batch_api,
            "companies": client.crm.companies.batch_api,
        }
        self._properties = client.crm.properties.core_api

    def close(self) -> None:
        """Drop pooled connections."""
        for api in [*self._search.values(), *self._batch.values(), self._properties]:
            api.api_client.rest_client.pool_manager.clear()

    # -- the calls -------------------------------------------------------------------

    def describe(self, object_type: ObjectType) -> dict[str, PropertySpec]:
        response = self._call(
            "properties",
            lambda **kw: self._properties.get_all_with_http_info(object_type=object_type, **kw),
            write=False,
            idempotent=True,
        )
        specs: dict[str, PropertySpec] = {}
        for prop in response.results or []:
            metadata = prop.modification_metadata
            specs[prop.name] = PropertySpec(
                name=prop.name,
                type=PROPERTY_TYPES.get(prop.type, "string"),
                length=None,  # HubSpot strings have no length limit (65,536 chars in practice)
                options=tuple(o.value for o in prop.options or [] if o.value is not None),
                read_only=bool(metadata and metadata.read_only_value),
            )
        return specs

    def pull(
        self,
        object_type: ObjectType,
        properties: list[str],
        modified_since: datetime | None,
    ) -> Iterator[list[CrmRecord]]:
        mod_prop = MODIFIED_PROPERTY[object_type]
        wanted = list(dict.fromkeys(properties))
        asked = list(dict.fromkeys([*wanted, mod_prop]))
        # (operator, epoch ms) lower bound of the current search; None = everything.
        lower: tuple[str, int] | None = (
            None if modified_since is None else ("GTE", _to_ms(modified_since))
        )
        while True:
            filters = [] if lower is None else [self._filter(object_type, mod_prop, *lower)]
            first_ms = last_ms = None
            capped = False
            for page, page_capped in self._search_pages(object_type, filters, mod_prop, asked):
                capped = page_capped
                records = [self._record(obj, mod_prop, wanted) for obj in page]
                if records:
                    first_ms = _to_ms(records[0].modified_at) if first_ms is None else first_ms
                    last_ms = _to_ms(records[-1].modified_at)
                    yield records
            if not capped:
                return
            assert first_ms is not None and last_ms is not None
            if first_ms == last_ms:
                # 10,000 results with one timestamp: a GTE restart would not progress.
                yield from self._pull_tied(object_type, mod_prop, asked, wanted, last_ms)
                new_lower = ("GT", last_ms)
            else:
                new_lower = ("GTE", last_ms)
            if lower is not None and (new_lower[1], new_lower[0] == "GT") <= (
                lower[1],
                lower[0] == "GT",
            ):
                raise CrmError(
                    f"HubSpot {object_type} search made no progress past "
                    f"{mod_prop}={last_ms}: the search API ignored its filter"
                )
            log.info(
                "HubSpot %s search hit the %d-result cap; restarting from %s %s %s",
                object_type,
                SEARCH_CAP,
                mod_prop,
                new_lower[0],
                last_ms,
            )
            lower = new_lower

    def upsert(
        self, object_type: ObjectType, rows: list[dict[str, str | None]], id_property: str
    ) -> list[WriteResult]:
        self._check_size(rows)
        fold = str.lower if id_property == "email" else (lambda v: v)
        keys = [str(row.get(id_property) or "").strip() for row in rows]
        outcome: dict[int, WriteResult] = {}
        sendable: list[int] = []
        seen: set[str] = set()
        for i, key in enumerate(keys):
            if not key:
                outcome[i] = WriteResult(key, False, error=f"no {id_property} to upsert by")
            elif fold(key) in seen:
                outcome[i] = WriteResult(
                    key, False, error=f"duplicate {id_property} {key} in one batch: not sent"
                )
            else:
                seen.add(fold(key))
                sendable.append(i)
        if sendable:
            models = _MODELS[object_type]
            body = models.BatchInputSimplePublicObjectBatchInputUpsert(
                inputs=[
                    models.SimplePublicObjectBatchInputUpsert(
                        id_property=id_property,
                        id=keys[i],
                        properties=_clean({**rows[i], id_property: keys[i]}),
                        object_write_trace_id=str(i),
                    )
                    for i in sendable
                ]
            )
            outcome.update(
                self._write(
                    "batch_upsert",
                    lambda **kw: self._batch[object_type].upsert_with_http_info(body, **kw),
                    {i: keys[i] for i in sendable},
                    key_of_result=lambda r: (r.properties or {}).get(id_property),
                    fold=fold,
                    idempotent=True,
                    created_of_result=lambda r: getattr(r, "new", None),
                )
            )
        return [outcome[i] for i in range(len(rows))]

    def update(
        self, object_type: ObjectType, rows: list[tuple[str, dict[str, str | None]]]
    ) -> list[WriteResult]:
        self._check_size(rows)
        if not rows:
            return []
        models = _MODELS[object_type]
        body = models.BatchInputSimplePublicObjectBatchInput(
            inputs=[
                models.SimplePublicObjectBatchInput(
                    id=str(crm_id), properties=_clean(props), object_write_trace_id=str(i)
                )
                for i, (crm_id, props) in enumerate(rows)
            ]
        )
        outcome = self._write(
            "batch_update",
            lambda **kw: self._batch[object_type].update_with_http_info(body, **kw),
            {i: str(crm_id) for i, (crm_id, _) in enumerate(rows)},
            key_of_result=lambda r: r.id,
            idempotent=True,
            created_of_result=lambda r: False,
        )
        return [outcome[i] for i in range(len(rows))]

    def create(
        self, object_type: ObjectType, rows: list[dict[str, str | None]]
    ) -> list[WriteResult]:
        self._check_size(rows)
        if not rows:
            return []
        models = _MODELS[object_type]
        body = models.BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                models.SimplePublicObjectBatchInputForCreate(
                    properties=_clean(row), associations=[], object_write_trace_id=str(i)
                )
                for i, row in enumerate(rows)
            ]
        )
        keys = {i: str(row.get("email") or i) for i, row in enumerate(rows)}
        outcome = self._write(
            "batch_create",
            lambda **kw: self._batch[object_type].create_with_http_info(body, **kw),
            keys,
            key_of_result=lambda r: (r.properties or {}).get("email"),
            fold=str.lower,
            idempotent=False,
            created_of_result=lambda r: True,
        )
        return [outcome[i] for i in range(len(rows))]

    def archive(self, object_type: ObjectType, crm_ids: list[str]) -> list[WriteResult]:
        self._check_size(crm_ids)
        if not crm_ids:
            return []
        models = _MODELS[object_type]
        body = models.BatchInputSimplePublicObjectId(
            inputs=[models.SimplePublicObjectId(id=str(crm_id)) for crm_id in crm_ids]
        )
        try:
            # 204 No Content; HubSpot ignores ids it does not know (already archived).
            self._call(
                "batch_archive",
                lambda **kw: self._batch[object_type].archive_with_http_info(body, **kw),
                write=True,
                idempotent=True,
            )
        except _BatchRejected as exc:
            return [WriteResult(str(i), False, error=exc.message) for i in crm_ids]
        return [WriteResult(str(i), True, crm_id=str(i), created=False) for i in crm_ids]

    # -- search ----------------------------------------------------------------------

    @staticmethod
    def _filter(object_type: str, name: str, operator: str, value: int | str) -> Any:
        return _MODELS[object_type].Filter(property_name=name, operator=operator, value=str(value))

    def _search_pages(
        self,
        object_type: str,
        filters: list[Any],
        sort_property: str,
        properties: list[str],
    ) -> Iterator[tuple[list[Any], bool]]:
        """One search query, page by page: yields (results, capped). `capped` is True on
        the last page when more results exist than the query may page through."""
        models = _MODELS[object_type]
        after: str | None = None
        while True:
            request = models.PublicObjectSearchRequest(
                filter_groups=[models.FilterGroup(filters=filters)] if filters else [],
                # The client types sorts as list[str]; HubSpot also takes the object form.
                sorts=[{"propertyName": sort_property, "direction": "ASCENDING"}],
                properties=properties,
                limit=self.page_size,
                after=after,
            )
            response = self._call(
                "search",
                lambda request=request, **kw: self._raw_search(object_type, request, **kw),
                write=False,
                idempotent=True,
            )
            results = list(response.get("results") or [])
            next_after = ((response.get("paging") or {}).get("next") or {}).get("after")
            if not next_after or not results:
                yield results, False
                return
            offset = int(next_after) if str(next_after).isdigit() else SEARCH_CAP
            if offset + self.page_size > SEARCH_CAP:
                yield results, True
                return
            yield results, False
            after = str(next_after)

    def _raw_search(self, object_type: str, request: Any, **kw: Any) -> tuple[Any, int, Any]:
        """The library's search call, answer kept as JSON: building its models parses two
        datetimes per record with dateutil, which would be most of a 10,000-record pull."""
        response = self._search[object_type].do_search_with_http_info(
            request, _preload_content=False, **kw
        )
        try:
            return json.loads(response.data), response.status, response.headers
        finally:
            response.release_conn()

    def _pull_tied(
        self,
        object_type: str,
        mod_prop: str,
        asked: list[str],
        wanted: list[str],
        at_ms: int,
    ) -> Iterator[list[CrmRecord]]:
        """All records modified exactly at `at_ms`, by ascending id (see module doc)."""
        last_id: int | None = None
        while True:
            filters = [self._filter(object_type, mod_prop, "EQ", at_ms)]
            if last_id is not None:
                filters.append(self._filter(object_type, ID_PROPERTY, "GT", last_id))
            capped = False
            start = last_id
            for page, page_capped in self._search_pages(object_type, filters, ID_PROPERTY, asked):
                capped = page_capped
                if page:
                    last_id = int(page[-1]["id"])
                    yield [self._record(obj, mod_prop, wanted) for obj in page]
            if not capped:
                return
            if last_id is None or (start is not None and last_id <= start):
                raise CrmError(
                    f"HubSpot {object_type} search by {ID_PROPERTY} made no progress at "
                    f"{mod_prop}={at_ms}"
                )

    @staticmethod
    def _record(obj: Mapping[str, Any], mod_prop: str, wanted: list[str]) -> CrmRecord:
        """One search result (HubSpot JSON) -> CrmRecord."""
        props = obj.get("properties") or {}
        # `updatedAt` is the same instant; the property is what the search filtered on.
        modified = _parse_datetime(props.get(mod_prop)) or _parse_datetime(obj.get("updatedAt"))
        if modified is None:
            raise CrmError(f"HubSpot record {obj.get('id')} has no {mod_prop}")
        return CrmRecord(
            id=str(obj["id"]),
            modified_at=modified,
            properties={name: props.get(name) for name in wanted},
            deleted=bool(obj.get("archived")),
        )

    # -- writes ----------------------------------------------------------------------

    def _check_size(self, rows: Sequence[Any]) -> None:
        if len(rows) > self.batch_size:
            raise ValueError(f"HubSpot batch of {len(rows)} rows: at most {self.batch_size}")

    def _write(
        self,
        operation: str,
        call: Callable[..., Any],
        keys: dict[int, str],
        *,
        key_of_result: Callable[[Any], str | None],
        idempotent: bool,
        created_of_result: Callable[[Any], bool | None],
        fold: Callable[[str], str] = lambda v: v,
    ) -> dict[int, WriteResult]:
        """Send one batch; map results and per-row errors back to input positions."""
        try:
            response = self._call(operation, call, write=True, idempotent=idempotent)
        except _BatchRejected as exc:
            return {i: WriteResult(key, False, error=exc.message) for i, key in keys.items()}
        except _NotRetried as exc:
            return {i: WriteResult(key, False, error=str(exc)) for i, key in keys.items()}
        by_key = {fold(key): i for i, key in keys.items()}

        def position(trace: Any, key: Any) -> int | None:
            if trace is not None and str(trace).isdigit() and int(trace) in keys:
                return int(trace)
            return by_key.get(fold(str(key))) if key else None

        outcome: dict[int, WriteResult] = {}
        for result in (response.results or []) if response is not None else []:
            i = position(getattr(result, "object_write_trace_id", None), key_of_result(result))
            if i is not None:
                outcome[i] = WriteResult(
                    keys[i],
                    True,
                    crm_id=str(result.id),
                    created=created_of_result(result),
                )
        unmatched: list[str] = []
        for error in getattr(response, "errors", None) or []:
            context = error.context or {}
            message = error.message or error.category or "HubSpot reported an error"
            rows = set()
            for name, values in context.items():
                for value in values or []:
                    if name in ("objectWriteTraceId", "objectWriteTraceIds"):
                        i = position(value, None)
                    else:
                        i = position(None, value)
                    if i is not None:
                        rows.add(i)
            gone = error.category == "OBJECT_NOT_FOUND"
            for i in rows:
                outcome.setdefault(i, WriteResult(keys[i], False, error=message, not_found=gone))
            if not rows:
                unmatched.append(message)
        for i, key in keys.items():
            if i not in outcome:
                reason = "; ".join(unmatched) or "HubSpot returned no result for this row"
                outcome[i] = WriteResult(key, False, error=reason)
        return outcome

    # -- one call, with retries ------------------------------------------------------

    def _call(
        self,
        operation: str,
        call: Callable[..., Any],
        *,
        write: bool,
        idempotent: bool,
    ) -> Any:
        """Run one API call (a `*_with_http_info` method); return its data. Retries as
        the module docstring says; counts every HTTP request in `self.stats`."""
        attempt = 0
        while True:
            self.stats.count(operation, write=write)
            retry_after: float | None = None
            try:
                data, _status, headers = call(_request_timeout=self.timeout_seconds)
            except _API_EXCEPTIONS as exc:
                status = int(getattr(exc, "status", 0) or 0)
                self._note_limits(getattr(exc, "headers", None))
                message = _error_message(exc)
                if status in (401, 403):
                    raise CrmAuthError(
                        f"HubSpot refused the access token ({message}); check {TOKEN_SETTING}"
                        + (" and its scopes" if status == 403 else "")
                    ) from exc
                if status == 429:
                    self.stats.rate_limited += 1
                    policy = _body_json(getattr(exc, "body", None)).get("policyName")
                    if policy == "DAILY":
                        raise CrmError(f"HubSpot daily API limit reached: {message}") from exc
                    retry_after = self._retry_after(getattr(exc, "headers", None))
                elif status >= 500 or status == 0:
                    self.stats.server_errors += 1
                    if not idempotent:
                        raise _NotRetried(
                            f"{message}; not retried: {operation} is not idempotent"
                        ) from exc
                elif write:
                    raise _BatchRejected(status, _hubspot_message(exc)) from exc
                else:
                    raise CrmError(f"HubSpot {operation} failed: {message}") from exc
                failure: BaseException = exc
            except _NETWORK_ERRORS as exc:
                self.stats.server_errors += 1
                message = _error_message(exc)
                if not idempotent:
                    raise _NotRetried(
                        f"{message}; not retried: {operation} is not idempotent"
                    ) from exc
                failure = exc
            else:
                self._note_limits(headers)
                return data
            if attempt >= self.max_retries:
                raise CrmError(
                    f"HubSpot {operation} failed after {attempt + 1} attempts: "
                    f"{_error_message(failure)}"
                ) from failure
            attempt += 1
            self.stats.retries += 1
            delay = backoff_delay(attempt, self.backoff_seconds, self.max_backoff_seconds)
            if retry_after is not None:
                delay = max(delay, retry_after)
            log.warning(
                "HubSpot %s: %s; retry %d/%d in %.2fs",
                operation,
                _error_message(failure),
                attempt,
                self.max_retries,
                delay,
            )
            self._sleep(delay)

    @staticmethod
    def _retry_after(headers: Any) -> float | None:
        value = _header(headers, "Retry-After")
        try:
            return max(0.0, float(value)) if value is not None else None
        except ValueError:
            return None

    def _note_limits(self, headers: Any) -> None:
        found = [(name, _header(headers, name)) for name in LIMIT_HEADERS]
        parts = [f"{name}={value}" for name, value in found if value is not None]
        if parts:
            self.stats.limit_info = "; ".join(parts)
