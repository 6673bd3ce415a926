"""The local CRM servers start as fresh accounts and refuse what a real account refuses
(checked with the vendors' own client libraries), so the sync is tested against the
errors a new user meets."""

from __future__ import annotations

import pytest

from resources.crm.client import CrmError
from tests.crm_support import hubspot_crm, salesforce_crm


def test_a_hubspot_property_never_created_fails_the_batch_with_property_doesnt_exist(hubspot):
    crm = hubspot_crm(hubspot)
    assert "bizdev_contact_id" not in crm.describe("contacts")
    (result,) = crm.upsert(
        "contacts", [{"email": "new@example.com", "bizdev_contact_id": "c-1"}], "email"
    )
    assert not result.ok and result.whole_batch and result.permanent
    assert "PROPERTY_DOESNT_EXIST" in result.error and "bizdev_contact_id" in result.error
    assert hubspot.records("contacts") == {}


def test_a_salesforce_field_never_created_is_an_invalid_field(salesforce):
    crm = salesforce_crm(salesforce)
    assert "Bizdev_Id__c" not in crm.describe("contacts")
    with pytest.raises(CrmError, match="INVALID_FIELD: No such column 'Bizdev_Id__c'"):
        list(crm.pull("contacts", ["Email", "Bizdev_Id__c"], None))
    with pytest.raises(CrmError, match="INVALID_FIELD: No such column 'Bizdev_Quality_Score__c'"):
        crm.update("contacts", [("003000000000001AAA", {"Bizdev_Quality_Score__c": "0.5"})])
    with pytest.raises(CrmError, match="external ID field does not exist"):
        crm.upsert("contacts", [{"Bizdev_Id__c": "c-1", "LastName": "Lee"}], "Bizdev_Id__c")


def test_standard_picklists_list_their_default_values(hubspot, salesforce):
    lead_source = salesforce_crm(salesforce).describe("contacts")["LeadSource"]
    assert lead_source.options == (
        "Web",
        "Phone Inquiry",
        "Partner Referral",
        "Purchased List",
        "Other",
    )
    stage = hubspot_crm(hubspot).describe("contacts")["lifecyclestage"]
    assert stage.options[:2] == ("subscriber", "lead") and "customer" in stage.options
