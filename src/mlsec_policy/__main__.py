"""Entry point for ``python -m mlsec_policy``."""

from mlsec_policy.cli import main

if __name__ == "__main__":
    main()
