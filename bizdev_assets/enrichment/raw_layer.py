"""The raw layer: every provider response as the vendor sent it, loaded with dlt (through
dagster-dlt) into the warehouse schema `enrichment_raw`, for audit.

The source reads the NDJSON archive files the ledger wrote to the landing zone (listed
in `enrichment_archive_files`): one dlt resource, and one asset, per paid provider
(`enrichment_raw/apollo_responses`, `enrichment_raw/pdl_responses`). dlt turns nested
JSON into child tables (`apollo_responses__response__organizations`, and below it
`..__technology_names`) and adds columns when a vendor adds fields (schema evolution).
Each resource is incremental on the archive line (`<archive key>#<line>`), and dlt keeps
that cursor in the destination with the data (`_dlt_pipeline_state`), committed with the
load: a failed load does not advance it, so the next run loads the same files again. An
archive file missing from the landing zone becomes a row saying so, not a stuck cursor; a
corrupt one fails this asset (only this one) with the file and line to repair.

The destination follows the warehouse: the same DuckDB file, or the same PostgreSQL
database. dlt's working folder is temporary: its state is restored from the destination
on every run, so any process can run it.
"""

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import dlt
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData
from dlt.destinations.impl.postgres.configuration import PostgresCredentials
from dlt.extract.source import DltSource
from dlt.pipeline.exceptions import PipelineStepFailed

from bizdev_assets.enrichment.columns import ARCHIVE_TABLE, ENRICHMENT_TABLE, PERSON_TABLE
from resources.enrichment import PAID_PROVIDERS
from resources.landing import LandingZone
from resources.warehouse import DuckDBWarehouse, PostgresWarehouse, Warehouse

RAW_DATASET = "enrichment_raw"
PIPELINE_NAME = "bizdev_enrichment_raw"


def archive_source(warehouse: Warehouse | None, landing: LandingZone | None) -> DltSource:
    """The archive as a dlt source; without a warehouse (at definition time) it is empty."""

    @dlt.source(name=RAW_DATASET)  # the dlt schema: tables show as enrichment_raw.<table>
    def enrichment_raw_source() -> list[Any]:
        return [_responses(provider, warehouse, landing) for provider in PAID_PROVIDERS]

    return enrichment_raw_source()


def _responses(provider: str, warehouse: Warehouse | None, landing: LandingZone | None) -> Any:
    @dlt.resource(
        name=f"{provider}_responses",
        write_disposition="append",
        columns={"error": {"data_type": "text"}, "status_code": {"data_type": "bigint"}},
    )
    def responses(
        archive_line: dlt.sources.incremental[str] = dlt.sources.incremental(
            "archive_line", initial_value=""
        ),
    ) -> Iterator[dict[str, Any]]:
        if warehouse is None or landing is None or not warehouse.table_exists(ARCHIVE_TABLE):
            return
        # Files are loaded whole, so every file after the last one loaded is new.
        loaded_up_to = (archive_line.last_value or "").split("#")[0]
        files = warehouse.query(
            f"select archive_key from {ARCHIVE_TABLE} where provider = ? and archive_key > ? "
            "order by archive_key",
            [provider, loaded_up_to],
        )
        for key in files["archive_key"]:
            try:
                lines = landing.read_bytes(key).decode("utf-8").splitlines()
            except FileNotFoundError:
                yield {
                    "archive_key": key,
                    "archive_line": f"{key}#0",
                    "error": f"archive file {key} is missing",
                }
                continue
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield {**_record(key, number, line), "archive_line": f"{key}#{number:06d}"}

    return responses


