"""`pull` for HubSpot: the CRM search API, sorted by the modified-date property ascending.

A search returns at most 10,000 results (asking for `after` >= 10000 answers 400). When
the next page would cross the cap, a new search starts from the last modified value seen
(`GTE`, so records at that boundary come again; the engine de-duplicates by id). If a
whole 10,000-result window shares ONE timestamp, a `GTE` restart would return the same
window forever; instead that timestamp is drained with a second kind of search:
`modified EQ t`, sorted by `hs_object_id`, restarting with `hs_object_id GT <last id>`
(ids are unique, so that always progresses), then the scan resumes with `modified GT t`.
HubSpot allows one sort rule per search, which is why ties are broken with a separate
search rather than a secondary sort. Pages stay in ascending `modified_at` order.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from resources.crm.client import CrmError, CrmRecord, ObjectType
from resources.crm.hubspot.api import MODELS, HubSpotApi
from resources.crm.wire import EPOCH, parse_datetime

log = logging.getLogger(__name__)

SEARCH_CAP = 10_000  # results one search query can page through
SEARCH_MAX_LIMIT = 200  # results per search page
MODIFIED_PROPERTY: dict[str, str] = {
    "contacts": "lastmodifieddate",
    "companies": "hs_lastmodifieddate",
}
ID_PROPERTY = "hs_object_id"


def to_ms(when: datetime) -> int:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - EPOCH) // timedelta(milliseconds=1)


class HubSpotSearch:
    def __init__(self, api: HubSpotApi, page_size: int):
        self.api = api
        self.page_size = max(1, min(page_size, SEARCH_MAX_LIMIT))

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
            None if modified_since is None else ("GTE", to_ms(modified_since))
        )
        while True:
            filters = [] if lower is None else [_filter(object_type, mod_prop, *lower)]
            first_ms = last_ms = None
            capped = False
            for page, page_capped in self._pages(object_type, filters, mod_prop, asked):
                capped = page_capped
                records = [_record(obj, mod_prop, wanted) for obj in page]
                if records:
                    first_ms = to_ms(records[0].modified_at) if first_ms is None else first_ms
                    last_ms = to_ms(records[-1].modified_at)
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

    def _pages(
        self,
        object_type: str,
        filters: list[Any],
        sort_property: str,
        properties: list[str],
    ) -> Iterator[tuple[list[Any], bool]]:
        """One search query, page by page: yields (results, capped). `capped` is True on
        the last page when more results exist than the query may page through."""
        models = MODELS[object_type]
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
            response = self.api.call(
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
        response = self.api.search[object_type].do_search_with_http_info(
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
            filters = [_filter(object_type, mod_prop, "EQ", at_ms)]
            if last_id is not None:
                filters.append(_filter(object_type, ID_PROPERTY, "GT", last_id))
            capped = False
            start = last_id
            for page, page_capped in self._pages(object_type, filters, ID_PROPERTY, asked):
                capped = page_capped
                if page:
                    last_id = int(page[-1]["id"])
                    yield [_record(obj, mod_prop, wanted) for obj in page]
            if not capped:
                return
            if last_id is None or (start is not None and last_id <= start):
                raise CrmError(
                    f"HubSpot {object_type} search by {ID_PROPERTY} made no progress at "
                    f"{mod_prop}={at_ms}"
                )


def _filter(object_type: str, name: str, operator: str, value: int | str) -> Any:
    return MODELS[object_type].Filter(property_name=name, operator=operator, value=str(value))


def _record(obj: Mapping[str, Any], mod_prop: str, wanted: list[str]) -> CrmRecord:
    """One search result (HubSpot JSON) -> CrmRecord."""
    props = obj.get("properties") or {}
    # `updatedAt` is the same instant; the property is what the search filtered on.
    modified = parse_datetime(props.get(mod_prop)) or parse_datetime(obj.get("updatedAt"))
    if modified is None:
        raise CrmError(f"HubSpot record {obj.get('id')} has no {mod_prop}")
    return CrmRecord(
        id=str(obj["id"]),
        modified_at=modified,
        properties={name: props.get(name) for name in wanted},
        deleted=bool(obj.get("archived")),
    )
