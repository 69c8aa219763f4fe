"""Shared pattern tables: what secrets and personal data look like, for several domains."""