def _record(key: str, number: int, line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise ValueError(
            f"{key} line {number} is not JSON ({exc}): nothing of this load is kept and the "
            "cursor stays before it; repair or remove the file, then run again"
        ) from None
    return {**record, "archive_key": key}


def raw_pipeline(warehouse: Warehouse, working_dir: str) -> dlt.Pipeline:
    """A dlt pipeline into the warehouse's own database, schema `enrichment_raw`."""
    if isinstance(warehouse, DuckDBWarehouse):
        destination = dlt.destinations.duckdb(credentials=str(Path(warehouse.path).resolve()))
    elif isinstance(warehouse, PostgresWarehouse):
        destination = dlt.destinations.postgres(credentials=_postgres_credentials(warehouse.dsn))
    else:
        raise TypeError(f"no dlt destination for a {type(warehouse).__name__}")
    return dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        destination=destination,
        dataset_name=RAW_DATASET,
        pipelines_dir=working_dir,
        progress="log",
    )


def _postgres_credentials(url: str) -> PostgresCredentials:
    """dlt's credentials for a warehouse URL. A unix-socket URL names its socket folder in
    `?host=` and no host before the path; dlt insists on a host there, and libpq lets the
    `?host=` of the query win, so a placeholder satisfies dlt and changes nothing."""
    credentials = PostgresCredentials()
    credentials.parse_native_representation(
        url.replace("postgresql+psycopg://", "postgresql://", 1)
    )
    if not credentials.host and "host" in (credentials.query or {}):
        credentials.host = "localhost"
    return credentials


class RawLayerTranslator(DagsterDltTranslator):
    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        return (
            super()
            .get_asset_spec(data)
            .replace_attributes(
                key=dg.AssetKey([RAW_DATASET, data.resource.name]),
                deps=[ENRICHMENT_TABLE, PERSON_TABLE],
                group_name="enrichment",
                kinds={"dlt", "duckdb"},
                description=f"Every {data.resource.name.split('_')[0]} response as sent "
                "(raw layer, loaded by dlt from the NDJSON archive; nested JSON as child tables).",
            )
        )


# Only its shape is read at definition time; runs use `raw_pipeline(warehouse, ...)`.
_DEFINITION_PIPELINE = dlt.pipeline(
    pipeline_name=PIPELINE_NAME,
    destination="duckdb",
    dataset_name=RAW_DATASET,
    pipelines_dir=str(Path(tempfile.gettempdir()) / "bizdev-dlt-definitions"),
)


@dlt_assets(
    dlt_source=archive_source(None, None),
    dlt_pipeline=_DEFINITION_PIPELINE,
    name="enrichment_raw",
    dagster_dlt_translator=RawLayerTranslator(),
)
def enrichment_raw(
    context: dg.AssetExecutionContext,
    dlt_raw: DagsterDltResource,
    warehouse: Warehouse,
    landing: LandingZone,
):
    """Load the archived provider responses not yet loaded (module docstring)."""
    if not warehouse.table_exists(ARCHIVE_TABLE):
        for key in context.selected_asset_keys:
            yield dg.MaterializeResult(
                asset_key=key, metadata={"rows_loaded": 0, "note": "nothing archived yet"}
            )
        return
    with tempfile.TemporaryDirectory(prefix="bizdev-dlt-") as working_dir:
        pipeline = raw_pipeline(warehouse, working_dir)
        try:
            yield from dlt_raw.run(
                context=context,
                dlt_source=archive_source(warehouse, landing),
                dlt_pipeline=pipeline,
                # DuckDB parses dlt's default INSERT files whole: parquet loads in a
                # fraction of the memory. PostgreSQL takes CSV through COPY.
                loader_file_format="parquet" if isinstance(warehouse, DuckDBWarehouse) else "csv",
            )
        except PipelineStepFailed as exc:
            # The root cause says it all; dlt's wrappers around it would bury it.
            raise dg.Failure(
                f"the raw layer was not loaded ({exc.step} step): {_root_cause(exc)}"
            ) from None


def _root_cause(exc: BaseException) -> str:
    """The innermost exception of dlt's wrappers, as `Type: message`."""
    while exc.__cause__ is not None or getattr(exc, "exception", None) is not None:
        exc = exc.__cause__ or exc.exception
    return f"{type(exc).__name__}: {exc}"
