"""Salesforce: `SalesforceCrm`, the `CrmClient` on simple-salesforce (see `client.py`)."""

from resources.crm.salesforce.client import SalesforceCrm

__all__ = ["SalesforceCrm"]
