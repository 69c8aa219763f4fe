"""Write src/mlsec_policy/policy/known_valid.txt: the bundled pack's files, checked valid.

A scan with a cold result cache takes the files listed there as valid without checking them
against the schemas again (:mod:`mlsec_policy.policy.known_valid`). This script checks every
file of the bundled pack in full and writes their keys; ``tests/test_known_valid.py`` runs it
with ``--check`` and fails when the list no longer matches the pack (after a control, a schema
or an analyzer's parameter schema changed).

    .venv/bin/python scripts/known_valid.py           # rewrite the file
    .venv/bin/python scripts/known_valid.py --check   # exit 1 if the file is out of date
"""

from __future__ import annotations

import sys

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.policy.known_valid import KNOWN_VALID_FILE, recorded


def main(argv: list[str]) -> int:
    """Rewrite the list, or with ``--check`` say whether it is current (exit 1 if not)."""
    text = recorded(ANALYZERS.listings())
    if "--check" in argv:
        current = KNOWN_VALID_FILE.read_text(encoding="utf-8") if KNOWN_VALID_FILE.is_file() else ""
        if current != text:
            print(f"{KNOWN_VALID_FILE} is out of date: run python scripts/known_valid.py")
            return 1
        return 0
    KNOWN_VALID_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {KNOWN_VALID_FILE} ({text.count(chr(10)) - 2} keys)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
