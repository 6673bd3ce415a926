"""The Great Expectations suites (`expectations.py`) as asset checks on the published
tables, one per table. Warnings, not blocks: the table is already published when they run;
a failure shows in the UI, in `bizdev_asset_check_passed` and in the pass rate."""

from __future__ import annotations

import dagster as dg

from bizdev_assets.observability.expectations import SUITES, columns_of, validate
from resources.warehouse import Warehouse, check_identifier


def _suite_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=table,
        name="gx_suite",
        description=f"Great Expectations suite of {table}: "
        + "; ".join(
            f"{name.removeprefix('Expect')}({args['column']})" for name, args in SUITES[table]
        ),
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        if not warehouse.table_exists(table):  # a CRM not configured never writes its table
            return dg.AssetCheckResult(passed=True, description=f"{table} not written yet")
        columns = ", ".join(check_identifier(c) for c in columns_of(table))
        frame = warehouse.query(f"select {columns} from {check_identifier(table)}")
        golden = None
        if table == "contacts":
            golden = warehouse.query("select contact_id from golden_contacts")[
                "contact_id"
            ].to_list()
        outcome = validate(table, frame, golden)
        return dg.AssetCheckResult(
            passed=outcome.success,
            severity=dg.AssetCheckSeverity.WARN,
            description="; ".join(outcome.failed) or f"{outcome.evaluated} expectations met",
            metadata={
                "rows": frame.height,
                "expectations": outcome.evaluated,
                "pass_rate": outcome.pass_rate,
                "failed": outcome.failed,
            },
        )

    return _check


GX_CHECKS = [_suite_check(table) for table in SUITES]
