"""``report merge``: real scans' reports merged into one organisation record."""

from __future__ import annotations

import json
from pathlib import Path

from mlsec_policy.report import json_report
from mlsec_policy.rollup.record import STANDING, repo_name
from mlsec_policy.schema_check import validator_for
from tests.support.org_reports import merge, write_variants


def test_two_examples_merge_into_a_valid_record(reports: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "org.json"
    result = merge(str(reports["vulnerable"]), str(reports["compliant"]), "-o", str(out))
    assert result.code == 0, result.err
    document = json.loads(out.read_text(encoding="utf-8"))
    validator_for("org-report.schema.json").validate(document)
    # written by streaming, byte for byte what json.dumps of the whole would give
    assert out.read_text(encoding="utf-8") == json.dumps(document, indent=2, sort_keys=True) + "\n"
    summary = document["summary"]
    assert summary["repositories"] == 2
    assert summary["verdicts"] == {"fail": 1, "pass": 1}
    vulnerable = json.loads(reports["vulnerable"].read_text(encoding="utf-8"))
    failing = sorted(r["control"]["id"] for r in vulnerable["results"] if r["status"] == "fail")
    assert sorted(c["id"] for c in summary["most_failed"]) == failing[: len(summary["most_failed"])]
    assert all(c["failing_repositories"] == 1 for c in summary["most_failed"])
    by_name = {r["name"]: r for r in document["repositories"]}
    record = next(r for n, r in by_name.items() if n.endswith("vulnerable-ml-app"))
    assert record["controls"] == {r["control"]["id"]: r["status"] for r in vulnerable["results"]}
    assert record["status_counts"] == vulnerable["summary"]["status_counts"]
    assert record["commit"] == vulnerable["git"]["commit"]
    # a phase shows the worst status of its controls
    for phase in vulnerable["summary"]["phases"]:
        statuses = {record["controls"][c] for c in phase["controls"]}
        if "fail" in statuses:
            assert record["phases"][phase["id"]] == "fail"


def test_altered_and_unreadable_reports_are_listed_not_merged(
    reports: dict[str, Path], tmp_path: Path
) -> None:
    document = json.loads(reports["vulnerable"].read_text(encoding="utf-8"))
    failing = next(r for r in document["results"] if r["status"] == "fail")
    failing["status"] = "pass"  # edited after the scan
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(document), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": ', encoding="utf-8")
    out = tmp_path / "org.json"
    result = merge(str(reports["compliant"]), str(altered), str(broken), "-o", str(out))
    assert result.code == 0, result.err
    assert "2 not merged" in result.err
    merged = json.loads(out.read_text(encoding="utf-8"))
    assert merged["summary"]["repositories"] == 1
    assert merged["inputs"] == 3
    rejected = {Path(r["source"]).name: r for r in merged["rejected"]}
    assert rejected["altered.json"]["verdict"] == "altered"
    assert "digest" in rejected["altered.json"]["reason"]
    assert rejected["broken.json"]["verdict"] == "unreadable"
    assert [r["verdict"] for r in merged["repositories"]] == ["pass"]


def test_reports_under_another_policy_are_counted_apart(
    reports: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "org.json"
    result = merge(
        str(reports["vulnerable"]),
        str(reports["compliant"]),
        str(reports["other-policy"]),
        "-o",
        str(out),
    )
    assert result.code == 0, result.err
    merged = json.loads(out.read_text(encoding="utf-8"))
    reference = json.loads(reports["vulnerable"].read_text(encoding="utf-8"))["integrity"]
    other = json.loads(reports["other-policy"].read_text(encoding="utf-8"))["integrity"]
    assert reference["policy_digest"] != other["policy_digest"]
    assert merged["reference_policy_digest"] == reference["policy_digest"]
    assert merged["summary"]["repositories"] == 2
    assert [g["policy_digest"] for g in merged["other_policies"]] == [other["policy_digest"]]
    assert merged["other_policies"][0]["repositories"] == 1
    # naming the policy makes the other group the reference
    out2 = tmp_path / "org2.json"
    named = merge(
        str(reports["vulnerable"]),
        str(reports["other-policy"]),
        "--policy-digest",
        other["policy_digest"],
        "-o",
        str(out2),
    )
    assert named.code == 0, named.err
    assert json.loads(out2.read_text(encoding="utf-8"))["summary"]["repositories"] == 1


def test_trend_marks_what_moved_per_repository_and_control(
    reports: dict[str, Path], tmp_path: Path
) -> None:
    failing = json_report.load(reports["vulnerable"].read_text(encoding="utf-8"))
    passing = json_report.load(reports["compliant"].read_text(encoding="utf-8"))
    before = write_variants(tmp_path / "before", failing, passing, 5, seed=1)
    after = write_variants(tmp_path / "after", failing, passing, 6, seed=2)
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    assert merge(str(before), "-o", str(old)).code == 0
    result = merge(
        str(after),
        "--previous",
        str(old),
        "-o",
        str(new),
        "--html-output",
        str(tmp_path / "o.html"),
    )
    assert result.code == 0, result.err
    previous = {r["name"]: r for r in json.loads(old.read_text(encoding="utf-8"))["repositories"]}
    merged = json.loads(new.read_text(encoding="utf-8"))
    validator_for("org-report.schema.json").validate(merged)
    trend = merged["trend"]
    assert trend["new_repositories"] == ["acme/ml-repo-00005"]
    assert trend["gone_repositories"] == []
    worsened_total = 0
    for record in merged["repositories"]:
        if record["name"] not in previous:
            assert record["moves"] is None
            continue
        then = previous[record["name"]]["controls"]
        for move in record["moves"]["worsened"]:
            assert then[move["control"]] == move["from"]
            assert record["controls"][move["control"]] == move["to"]
            assert STANDING[move["to"]] < STANDING[move["from"]]
        for move in record["moves"]["improved"]:
            assert STANDING[move["to"]] > STANDING[move["from"]]
        flipped = {c for c, s in record["controls"].items() if then[c] == "pass" and s == "fail"}
        assert flipped <= {m["control"] for m in record["moves"]["worsened"]}
        worsened_total += len(record["moves"]["worsened"])
    assert worsened_total > 0
    assert sum(c["worsened"] for c in trend["controls"]) == worsened_total


def test_a_previous_file_that_is_not_a_merged_record_is_refused(
    reports: dict[str, Path], tmp_path: Path
) -> None:
    result = merge(
        str(reports["compliant"]),
        "--previous",
        str(reports["vulnerable"]),
        "-o",
        str(tmp_path / "o.json"),
    )
    assert result.code == 2
    assert "not an organisation record" in result.err
    assert not (tmp_path / "o.json").exists()


def test_markdown_lists_every_repository_and_the_waivers_to_renew(
    reports: dict[str, Path], tmp_path: Path
) -> None:
    out, md = tmp_path / "org.json", tmp_path / "org.md"
    result = merge(
        str(reports["generated"]),
        str(reports["vulnerable"]),
        "-o",
        str(out),
        "--markdown-output",
        str(md),
    )
    assert result.code == 0, result.err
    text = md.read_text(encoding="utf-8")
    merged = json.loads(out.read_text(encoding="utf-8"))
    for record in merged["repositories"]:
        assert f"| {record['name']} | {record['verdict']} |" in text
    assert merged["summary"]["repositories"] == 7
    again = tmp_path / "again.md"
    merge(
        str(reports["generated"]),
        str(reports["vulnerable"]),
        "-o",
        str(tmp_path / "o2.json"),
        "--markdown-output",
        str(again),
    )
    assert again.read_bytes() == md.read_bytes()


def test_verifying_in_several_processes_gives_the_same_record(
    reports: dict[str, Path], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[]", encoding="utf-8")
    inputs = [str(reports["generated"]), str(reports["compliant"]), str(broken)]
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert merge(*inputs, "-o", str(one)).code == 0
    assert merge(*inputs, "-o", str(two), "--jobs", "2").code == 0
    assert one.read_bytes() == two.read_bytes()
    assert len(json.loads(one.read_text(encoding="utf-8"))["rejected"]) == 1


def test_projects_of_one_repository_keep_their_own_names(reports: dict[str, Path]) -> None:
    document = json.loads(reports["vulnerable"].read_text(encoding="utf-8"))
    document["git"] = {**document["git"], "remote_url": "git@github.com:acme/ml.git"}
    assert repo_name({**document, "git": {**document["git"], "root": "."}}) == "acme/ml"
    assert repo_name({**document, "git": {**document["git"], "root": "svc/a"}}) == "acme/ml/svc/a"
    assert repo_name({**document, "git": None}) == document["target"]
