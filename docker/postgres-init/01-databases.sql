-- Runs once, when the postgres volume is first initialised. POSTGRES_DB (compose.yaml)
-- creates `dagster`, Dagster's run, event-log and schedule storage; the warehouse gets
-- its own database so analysts' grants and backups stay separate from Dagster's.
CREATE DATABASE warehouse;
