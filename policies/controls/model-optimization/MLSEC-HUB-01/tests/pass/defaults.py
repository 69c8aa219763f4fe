"""Look-alikes: the flag is off unless someone turns it on, or only read."""

import argparse
import os
from dataclasses import dataclass, field

import click
from pydantic import BaseModel, Field


# ok: trust-remote-code-default
def build_encoder(checkpoint: str, trust_remote_code: bool = False):
    return checkpoint, trust_remote_code


# ok: trust-remote-code-default
def resolve(checkpoint, *, trust_remote_code=None, use_fast=True):
    return checkpoint, trust_remote_code, use_fast


def cli_options():
    parser = argparse.ArgumentParser()
    # a flag that is False unless given on the command line
    # ok: trust-remote-code-default
    parser.add_argument("--trust-remote-code", action="store_true", help="allow custom modules")
    # ok: trust-remote-code-default
    parser.add_argument("--trust_remote_code", type=bool, default=False)
    # ok: trust-remote-code-default
    parser.add_argument("--no-remote-modules", dest="trust_remote_code", action="store_false", default=False)
    # another option defaulting to True
    # ok: trust-remote-code-default
    parser.add_argument("--use-fast-tokenizer", default=True)
    return parser


# ok: trust-remote-code-default
@click.option("--trust-remote-code", is_flag=True, default=False)
def serve(trust_remote_code):
    return trust_remote_code


@dataclass
class FinetuneArguments:
    # ok: trust-remote-code-default
    trust_remote_code: bool = field(default=False, metadata={"help": "allow custom modelling files"})
    # ok: trust-remote-code-default
    low_cpu_mem_usage: bool = True


class ServerSettings(BaseModel):
    # ok: trust-remote-code-default
    trust_remote_code: bool | None = Field(default=None, description="set per model")


def local_choice(name):
    # a local variable inside a function is a value, not a default; the loader call that
    # receives it is judged by trust-remote-code-python
    # ok: trust-remote-code-default
    trust_remote_code = name.endswith("-remote")
    return trust_remote_code


# ok: trust-remote-code-default
REMOTE_CODE = os.getenv("TRUST_REMOTE_CODE", "false").lower() == "true"
# ok: trust-remote-code-default
HF_REMOTE = os.environ.get("HF_TRUST_REMOTE_CODE") == "1"
# ok: trust-remote-code-default
CACHE_ON = os.getenv("ENABLE_CACHE", "true")


class WarnedSettings(BaseModel):
    # True appears in the field's metadata, not as its default
    # ok: trust-remote-code-default
    trust_remote_code: bool = Field(default=False, json_schema_extra={"dangerous": True})


class Registry:
    blocked = ("example-org/",)

    def allows(self, name):
        # ok: trust-remote-code-default
        trust_remote_code = True
        if name.startswith(self.blocked):
            trust_remote_code = False
        return trust_remote_code


# a script-level setting is judged where a loader receives it (trust-remote-code-python)
# ok: trust-remote-code-default
trust_remote_code = True
