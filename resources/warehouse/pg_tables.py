"""Keys, indexes and column types of the asset tables in a server warehouse (PostgreSQL).

The column list comes from the frame an asset writes (its column contract); this adds
what a frame cannot say: which columns identify a row, which are searched on, and which
strings hold JSON. A table not listed here is created without a key (replace = truncate
and reload). The ADR-013 tables (`contacts`, `crm_sync_state`, `enrichment_cache`) are
not here: their schema is owned by the migrations (`schema.py`, `migrations/`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableSchema:
    primary_key: tuple[str, ...] = ()
    # Unique even where part of it is null (NULLS NOT DISTINCT): a CSV row has no sheet.
    unique: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    # column -> SQL type, where the polars type alone maps to the wrong one.
    column_types: dict[str, str] = field(default_factory=dict)


JSON = "json"  # `json` keeps the text as written (jsonb would reorder keys and reject \u0000)

TABLE_SCHEMAS: dict[str, TableSchema] = {
    "raw_contact_files": TableSchema(
        unique=("file_hash", "source_sheet", "source_row"),
        column_types={"attributes": JSON},
    ),
    "landing_file_log": TableSchema(
        primary_key=("file_hash",),
        indexes=(("normalized_at",),),
        column_types={"warnings": JSON},
    ),
    "contacts_normalized": TableSchema(
        primary_key=("record_id",),
        indexes=(("email",), ("email_match_key",), ("file_hash",)),
        column_types={"attributes": JSON},
    ),
    "contacts_quarantine": TableSchema(
        unique=("file_hash", "source_sheet", "source_row"),
    ),
    "contact_match_model": TableSchema(
        primary_key=("version",),
        column_types={"model_json": JSON},
    ),
    "contact_clusters": TableSchema(
        primary_key=("record_id",),
        indexes=(("cluster_id",),),
    ),
    "golden_contacts": TableSchema(
        primary_key=("contact_id",),
        indexes=(("email",), ("cluster_id",)),
        column_types={"field_provenance": JSON},
    ),
    "contact_quality_scores": TableSchema(
        primary_key=("contact_id",),
    ),
}


def schema_for(table: str) -> TableSchema:
    return TABLE_SCHEMAS.get(table, TableSchema())
