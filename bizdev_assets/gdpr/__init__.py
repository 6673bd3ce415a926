"""GDPR: erasure with suppression, subject access export, audit log (docs/gdpr.md)."""
