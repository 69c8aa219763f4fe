"""The flag's name held in a constant of the same module: semgrep reads the constant's value."""

import argparse
import os

FLAG = "--trust-remote-code"
DEST = "trust_remote_code"
VARIABLE = "SERVER_TRUSTREMOTECODE"


def cli_options():
    parser = argparse.ArgumentParser()
    # ruleid: trust-remote-code-default
    parser.add_argument(FLAG, default=True)
    # ruleid: trust-remote-code-default
    parser.add_argument("--remote-modules", dest=DEST, action="store_false")
    return parser


# ruleid: trust-remote-code-default
REMOTE = os.getenv(VARIABLE, "1") == "1"
