"""A scan imports what it uses: the other commands and unused report renderers load on demand.

Laziness must not lose anything: every command is still listed and found with its
subcommands, and every report format still renders.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from mlsec_policy.cli import COMMANDS, cli
from mlsec_policy.report.formats import FORMATS
from tests.conftest import EXAMPLES


def _imported_by(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(done.stdout.split())


def test_the_scan_command_does_not_import_other_commands_or_unused_renderers() -> None:
    loaded = _imported_by("import mlsec_policy.cli.scan_cmd")
    assert "mlsec_policy.cli.scan_cmd" in loaded
    unwanted = {
        "mlsec_policy.policytest",  # the self-test tooling (policy and controls commands)
        "mlsec_policy.cli.policy_cmd",
        "mlsec_policy.cli.controls_cmd",
        "mlsec_policy.cli.fleet_cmd",
        "mlsec_policy.report.html",
        "mlsec_policy.report.junit",
        "jinja2",
    }
    assert sorted(unwanted & loaded) == []


def test_every_command_is_listed_and_found_with_its_subcommands() -> None:
    context = click.Context(cli)
    assert cli.list_commands(context) == sorted(COMMANDS)
    for name, (_module, _attribute, subcommands) in COMMANDS.items():
        command = cli.get_command(context, name)
        assert isinstance(command, click.Command), name
        assert command.name == name
        for sub, _sub_module, _sub_attribute in subcommands:
            assert isinstance(command, click.Group)
            assert sub in command.commands, f"{name} {sub}"
    assert cli.get_command(context, "no-such-command") is None


def test_each_format_renders_with_its_own_module() -> None:
    for name, render in FORMATS.items():
        assert "mlsec_policy.report." in (render.__doc__ or ""), name
    assert sorted(FORMATS) == ["cdxa", "html", "json", "junit", "markdown", "sarif"]


def _scan_importing_jsonschema(target: Path, cache: Path, *options: str) -> bool:
    """Run a real scan of ``target`` in a new process; return whether it imported jsonschema."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('jsonschema' in sys.modules))\n"
        "from mlsec_policy.cli import main\n"
        f"main(['scan', {str(target)!r}, '-q', '--cache-dir', {str(cache)!r}, *{options!r}])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.split()[-1] == "True"


def test_a_scan_whose_policy_the_cache_knows_valid_never_imports_jsonschema(
    tmp_path: Path,
) -> None:
    target = tmp_path / "repo"
    target.mkdir()
    (target / "train.py").write_text("import torch\nm = torch.load('m.pt')\n")
    # the bundled pack is known valid as shipped (policy.known_valid): a new cache too
    assert not _scan_importing_jsonschema(target, tmp_path / "cache")
    # a pack the shipped list does not know is validated once, then the cache knows it valid
    pack = ("--policy", str(EXAMPLES / "custom-pack"))
    assert _scan_importing_jsonschema(target, tmp_path / "other", *pack)
    assert not _scan_importing_jsonschema(target, tmp_path / "other", *pack)
