"""Error messages never quote a file outside the pack or the target (issue 13, last class).

A policy pack or a repository configuration that is a link to another file (``/etc/passwd``,
a key) was read, and the schema errors about it quoted its values. Such a file is now refused
by name, without being read.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.hostile import corpus

PLANTED = "hf_OutsideRootPlantedQ7mZ2xKp9LwV4nRt8Ys3"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line; return its result with text output."""
    command = [sys.executable, "-m", "mlsec_policy", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def outside_file(tmp_path: Path) -> Path:
    """Write a YAML file outside every pack and target, holding a credential as its values."""
    path = tmp_path / "elsewhere" / "private.yaml"
    corpus.write(path, f"id: {PLANTED}\ntitle: root:x:0:0:root:/root:/bin/bash\n")
    return path


def test_a_control_file_linking_out_of_its_pack_is_refused_unread(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    corpus.write(pack / "pack.yaml", 'name: p\nversion: "1.0.0"\nextends: [builtin]\n')
    control = pack / "controls" / "deployment" / "X-01" / "control.yaml"
    control.parent.mkdir(parents=True)
    control.symlink_to(outside_file(tmp_path))
    done = run("validate", str(pack))
    assert done.returncode == 2
    assert "outside the policy pack" in done.stderr
    assert PLANTED not in done.stdout + done.stderr
    assert "root:x" not in done.stdout + done.stderr


def test_a_configuration_linking_out_of_the_target_is_refused_unread(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    corpus.write(root / "app.py", corpus.PLAIN)
    (root / ".mlsec-policy.yml").symlink_to(outside_file(tmp_path))
    done = run("scan", str(root), "-q")
    assert done.returncode == 2
    assert "outside the target" in done.stderr
    assert PLANTED not in done.stdout + done.stderr
