"""HubSpot's batch writes (100 inputs a call) and how their answers map back to rows.

Batch calls answer 207 with `errors` next to `results`; the client library does not
raise. Each input carries `objectWriteTraceId` = its position in the call, and results /
errors are mapped back to input rows by that trace id, else by the id value (email for a
contact upsert, the CRM id for update) found in the result or in the error's `context`.
A row with neither a result nor an error of its own is reported failed with the batch's
unmatched error messages. A 4xx for a whole batch (400 validation, 409 conflict) fails
every row with HubSpot's message (`whole_batch`: the row itself may be fine). A
validation or conflict error is `permanent`: sent again unchanged it fails again. A
`create` that met a 5xx or timeout may have happened:
its rows come back failed ("not retried: ... is not idempotent") and the engine tries
them again next run (as upserts, if it has an email).

Values: HubSpot property values are strings; `None` is sent as "" (HubSpot's way of
clearing a property).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from resources.crm.client import ObjectType, WriteResult
from resources.crm.hubspot.api import MODELS, HubSpotApi
from resources.crm.hubspot.errors import BatchRejected
from resources.crm.wire import write_in_batches
from resources.http_retry import NotRetried

BATCH_SIZE = 100  # inputs per batch call
# Per-row error categories that may pass when sent again unchanged; any other category
# (VALIDATION_ERROR, CONFLICT, ...) fails the same way until the row or the CRM changes.
TRANSIENT_CATEGORIES = {"RATE_LIMITS", "INTERNAL_ERROR", "TIMEOUT", "LOCKED"}


class HubSpotWrites:
    def __init__(self, api: HubSpotApi):
        self.api = api

    def upsert(
        self, object_type: ObjectType, rows: list[dict[str, str | None]], id_property: str
    ) -> list[WriteResult]:
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
        models = MODELS[object_type]

        def send(batch: Sequence[int], _offset: int) -> list[WriteResult]:
            body = models.BatchInputSimplePublicObjectBatchInputUpsert(
                inputs=[
                    models.SimplePublicObjectBatchInputUpsert(
                        id_property=id_property,
                        id=keys[i],
                        properties=_clean({**rows[i], id_property: keys[i]}),
                        object_write_trace_id=str(i),
                    )
                    for i in batch
                ]
            )
            answered = self._write(
                "batch_upsert",
                lambda **kw: self.api.batch[object_type].upsert_with_http_info(body, **kw),
                {i: keys[i] for i in batch},
                key_of_result=lambda r: (r.properties or {}).get(id_property),
                fold=fold,
                idempotent=True,
                created_of_result=lambda r: getattr(r, "new", None),
            )
            return [answered[i] for i in batch]

        sent = write_in_batches(sendable, BATCH_SIZE, send)
        outcome.update(zip(sendable, sent, strict=True))
        return [outcome[i] for i in range(len(rows))]

    def update(
        self, object_type: ObjectType, rows: list[tuple[str, dict[str, str | None]]]
    ) -> list[WriteResult]:
        models = MODELS[object_type]

        def send(batch: Sequence[tuple[str, dict]], offset: int) -> list[WriteResult]:
            body = models.BatchInputSimplePublicObjectBatchInput(
                inputs=[
                    models.SimplePublicObjectBatchInput(
                        id=str(crm_id),
                        properties=_clean(props),
                        object_write_trace_id=str(offset + i),
                    )
                    for i, (crm_id, props) in enumerate(batch)
                ]
            )
            keys = {offset + i: str(crm_id) for i, (crm_id, _) in enumerate(batch)}
            answered = self._write(
                "batch_update",
                lambda **kw: self.api.batch[object_type].update_with_http_info(body, **kw),
                keys,
                key_of_result=lambda r: r.id,
                idempotent=True,
                created_of_result=lambda r: False,
            )
            return [answered[i] for i in keys]

        return write_in_batches(rows, BATCH_SIZE, send)

    def create(
        self, object_type: ObjectType, rows: list[dict[str, str | None]]
    ) -> list[WriteResult]:
        models = MODELS[object_type]

        def send(batch: Sequence[dict[str, str | None]], offset: int) -> list[WriteResult]:
            body = models.BatchInputSimplePublicObjectBatchInputForCreate(
                inputs=[
                    models.SimplePublicObjectBatchInputForCreate(
                        properties=_clean(row),
                        associations=[],
                        object_write_trace_id=str(offset + i),
                    )
                    for i, row in enumerate(batch)
                ]
            )
            keys = {offset + i: str(row.get("email") or offset + i) for i, row in enumerate(batch)}
            answered = self._write(
                "batch_create",
                lambda **kw: self.api.batch[object_type].create_with_http_info(body, **kw),
                keys,
                key_of_result=lambda r: (r.properties or {}).get("email"),
                fold=str.lower,
                idempotent=False,
                created_of_result=lambda r: True,
            )
            return [answered[i] for i in keys]

        return write_in_batches(rows, BATCH_SIZE, send)

    def archive(self, object_type: ObjectType, crm_ids: list[str]) -> list[WriteResult]:
        models = MODELS[object_type]

        def send(batch: Sequence[str], _offset: int) -> list[WriteResult]:
            body = models.BatchInputSimplePublicObjectId(
                inputs=[models.SimplePublicObjectId(id=str(crm_id)) for crm_id in batch]
            )
            try:
                # 204 No Content; HubSpot ignores ids it does not know (already archived).
                self.api.call(
                    "batch_archive",
                    lambda **kw: self.api.batch[object_type].archive_with_http_info(body, **kw),
                    write=True,
                    idempotent=True,
                )
            except BatchRejected as exc:
                return [WriteResult(str(i), False, error=exc.message) for i in batch]
            return [WriteResult(str(i), True, crm_id=str(i), created=False) for i in batch]

        return write_in_batches(crm_ids, BATCH_SIZE, send)

    def gdpr_delete(self, crm_ids: list[str], emails: list[str]) -> list[WriteResult]:
        """HubSpot's GDPR delete (`POST /crm/v3/objects/contacts/gdpr-delete`), one call per
        contact id, then one per email (`idProperty=email`): a contact not known by id is
        still found, and an email HubSpot holds no contact for is blocklisted by it so
        it cannot be re-created. 204 either way; idempotent, so retried."""
        models = MODELS["contacts"]
        targets = [(str(i), None) for i in crm_ids] + [(e, "email") for e in emails]
        results = []
        for object_id, id_property in targets:
            body = models.PublicGdprDeleteInput(object_id=object_id, id_property=id_property)
            try:
                self.api.call(
                    "gdpr_delete",
                    lambda body=body, **kw: self.api.contacts_basic.purge_with_http_info(
                        body, **kw
                    ),
                    write=True,
                    idempotent=True,
                )
            except BatchRejected as exc:
                results.append(WriteResult(object_id, False, error=exc.message, permanent=True))
                continue
            results.append(WriteResult(object_id, True, crm_id=object_id))
        return results

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
            response = self.api.call(operation, call, write=True, idempotent=idempotent)
        except BatchRejected as exc:
            return {
                i: WriteResult(key, False, error=exc.message, permanent=True, whole_batch=True)
                for i, key in keys.items()
            }
        except NotRetried as exc:
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
                    keys[i], True, crm_id=str(result.id), created=created_of_result(result)
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
            permanent = error.category not in TRANSIENT_CATEGORIES
            for i in rows:
                outcome.setdefault(
                    i,
                    WriteResult(keys[i], False, error=message, not_found=gone, permanent=permanent),
                )
            if not rows:
                unmatched.append(message)
        for i, key in keys.items():
            if i not in outcome:
                reason = "; ".join(unmatched) or "HubSpot returned no result for this row"
                outcome[i] = WriteResult(key, False, error=reason)
        return outcome


def _clean(properties: Mapping[str, Any]) -> dict[str, str]:
    return {name: "" if value is None else str(value) for name, value in properties.items()}
