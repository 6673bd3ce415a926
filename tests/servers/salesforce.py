"""Placeholder: filled in by the CRM work (fake salesforce server for the test session)."""
