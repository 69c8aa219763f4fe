"""mlsec-policy: a policy-as-code compliance checker for machine-learning repositories."""

__version__ = "0.1.0"
