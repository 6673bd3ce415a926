"""Deleting a data subject from every warehouse table, and proving none is left.

The tables are the warehouse's own list (information_schema), not a list kept here, so a
table added later is found; `registry.py` says how each one identifies a subject. All
deletes run in one transaction. `remaining_occurrences` then scans every text and JSON
column of every table for the subject's emails and phone numbers: erasure reports
`finished` only when that scan finds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bizdev_assets.gdpr.identifiers import Subject
from bizdev_assets.gdpr.registry import IGNORED, RAW_LAYER_SCHEMA, TableRule, rule_for
from bizdev_assets.gdpr.sql import in_list
from resources.warehouse import Warehouse

OPEN_REQUEST_TABLES = frozenset({"gdpr_request_subjects"})
_TEXT_TYPES = ("varchar", "text", "character", "json", "jsonb", "uuid", "string")


@dataclass
class WarehouseErasure:
    deleted: dict[str, int] = field(default_factory=dict)  # table -> rows deleted
    unclassified: list[str] = field(default_factory=list)
    remaining: dict[str, int] = field(default_factory=dict)  # table -> rows still matching


def text_columns(warehouse: Warehouse) -> dict[str, list[str]]:
    """Every table (views left out) of the warehouse's own schema and of the enrichment
    raw layer's -> its text, JSON, UUID and text-list columns. Raw-layer tables are named
    `enrichment_raw.<table>`."""
    rows = warehouse.query(
        "select c.table_schema, c.table_name, c.column_name, c.data_type "
        "from information_schema.columns c join information_schema.tables t "
        "on t.table_schema = c.table_schema and t.table_name = c.table_name "
        "where t.table_type = 'BASE TABLE' and (c.table_schema = current_schema() "
        "or c.table_schema = ?) order by c.table_schema, c.table_name, c.ordinal_position",
        [RAW_LAYER_SCHEMA],
    )
    default = warehouse.query("select current_schema() as s")["s"][0]
    tables: dict[str, list[str]] = {}
    for schema, table, column, data_type in rows.iter_rows():
        name = table if schema == default else f"{schema}.{table}"
        kind = data_type.lower()
        tables.setdefault(name, [])
        if kind.startswith(_TEXT_TYPES) or kind == "array" or kind.endswith("[]"):
            tables[name].append(column)
    return {t: c for t, c in tables.items() if t not in IGNORED}


def sql_name(table: str) -> str:
    """`table` or `schema.table`, quoted."""
    return ".".join(f'"{part}"' for part in table.split("."))


def unclassified_tables(warehouse: Warehouse) -> list[str]:
    """Tables with text columns that `registry.PII_TABLES` does not classify."""
    return sorted(t for t, cols in text_columns(warehouse).items() if cols and not rule_for(t))


def _text_match(column: str, subject: Subject) -> tuple[list[str], list[Any]]:
    """Conditions true when the column's text holds one of the subject's emails or phones."""
    text = f'lower(cast("{column}" as text))'
    conditions = [f"{text} like ?" for _ in subject.emails]
    params: list[Any] = [f"%{e}%" for e in sorted(subject.emails)]
    digits = f"regexp_replace(cast(\"{column}\" as text), '[^0-9]', '', 'g')"
    for tail in sorted(subject.phone_tails):
        conditions.append(f"{digits} like ?")
        params.append(f"%{tail}%")
    return conditions, params


def _key_match(column: str, kind: str, subject: Subject) -> tuple[list[str], list[Any]]:
    if kind == "email":
        sql, params = in_list(f'lower(cast("{column}" as text))', subject.emails)
        return [sql], params
    if kind == "phone":
        digits = f"right(regexp_replace(cast(\"{column}\" as text), '[^0-9]', '', 'g'), 9)"
        sql, params = in_list(digits, subject.phone_tails)
        return [sql], params
    if kind == "enrichment_query":  # the enrichment cache's key: sha256 of kind and email
        hashes = {hashlib.sha256(f"person\n{e}".encode()).hexdigest() for e in subject.emails}
        sql, params = in_list(f'cast("{column}" as text)', hashes)
        return [sql], params
    values: Iterable[str] = {
        "record_id": subject.record_ids,
        "contact_id": subject.contact_ids,
        "cluster_id": subject.cluster_ids,
        "crm_id": {i for ids in subject.crm_ids.values() for i in ids},
        "workflow_id": subject.workflow_ids,
    }[kind]
    sql, params = in_list(f'cast("{column}" as text)', set(values))
    return [sql], params


def subject_condition(
    rule: TableRule, columns: list[str], text: list[str], subject: Subject
) -> tuple[str, list[Any]]:
    """The WHERE clause that picks the subject's rows of one table."""
    conditions: list[str] = []
    params: list[Any] = []
    for column, kind in rule.keys.items():
        if column in columns:
            sql, p = _key_match(column, kind, subject)
            conditions += sql
            params += p
    scanned = text if rule.all_text else [c for c in rule.text if c in columns]
    for column in scanned:
        sql, p = _text_match(column, subject)
        conditions += sql
        params += p
    if rule.raw_row_key and {"file_hash", "source_row"} <= set(columns):
        for file_hash, sheet, row in sorted(subject.raw_rows, key=str):
            conditions.append(
                "(file_hash = ? and source_row = ? and coalesce(source_sheet, '') = ?)"
            )
            params += [file_hash, row, sheet or ""]
    conditions = [c for c in conditions if c != "false"]
    return (" or ".join(f"({c})" for c in conditions) or "false"), params


