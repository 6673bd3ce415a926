"""HubSpot: `HubSpotCrm`, the `CrmClient` on hubspot-api-client (see `client.py`)."""

from resources.crm.hubspot.client import HubSpotCrm

__all__ = ["HubSpotCrm"]
