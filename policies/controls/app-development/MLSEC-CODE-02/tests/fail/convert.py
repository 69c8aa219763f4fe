import os
import subprocess


def convert_audio(upload_path, out_path):
    # ruleid: shell-command-from-variable
    subprocess.run(f"ffmpeg -i {upload_path} -ar 16000 {out_path}", shell=True, check=True)


def unpack(archive):
    # ruleid: shell-command-from-variable
    os.system("unzip -q " + archive)


def export(model_id):
    command = "python export.py --model %s" % model_id
    # ruleid: shell-command-from-variable
    return subprocess.check_output(command, shell=True)


def disk_usage(folder):
    # ruleid: shell-command-from-variable
    return os.popen(f"du -sh {folder}").read()
