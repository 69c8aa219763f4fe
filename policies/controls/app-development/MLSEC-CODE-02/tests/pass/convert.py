import os
import shlex
import subprocess

GPU_QUERY = "nvidia-smi --query-gpu=name --format=csv"


def convert_audio(upload_path, out_path):
    # ok: shell-command-from-variable
    subprocess.run(["ffmpeg", "-i", upload_path, "-ar", "16000", out_path], check=True)


def unpack(archive):
    # ok: shell-command-from-variable
    os.system(f"unzip -q {shlex.quote(archive)}")


def gpus():
    # a constant command
    # ok: shell-command-from-variable
    return subprocess.check_output(GPU_QUERY, shell=True, text=True)


def clear():
    # ok: shell-command-from-variable
    os.system("clear")
