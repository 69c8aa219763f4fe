"""``mlsec-policy fleet``: a list of local clones scanned in parallel and merged."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from mlsec_policy.errors import UsageError
from mlsec_policy.rollup.fleet import Entry, Shard, read_list
from tests.conftest import run_subprocess, write_tree
from tests.support.org_reports import ENV

UNSAFE_LOAD = "import torch\n\n\ndef restore(path):\n    return torch.load(path)\n"


def test_list_reads_paths_relative_to_itself_and_skips_comments(tmp_path: Path) -> None:
    listing = tmp_path / "repos" / "list.txt"
    write_tree(tmp_path, {"repos/list.txt": "# our repositories\n\n  a  \n/abs/b\n../c\n"})
    entries = read_list(listing)
    assert [(e.line, e.path) for e in entries] == [
        (3, (tmp_path / "repos" / "a").resolve()),
        (4, Path("/abs/b")),
        (5, (tmp_path / "c").resolve()),
    ]


def test_a_repository_listed_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    write_tree(tmp_path, {"list.txt": "a\nb\n./a\n"})
    with pytest.raises(UsageError, match=r"list.txt:3: \./a is listed twice \(first on line 1\)"):
        read_list(tmp_path / "list.txt")


@pytest.mark.parametrize("size", [0, 1, 5, 17])
@pytest.mark.parametrize("count", [1, 2, 3, 8])
def test_shards_cover_the_list_exactly_once(size: int, count: int) -> None:
    entries = [Entry(i + 1, Path(f"/r/{i}")) for i in range(size)]
    covered = [e for i in range(count) for e in Shard(i, count).select(entries)]
    assert sorted(covered, key=lambda e: e.line) == entries


@pytest.mark.parametrize("text", ["4/4", "-1/2", "1", "a/b", "0/0"])
def test_a_malformed_shard_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="INDEX/COUNT"):
        Shard.parse(text)


def test_slugs_are_unique_for_paths_with_the_same_tail() -> None:
    one, two = Entry(1, Path("/x/team/app")), Entry(2, Path("/y/team/app"))
    assert one.slug != two.slug
    assert one.slug.startswith("team-app-")


@pytest.fixture(scope="module")
def clones(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three small repositories, one with an unsafe checkpoint load, and their list."""
    root = tmp_path_factory.mktemp("clones")
    write_tree(root, {"a/train.py": UNSAFE_LOAD, "b/README.md": "# b\n", "c/app.py": "print(1)\n"})
    (root / "list.txt").write_text("a\nb\nc\n", encoding="utf-8")
    return root


def test_fleet_scans_each_clone_and_merges(clones: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_subprocess(
        "fleet", str(clones / "list.txt"), "--out", str(out), "--jobs", "2", env=ENV
    )
    assert result.code == 1, result.err  # the clone with torch.load fails
    merged = json.loads((out / "org.json").read_text(encoding="utf-8"))
    assert merged["summary"]["repositories"] == 3
    assert merged["rejected"] == []
    by_target = {Path(r["name"]).name: r for r in merged["repositories"]}
    assert by_target["a"]["controls"]["MLSEC-LOAD-01"] == "fail"
    assert by_target["c"]["controls"]["MLSEC-LOAD-01"] != "fail"
    assert (out / "org.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "| " in (out / "org.md").read_text(encoding="utf-8")
    assert len(list((out / "reports").glob("*.json"))) == 3


def test_a_shard_scans_its_slice_and_leaves_the_merge(clones: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_subprocess(
        "fleet", str(clones / "list.txt"), "--out", str(out), "--shard", "1/2", env=ENV
    )
    assert result.code in (0, 1), result.err
    (report,) = (out / "reports").glob("*.json")
    assert Path(json.loads(report.read_text(encoding="utf-8"))["target"]).name == "b"
    assert not (out / "org.json").exists()


def test_options_after_the_separator_reach_each_scan(clones: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_subprocess(
        "fleet",
        str(clones / "list.txt"),
        "--out",
        str(out),
        "--shard",
        "0/3",
        "--",
        "--disable",
        "MLSEC-LOAD-01",
        env=ENV,
    )
    assert result.code in (0, 1), result.err
    (report,) = (out / "reports").glob("*.json")
    document = json.loads(report.read_text(encoding="utf-8"))
    assert "MLSEC-LOAD-01" not in {r["control"]["id"] for r in document["results"]}


def test_a_missing_clone_is_named_with_its_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"list.txt": "# one\nnowhere\n", "x/README.md": "x\n"})
    result = run_subprocess(
        "fleet", str(tmp_path / "list.txt"), "--out", str(tmp_path / "o"), env=ENV
    )
    assert result.code == 2
    assert "list.txt:2:" in result.err and "is not a folder" in result.err


def test_fleet_merges_with_the_options_of_report_merge() -> None:
    from mlsec_policy.cli.fleet_cmd import fleet_command
    from mlsec_policy.cli.merge_cmd import EXPIRY_DAYS, merge_command

    def described(command: click.Command, name: str) -> tuple[object, ...]:
        option = next(p for p in command.params if p.name == name)
        assert isinstance(option, click.Option)
        shape = (type(option.type), getattr(option.type, "min", None))
        return (option.opts, shape, option.show_default, option.default)

    assert described(fleet_command, "expiry_days") == described(merge_command, "expiry_days")
    assert described(merge_command, "expiry_days")[3] == EXPIRY_DAYS
    fleet_jobs, merge_jobs = described(fleet_command, "jobs"), described(merge_command, "jobs")
    assert fleet_jobs[:3] == merge_jobs[:3]
    merged = {p.name for p in merge_command.params} - {"reports", "output", "html_output"}
    merged -= {"markdown_output", "previous", "policy_digest"}
    assert merged <= {p.name for p in fleet_command.params}
