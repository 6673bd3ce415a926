"""The CRMs' erasure calls against the local servers, in the vendors' wire format:
HubSpot's GDPR delete (by id, and by email, which blocklists an unknown address), and
Salesforce's delete followed by `emptyRecycleBin`, after which not even `queryAll` or the
recycle bin holds the contact."""

from __future__ import annotations

import json

import pytest

from tests.crm_support import hubspot_crm, salesforce_crm

pytestmark = pytest.mark.usefixtures("hubspot_bizdev_fields", "salesforce_bizdev_fields")


def test_hubspot_gdpr_delete_removes_the_contact_and_its_tasks_for_good(hubspot):
    ada = hubspot.seed("contacts", {"email": "ada@example.com", "firstname": "Ada"})
    grace = hubspot.seed("contacts", {"email": "grace@example.com", "firstname": "Grace"})
    crm = hubspot_crm(hubspot)

    results = crm.gdpr_delete([ada], ["ada@example.com", "nobody@example.com"])

    assert [r.ok for r in results] == [True, True, True]
    assert set(hubspot.records("contacts")) == {grace}
    assert hubspot.records("contacts", archived=True) == {}  # deleted, not archived
    assert "ada@example.com" not in json.dumps(hubspot._stores)
    assert hubspot.gdpr_blocklist == {"ada@example.com", "nobody@example.com"}
    sent = hubspot.bodies("/gdpr-delete")
    assert sent[0] == {"objectId": ada} and sent[1] == {
        "objectId": "ada@example.com",
        "idProperty": "email",
    }


def test_salesforce_deletes_and_empties_the_recycle_bin(salesforce):
    ada = salesforce.seed("Contact", {"LastName": "Lovelace", "Email": "ada@example.com"})
    by_email = salesforce.seed("Contact", {"LastName": "Lovelace", "Email": "ada@example.com"})
    grace = salesforce.seed("Contact", {"LastName": "Hopper", "Email": "grace@example.com"})
    crm = salesforce_crm(salesforce)

    results = crm.gdpr_delete([ada], ["ada@example.com"])

    assert sorted(r.crm_id for r in results if r.ok) == sorted([ada, by_email])
    remaining = salesforce.records("Contact", include_deleted=True)
    assert [r["Id"] for r in remaining] == [grace]
    assert salesforce.count("POST", "/services/Soap/u/") >= 1
    again = crm.gdpr_delete([ada], ["ada@example.com"])  # retried: already gone is success
    assert again and all(r.ok for r in again)
