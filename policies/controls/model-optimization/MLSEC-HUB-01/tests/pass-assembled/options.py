"""A flag name this module never spells, only builds from parts.

semgrep's constant propagation joins the parts, and the check of defaults in code (MLSEC-HUB-01)
matched the three declarations below until its whole-file condition (the text must spell the
flag's whole name in some form) was added to give it a word: they are no longer reported
(docs/rule-performance.md, session 27). Nothing in this file may spell that name, not even an
`ok:` annotation naming the check, or the lines are reported again; tests/expected.yaml says
this case passes with no finding.
"""

import argparse
import os

PREFIX = "--trust-"


def cli_options():
    parser = argparse.ArgumentParser()
    parser.add_argument(PREFIX + "remote-code", default=True)
    parser.add_argument("--remote-modules", dest="trust_" + "remote_code", action="store_false")
    return parser


REMOTE = os.getenv("SERVER_TRUST_" + "REMOTE_CODE", "1") == "1"
