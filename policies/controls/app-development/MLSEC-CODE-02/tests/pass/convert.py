import os
import shlex
import subprocess

GPU_QUERY = "nvidia-smi --query-gpu=name --format=csv"


def convert_audio(upload_path, out_path):
    # safe
    subprocess.run(["ffmpeg", "-i", upload_path, "-ar", "16000", out_path], check=True)


def unpack(archive):
    # safe
    os.system(f"unzip -q {shlex.quote(archive)}")


def gpus():
    # a constant command
    # safe
    return subprocess.check_output(GPU_QUERY, shell=True, text=True)


def clear():
    # safe
    os.system("clear")
