"""The `outreach` group: sequences run as Temporal workflows (`workflow.py`, `activities.py`,
`sequences/*.yaml`), the assets that enrol leads and read their events back (`assets.py`),
and the funnel marts."""
