"""The analysts' warehouse: one interface, two implementations chosen by `BIZDEV_WAREHOUSE`.

A DuckDB file is the embedded default; a `postgresql://` URL selects PostgreSQL
(`resources/settings.py`, `warehouse_for`). Assets name the base class `Warehouse` and
see the same tables either way; `base.py` says why frames go through this resource
rather than an IO manager.

- `base.py`: the `Warehouse` interface and `UpsertResult`
- `duckdb.py`: `DuckDBWarehouse`, one DuckDB file
- `postgres.py`: `PostgresWarehouse`; `pg_copy.py` moves frames through COPY,
  `pg_frames.py` converts them to and from CSV, `pg_schema.py` creates and evolves tables,
  `pg_tables.py` holds the keys and indexes of the pipeline tables, `pg_url.py` the URL's
  password redaction and `sslmode`
- `schema.py`: the tables the migrations own (ADR-013), declared once for both engines
- `migrations/`: the Alembic revisions that build them on PostgreSQL

Import these names from `resources.warehouse`.
"""

from resources.warehouse.base import UpsertResult, Warehouse, check_identifier, is_postgres_url
from resources.warehouse.duckdb import DuckDBWarehouse
from resources.warehouse.pg_url import redact_url
from resources.warehouse.postgres import (
    PostgresWarehouse,
    SchemaOutOfDate,
    WarehouseConnectionError,
)

__all__ = [
    "DuckDBWarehouse",
    "PostgresWarehouse",
    "SchemaOutOfDate",
    "UpsertResult",
    "Warehouse",
    "WarehouseConnectionError",
    "check_identifier",
    "is_postgres_url",
    "redact_url",
]
