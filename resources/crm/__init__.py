"""HubSpot and Salesforce as resources: the Dagster resources (`resources.py`), the
`CrmClient` interface the sync engine uses (`client.py`) and one adapter per CRM
(`hubspot/`, `salesforce/`). Retries are the shared loop of `resources/http_retry.py`."""

from resources.crm.resources import (
    HUBSPOT_PUBLIC_API,
    CrmResource,
    HubSpotResource,
    SalesforceResource,
)

__all__ = ["HUBSPOT_PUBLIC_API", "CrmResource", "HubSpotResource", "SalesforceResource"]
