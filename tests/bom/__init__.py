"""The ML-BOM: collectors, CycloneDX output, advisories, diff and commands."""
