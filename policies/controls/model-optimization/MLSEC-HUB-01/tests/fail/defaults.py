"""Places that choose trust_remote_code=True for every caller that does not say otherwise."""

import argparse
import os
from dataclasses import dataclass, field

import click
import typer
from fastapi import Query
from pydantic import BaseModel, Field


# ruleid: trust-remote-code-default
def build_encoder(checkpoint: str, trust_remote_code: bool = True):
    return checkpoint, trust_remote_code


class Summariser:
    def __init__(
        self,
        checkpoint,
        # ruleid: trust-remote-code-default
        trust_remote_code=True,
    ):
        self.options = {"trust_remote_code": trust_remote_code}


def export_command(
    checkpoint: str,
    # ruleid: trust-remote-code-default
    trust_remote_code: bool = typer.Option(True, help="run the repository's own modules"),
):
    return checkpoint, trust_remote_code


def cli_options():
    parser = argparse.ArgumentParser()
    # ruleid: trust-remote-code-default
    parser.add_argument("--trust-remote-code", action=argparse.BooleanOptionalAction, default=True)
    # ruleid: trust-remote-code-default
    parser.add_argument("--no-remote-modules", dest="trust_remote_code", action="store_false")
    return parser


# ruleid: trust-remote-code-default
@click.option("--trust-remote-code/--no-trust-remote-code", default=True)
def serve(trust_remote_code):
    return trust_remote_code


@dataclass
class FinetuneArguments:
    base_model: str = "example-org/base-7b"
    # ruleid: trust-remote-code-default
    trust_remote_code: bool = True


@dataclass
class EvalArguments:
    # ruleid: trust-remote-code-default
    trust_remote_code: bool = field(default=True, metadata={"help": "allow custom modelling files"})


class ServerSettings(BaseModel):
    # ruleid: trust-remote-code-default
    trust_remote_code: bool = Field(True, description="load architectures shipped with the model")


class LegacyConfig:
    model = "example-org/chat-7b"
    # ruleid: trust-remote-code-default
    trust_remote_code = True


# ruleid: trust-remote-code-default
REMOTE_CODE = os.getenv("TRUST_REMOTE_CODE", "true").lower() == "true"
# ruleid: trust-remote-code-default
HF_REMOTE = os.environ.get("HF_TRUST_REMOTE_CODE", default="1") == "1"


# ruleid: trust-remote-code-default
def load_endpoint(checkpoint: str, trust_remote_code: bool = Query(default=True)):
    return checkpoint, trust_remote_code


def more_cli_options(parser):
    # ruleid: trust-remote-code-default
    parser.add_argument("--remote-modules", dest="trust_remote_code", type=bool, default=True)
    # the flag turns it off, so it is on unless given
    # ruleid: trust-remote-code-default
    parser.add_argument("--trust_remote_code", action="store_false")


# ruleid: trust-remote-code-default
ENGINE_REMOTE = os.environ.get("ENGINE_TRUST_REMOTE_CODE", "yes") in {"yes", "1"}
# ruleid: trust-remote-code-default
LOADER_REMOTE = os.getenv("LOADER_TRUST_REMOTE_CODE", default="on") == "on"
