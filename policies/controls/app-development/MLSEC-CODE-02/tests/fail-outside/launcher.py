"""A command-line launcher: every option the operator types reaches a shell."""

import argparse
import subprocess as sp
import sys
from os import system as run_in_shell

parser = argparse.ArgumentParser()
parser.add_argument("--checkpoint")
parser.add_argument("--precision", choices=["fp16", "bf16"])
options = parser.parse_args()

LOG_FOLDER = "./logs"
TEMPLATE = "python -m serve --weights {0} --dtype {1} > {2}/serve.log 2>&1"


def flags(namespace):
    return " ".join(f"--{k} {v}" for k, v in vars(namespace).items())


def start():
    line = TEMPLATE.format(options.checkpoint, options.precision, LOG_FOLDER)
    sp.run(line, shell=True, check=True)
    sp.Popen("serve " + flags(options), shell=True)


def convert():
    source = sys.argv[1]
    run_in_shell("convert-weights --in %s" % source)


def ask():
    folder = input("where are the shards? ")
    sp.check_output(args=f"ls {folder}", shell=True)
