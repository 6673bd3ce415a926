"""The bizdev HTTP API (`bizdev api`, docs/api.md): a process of its own beside Dagster.

- `app.py`: `create_app(settings)`, the parts and their background work
- `intake/`: `POST /v1/contacts`, `POST /v1/uploads`, `GET /v1/uploads/{id}`; the spool
  (group commits into the landing zone) and the compactor (spool -> landing files)
- `webhooks/`: HubSpot v3, Salesforce relay and generic Standard Webhooks; the outbox
- `reads/`: REST (`/v1/contacts`) and GraphQL (`/graphql`) over the warehouse, masked
- `outreach.py`: workflow triggers against the `OutreachTriggers` interface
- `auth.py`, `tokens.py`, `keys.py`: JWT and API keys, scopes; `ratelimit.py`
- `state.py`: the API's SQLite state file; `metrics.py`: Prometheus and health routes
- `cli.py`: `bizdev api`, `bizdev api token create`, `bizdev api key ...`

It imports `resources/` and pure modules of `bizdev_assets/`; neither imports it
(import contracts in pyproject.toml).
"""