def erase_from_warehouse(warehouse: Warehouse, subject: Subject) -> WarehouseErasure:
    outcome = WarehouseErasure()
    statements: list[tuple[str, list[Any]]] = []
    tables = text_columns(warehouse)
    dlt_tables: dict[str, list[str]] = {}
    for table, text in tables.items():
        rule = rule_for(table)
        if rule is None:
            if not text:
                continue
            outcome.unclassified.append(table)
            rule = TableRule(all_text=True)
        if rule.no_subject:
            continue
        if rule.dlt_tree:
            dlt_tables[table] = text
            continue
        columns = warehouse.query(f"select * from {sql_name(table)} limit 0").columns
        where, params = subject_condition(rule, columns, text, subject)
        if where == "false":
            continue
        count = warehouse.query(
            f"select count(*) as n from {sql_name(table)} where {where}", params
        )["n"][0]
        if count:
            outcome.deleted[table] = count
            statements.append((f"delete from {sql_name(table)} where {where}", params))
    statements += _dlt_tree_deletes(warehouse, dlt_tables, subject, outcome)
    if statements:
        warehouse.append_many({}, sql_after=statements)
    outcome.remaining = remaining_occurrences(warehouse, subject)
    return outcome


def _dlt_tree_deletes(
    warehouse: Warehouse,
    tables: dict[str, list[str]],
    subject: Subject,
    outcome: WarehouseErasure,
) -> list[tuple[str, list[Any]]]:
    """Raw-layer rows naming the subject, with every row above them (up to the vendor's
    response) and below (its child tables), found through `_dlt_id`/`_dlt_parent_id`."""
    ids: set[str] = set()
    links: dict[str, tuple[str, str | None]] = {}  # _dlt_id -> (table, _dlt_parent_id)
    for table, text in tables.items():
        columns = warehouse.query(f"select * from {sql_name(table)} limit 0").columns
        if "_dlt_id" not in columns:
            continue
        parent = '"_dlt_parent_id"' if "_dlt_parent_id" in columns else "null"
        rows = warehouse.query(f'select "_dlt_id" as id, {parent} as parent from {sql_name(table)}')
        links |= {i: (table, p) for i, p in rows.iter_rows()}
        where, params = subject_condition(TableRule(all_text=True), columns, text, subject)
        if where != "false":
            hits = warehouse.query(f'select "_dlt_id" from {sql_name(table)} where {where}', params)
            ids |= set(hits["_dlt_id"])
    frontier = set(ids)
    while frontier:  # up to the root response
        frontier = {p for i in frontier if (p := links.get(i, ("", None))[1]) and p not in ids}
        ids |= frontier
    children: dict[str, set[str]] = {}
    for i, (_, p) in links.items():
        if p:
            children.setdefault(p, set()).add(i)
    frontier = set(ids)
    while frontier:  # and down to every child row
        frontier = {c for i in frontier for c in children.get(i, ()) if c not in ids}
        ids |= frontier
    statements = []
    by_table: dict[str, set[str]] = {}
    for i in ids:
        if i in links:
            by_table.setdefault(links[i][0], set()).add(i)
    for table, table_ids in sorted(by_table.items()):
        where, params = in_list('"_dlt_id"', table_ids)
        outcome.deleted[table] = len(table_ids)
        statements.append((f"delete from {sql_name(table)} where {where}", params))
    return statements


def remaining_occurrences(
    warehouse: Warehouse, subject: Subject, skip: frozenset[str] = OPEN_REQUEST_TABLES
) -> dict[str, int]:
    """Rows of any table whose text columns still hold one of the subject's emails or
    phones (tables that hold no subject included: a leak there counts too). `skip`: the
    open request's own identifiers, deleted when the request finishes."""
    found: dict[str, int] = {}
    for table, text in text_columns(warehouse).items():
        if table in skip:
            continue
        conditions: list[str] = []
        params: list[Any] = []
        for column in text:
            sql, p = _text_match(column, subject)
            conditions += sql
            params += p
        if not conditions:
            continue
        count = warehouse.query(
            f"select count(*) as n from {sql_name(table)} where {' or '.join(conditions)}",
            params,
        )["n"][0]
        if count:
            found[table] = count
    return found
