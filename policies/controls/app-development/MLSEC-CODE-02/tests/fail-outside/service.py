"""A web service that hands request text to a shell, directly and through a helper."""

import os
import subprocess

from fastapi import FastAPI
from flask import Flask, request

api = FastAPI()
site = Flask(__name__)


def run_shell(command):
    # the helper cannot know who calls it: reported as a heuristic finding
    return subprocess.run(command, shell=True, capture_output=True)


@api.post("/thumbnails")
def thumbnail(image_name: str, width: int):
    return os.popen(f"convert {image_name} -resize {width} thumb.png").read()


@site.route("/archive", methods=["POST"])
def archive():
    target = request.form["name"]
    return run_shell("tar czf out.tgz " + target)
