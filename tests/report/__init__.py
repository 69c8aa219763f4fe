"""The report formats and the report commands."""
