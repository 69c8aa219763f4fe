"""The native analyzers, domain by domain, and their parameters."""
