"""GDPR erasure in Salesforce: delete, then purge from the recycle bin.

A REST delete only moves a record to the recycle bin (15 days, restorable, and still
returned by `queryAll`). Erasure therefore finds the Contacts by id and by email, deletes
them through sObject Collections (`writes.archive`), then empties them from the bin with
the partner SOAP API's `emptyRecycleBin(ids)`, which has no REST equivalent.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from resources.crm.client import CrmError, WriteResult
from resources.crm.salesforce import writes
from resources.crm.salesforce.connection import SalesforceConnection

_ENVELOPE = """<?xml version="1.0" encoding="utf-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:SessionHeader>
<urn:sessionId>{session}</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body>
<urn:emptyRecycleBin>{ids}</urn:emptyRecycleBin></soapenv:Body></soapenv:Envelope>"""
BIN_LIMIT = 200  # ids per emptyRecycleBin call


def contact_ids_by_email(connection: SalesforceConnection, emails: list[str]) -> set[str]:
    """Ids of the Contacts (deleted ones included) holding one of `emails`."""
    found: set[str] = set()
    for email in emails:
        quoted = email.replace("\\", "\\\\").replace("'", "\\'")
        soql = f"SELECT Id FROM Contact WHERE Email = '{quoted}'"
        result = connection.call(
            "gdpr_lookup", lambda sf, q=soql: sf.query_all(q, include_deleted=True)
        )
        found |= {r["Id"] for r in result.get("records", [])}
    return found


def gdpr_delete(
    connection: SalesforceConnection, crm_ids: list[str], emails: list[str]
) -> list[WriteResult]:
    """Delete and purge every Contact of `crm_ids` or `emails`; one result per record."""
    ids = sorted(set(crm_ids) | contact_ids_by_email(connection, emails))
    if not ids:
        return []
    deleted = writes.archive(connection, "contacts", ids)
    failed = [r for r in deleted if not r.ok and not r.not_found]
    purged = _empty_recycle_bin(connection, [r.key for r in deleted if r.ok or r.not_found])
    return failed + purged


def _empty_recycle_bin(connection: SalesforceConnection, ids: list[str]) -> list[WriteResult]:
    results: list[WriteResult] = []
    for start in range(0, len(ids), BIN_LIMIT):
        batch = ids[start : start + BIN_LIMIT]

        def send(sf, batch=batch):  # type: ignore[no-untyped-def]
            body = _ENVELOPE.format(
                session=escape(sf.session_id),
                ids="".join(f"<urn:ids>{escape(i)}</urn:ids>" for i in batch),
            )
            url = f"https://{sf.sf_instance}/services/Soap/u/{sf.sf_version}"
            headers = {"Content-Type": "text/xml; charset=UTF-8", "SOAPAction": "emptyRecycleBin"}
            return sf.session.post(url, data=body.encode(), headers=headers)

        response = connection.call("empty_recycle_bin", send, write=True)
        results += _bin_results(batch, response.status_code, response.text)
    return results


def _bin_results(ids: list[str], status: int, text: str) -> list[WriteResult]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise CrmError(f"Salesforce emptyRecycleBin answered {status}: {text[:300]!r}") from exc
    fault = [el.text for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "faultstring"]
    if fault:
        raise CrmError(f"Salesforce emptyRecycleBin failed: {fault[0]}")
    results = []
    nodes = [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "result"]
    for key, node in zip(ids, nodes, strict=False):
        fields = {el.tag.rsplit("}", 1)[-1]: el.text for el in node.iter()}
        ok = fields.get("success") == "true"
        # An id no longer in the bin (purged already) is what erasure wants.
        gone = fields.get("statusCode") in ("INVALID_ID_FIELD", "ENTITY_IS_DELETED")
        results.append(
            WriteResult(key, ok or gone, crm_id=key, error=None if ok or gone else str(fields))
        )
    return results
