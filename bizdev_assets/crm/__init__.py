"""CRM sync with HubSpot and Salesforce: pull, diff-based push, field mapping, conflicts, audit."""
