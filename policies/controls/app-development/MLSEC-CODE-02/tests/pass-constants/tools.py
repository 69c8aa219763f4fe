"""Commands made only of text the program fixes: nothing from outside can add commands."""

import argparse
import os
import shlex
import subprocess
import sys
import tempfile

import pytest

LOG_FOLDER = "./logs/"
CHECK = "until grep -q ready {0}/{1}.log; do sleep 1; done"
EDITORS = ("nano", "vim", "vi")
SHARDS = ["part-0.parquet", "part-1.parquet"]

parser = argparse.ArgumentParser()
parser.add_argument("--stop", choices=["all", "worker", "controller"])
parser.add_argument("--port", type=int, default=8000)
options = parser.parse_args()


def wait_for(name):
    # a template and a folder, both module constants, and a literal
    subprocess.run(CHECK.format(LOG_FOLDER, "controller"), shell=True, check=True)


def stop():
    # the option can only hold one of the listed words, or a number
    target = "" if options.stop == "all" else f".{options.stop}"
    subprocess.run(f"pkill -f serve{target}; fuser -k {options.port}/tcp", shell=True)


def find_browser():
    cache = os.path.join(os.path.expanduser("~"), ".cache", "browsers")
    return subprocess.run(f"find {shlex.quote(cache)} -name chrome", shell=True, text=True)


def run_all(arguments):
    return subprocess.run(shlex.join(["tool", *arguments]), shell=True)


def fetch(name=None):
    if name is None:
        name = "default-split.json"
        os.system("wget https://example.org/data/%s" % name)


@pytest.mark.parametrize("shard", SHARDS)
def test_download(shard):
    os.system("wget https://example.org/shards/%s" % shard)


def smoke():
    interpreter = sys.executable
    flags = "-q -u"
    subprocess.run(f"{interpreter} {flags} -c \"print('hi')\"", shell=True)


def render(document):
    here = os.path.dirname(os.path.realpath(__file__))
    os.system(f"{here}/render.sh")
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as handle:
        handle.write(document)
        subprocess.run(f"kubectl apply -f {handle.name}", shell=True)
    fd, scratch = tempfile.mkstemp()
    os.system(f"cat {scratch} > /dev/null")


def edit(path):
    for editor in EDITORS:
        if os.system(f"which {editor} >/dev/null") == 0:
            return editor
    return None
