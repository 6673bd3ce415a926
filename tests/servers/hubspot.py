"""Placeholder: filled in by the CRM work (fake hubspot server for the test session)."""
