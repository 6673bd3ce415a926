"""How much a GraphQL query may ask for, decided before it runs (pure, on the AST).

- Size: at most `MAX_QUERY_CHARS` characters and `MAX_ALIASES` aliases (aliases repeat
  an expensive field under other names).
- Depth: at most `MAX_DEPTH` nested selections (fragments followed, cycles refused;
  introspection's `__schema`/`__type` not counted: their depth is fixed by the spec).
- Cost: every field costs the product of the page sizes of the lists above it and of
  itself (`first`, from the literal or the variables, else the field's default), summed
  over the query; at most `MAX_COST`. `contacts(first: 100) { edges { node {
  sourceRecords(first: 50) { email } } } }` costs 100 + 100 + 100 + 5,000 + 5,000.

A query over a limit is refused with 400 and a sentence saying which limit and by how much.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    parse,
)

from bizdev_api.errors import ApiError

MAX_QUERY_CHARS = 10_000
MAX_DEPTH = 8
MAX_ALIASES = 20
MAX_COST = 12_000
# List fields: (default page size, largest honoured).
LIST_FIELDS = {
    "contacts": (20, 100),
    "edges": (1, 1),  # the page size is on `contacts`
    "sourceRecords": (20, 50),
    "signals": (10, 20),
    "idHistory": (5, 5),
    "crmStatus": (2, 2),
    "outreach": (5, 5),
}


def check_query(query: str, variables: dict[str, Any] | None) -> DocumentNode:
    """The parsed document, or ApiError(400) naming the limit the query breaks."""
    if len(query) > MAX_QUERY_CHARS:
        raise ApiError(400, f"the query is {len(query):,} characters; at most {MAX_QUERY_CHARS:,}")
    try:
        document = parse(query)
    except GraphQLError as error:
        raise ApiError(400, f"the query does not parse: {error.message}") from None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            walk = _Walk(fragments, variables or {})
            walk.selections(definition.selection_set, depth=1, multiplier=1, path=())
            if walk.aliases > MAX_ALIASES:
                raise ApiError(400, f"{walk.aliases} aliases; at most {MAX_ALIASES} per query")
            if walk.cost > MAX_COST:
                raise ApiError(
                    400,
                    f"the query would read about {walk.cost:,} values; at most {MAX_COST:,}: "
                    "ask for smaller pages (first) or fewer nested lists",
                )
    return document


class _Walk:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode], variables: dict) -> None:
        self.fragments = fragments
        self.variables = variables
        self.cost = 0
        self.aliases = 0

    def selections(
        self, selection_set: SelectionSetNode | None, depth: int, multiplier: int, path: tuple
    ) -> None:
        if selection_set is None:
            return
        if depth > MAX_DEPTH:
            raise ApiError(400, f"the query nests deeper than {MAX_DEPTH} levels; flatten it")
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                self.field(node, depth, multiplier, path)
            elif isinstance(node, InlineFragmentNode):
                self.selections(node.selection_set, depth, multiplier, path)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                if name in path:
                    raise ApiError(400, f"fragment {name} spreads itself (a cycle)")
                fragment = self.fragments.get(name)
                if fragment is None:
                    raise ApiError(400, f"fragment {name} is not defined")
                self.selections(fragment.selection_set, depth, multiplier, (*path, name))

    def field(self, node: FieldNode, depth: int, multiplier: int, path: tuple) -> None:
        name = node.name.value
        if name.startswith("__"):
            return  # introspection: fixed shape, cheap
        if node.alias is not None:
            self.aliases += 1
        if name in LIST_FIELDS:
            multiplier *= self._page(node, *LIST_FIELDS[name])
        self.cost += multiplier
        if self.cost > MAX_COST * 10:  # stop walking a runaway query early
            raise ApiError(400, f"the query would read more than {MAX_COST:,} values")
        self.selections(node.selection_set, depth + 1, multiplier, path)

    def _page(self, node: FieldNode, default: int, largest: int) -> int:
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value, default)
            else:
                raw = getattr(value, "value", default)
            try:
                return max(1, min(int(raw), largest))
            except (TypeError, ValueError):
                return largest
        return default
