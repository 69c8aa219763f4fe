import os
import subprocess


def convert_audio(upload_path, out_path):
    # heuristic: a parameter, its origin is not visible here
    subprocess.run(f"ffmpeg -i {upload_path} -ar 16000 {out_path}", shell=True, check=True)


def unpack(archive):
    # heuristic: a parameter, its origin is not visible here
    os.system("unzip -q " + archive)


def export(model_id):
    command = "python export.py --model %s" % model_id
    # heuristic: a parameter, its origin is not visible here
    return subprocess.check_output(command, shell=True)


def disk_usage(folder):
    # heuristic: a parameter, its origin is not visible here
    return os.popen(f"du -sh {folder}").read()
