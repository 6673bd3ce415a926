"""`POST /graphql` (and `GET /graphql?query=...`): GraphQL over HTTP, scope `contacts:read`.

Served by a small endpoint rather than strawberry's router, so that authentication,
rate limits and the limits of `graphql_limits.py` apply before anything runs, and so
that a request that cannot run (does not parse, over a limit, fails validation) is a
400 with the reason, a warehouse that cannot be read a 503, and a query that ran a 200
with `data` (and `errors` for the fields that failed), as GraphQL-over-HTTP has it.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from graphql import GraphQLError

from bizdev_api.auth import Principal, require
from bizdev_api.body import read_body
from bizdev_api.errors import ApiError
from bizdev_api.reads.graphql_limits import check_query
from bizdev_api.reads.graphql_schema import Context, schema

router = APIRouter(tags=["graphql"])
MAX_GRAPHQL_BODY = 256 * 1024


@router.post("/graphql", summary="GraphQL query")
async def graphql_post(
    request: Request, principal: Principal = Depends(require("reads", "contacts:read"))
) -> JSONResponse:
    body = await read_body(request, MAX_GRAPHQL_BODY)
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ApiError(400, f'the body is not JSON ({error}); send {{"query": ...}}') from None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        raise ApiError(400, 'send a JSON object with a "query" string (and "variables")')
    return await _execute(request, principal, payload)


@router.get("/graphql", summary="GraphQL query in the URL")
async def graphql_get(
    request: Request,
    query: str,
    variables: str | None = None,
    principal: Principal = Depends(require("reads", "contacts:read")),
) -> JSONResponse:
    try:
        parsed = json.loads(variables) if variables else None
    except json.JSONDecodeError as error:
        raise ApiError(400, f"variables is not JSON ({error})") from None
    return await _execute(request, principal, {"query": query, "variables": parsed})


async def _execute(request: Request, principal: Principal, payload: dict[str, Any]) -> JSONResponse:
    variables = payload.get("variables") or {}
    if not isinstance(variables, dict):
        raise ApiError(400, '"variables" must be a JSON object')
    check_query(payload["query"], variables)
    context = Context(request.app.state.services.contacts, principal.has("contacts:read:pii"))
    result = await schema.execute(
        payload["query"],
        variable_values=variables,
        context_value=context,
        operation_name=payload.get("operationName"),
    )
    if result.errors:
        failure = _api_failure(result.errors)
        if failure is not None and result.data is None:
            raise failure
        if result.data is None:
            messages = "; ".join(e.message for e in result.errors[:5])
            raise ApiError(400, f"the query is not valid for this schema: {messages}")
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [_error(e) for e in result.errors]
    return JSONResponse(body)


def _api_failure(errors: list[GraphQLError]) -> ApiError | None:
    for error in errors:
        if isinstance(error.original_error, ApiError):
            return error.original_error
    return None


def _error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    message = original.detail if isinstance(original, ApiError) else error.message
    return {"message": message, "path": error.path}
