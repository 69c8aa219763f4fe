"""Markdown summary: parsed back with a CommonMark parser and checked against the JSON."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from mlsec_policy.models import ControlResult, GitFacts, Location, Report
from mlsec_policy.report import markdown
from mlsec_policy.report.links import Forge, source_links, web_base
from tests.support.reporting import shown

PARSER = MarkdownIt("commonmark").enable("table")


def _tables(tokens: list[Token]) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    row: list[str] | None = None
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open") and row is not None:
            row.append(tokens[index + 1].content)
        elif token.type == "tr_close" and row is not None:
            tables[-1].append(row)
            row = None
    return tables


def _links(tokens: list[Token]) -> list[tuple[str, str]]:
    found = []
    for token in tokens:
        children = token.children or []
        for index, child in enumerate(children):
            if child.type == "link_open":
                inside = []
                for part in children[index + 1 :]:
                    if part.type == "link_close":
                        break
                    inside.append(part.content)
                found.append((str(child.attrs["href"]), "".join(inside)))
    return found


def _strip(cell: str) -> str:
    return cell.replace("*", "")


def test_verdict_and_phase_table_agree_with_the_json(
    rich: Report, rich_data: dict[str, Any]
) -> None:
    tokens = PARSER.parse(markdown.render(rich))
    heading = next(t for i, t in enumerate(tokens) if i and tokens[i - 1].type == "heading_open")
    assert rich_data["summary"]["verdict"].upper() in heading.content
    (table,) = _tables(tokens)
    header, *rows = table
    statuses = shown(rich_data["summary"]["status_counts"])
    assert len(header) == len(statuses) + 1
    by_title = {_strip(r[0]): r[1:] for r in rows}
    for phase in rich_data["summary"]["phases"]:
        cells = [int(_strip(c)) for c in by_title[phase["title"]]]
        assert cells == [phase["status_counts"][s] for s in statuses]
    totals = [int(_strip(c)) for c in by_title["Total"]]
    assert totals == [rich_data["summary"]["status_counts"][s] for s in statuses]


def test_failing_controls_link_every_finding_to_its_line(
    rich: Report, rich_data: dict[str, Any]
) -> None:
    text = markdown.render(rich)
    links = _links(PARSER.parse(text))
    commit = rich_data["git"]["commit"]
    base = "https://github.com/acme/ml-app"
    assert (f"{base}/commit/{commit}", commit[:12]) in links
    failing = [r for r in rich_data["results"] if r["status"] == "fail"]
    assert failing
    for result in failing:
        assert result["control"]["id"] in text
        for finding in result["findings"]:
            location = finding["location"]
            url = f"{base}/blob/{commit}/{location['path']}"
            if location["start_line"] is None:  # a finding about the whole file
                assert (url, location["path"]) in links
                continue
            url += f"#L{location['start_line']}"
            assert (url, f"{location['path']}:{location['start_line']}") in links
    section = text.split("### Failing controls", 1)[1].split("\n### ", 1)[0]
    listed = set(re.findall(r"· \*\*([A-Z][A-Z0-9-]+)\*\*", section))
    assert listed == {r["control"]["id"] for r in failing}


def test_waivers_errors_and_notes_are_listed_and_text_is_escaped(rich: Report) -> None:
    note = "waiver WVR-9 for MLSEC-RATE-01 expired on 2025-12-01"
    text = markdown.render(replace(rich, notes=(note,)))
    rendered = PARSER.render(text)
    assert "<script>" not in rendered
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in rendered
    assert "sec-lead@example.com" in rendered and "until 2026-06-30" in rendered
    assert "serving/big_module.py" in rendered
    assert "ACME-CONSENT-01" in rendered
    assert f"<li>{note}</li>" in rendered


@pytest.mark.parametrize("limit", [2_000, 5_000, 20_000])
def test_truncation_keeps_tables_whole_and_stays_within_the_limit(rich: Report, limit: int) -> None:
    template = next(r for r in rich.results if r.control.id == "MLSEC-LOAD-01")
    many = tuple(_copy(template, n) for n in range(300))
    big = replace(rich, results=(*rich.results, *many))
    text = markdown.render(big, max_chars=limit)
    assert len(text) <= limit
    assert "Truncated to stay within" in text
    tokens = PARSER.parse(text)
    tables = _tables(tokens)
    if tables:
        assert len(tables[0]) == 1 + 3 + 9 + 1, "the phase table is complete or absent"
    started = len(re.findall(r"\*\*(?:LOW|MEDIUM|HIGH|CRITICAL)\*\* · ", text))
    assert started == text.count("**Fix:**"), "no control block is cut"


def test_default_limit_fits_a_pull_request_comment_and_bytes_never_exceed_a_mib(
    rich: Report,
) -> None:
    template = next(r for r in rich.results if r.control.id == "MLSEC-LOAD-01")
    wide = replace(
        template,
        findings=tuple(replace(f, message="é✓" * 300) for f in template.findings),
    )
    big = replace(rich, results=tuple(_copy(wide, n) for n in range(4000)))
    assert len(markdown.render(big)) <= 65_536
    huge = markdown.render(big, max_chars=5_000_000)
    assert len(huge.encode("utf-8")) <= 1024 * 1024


def test_a_too_small_limit_is_refused(rich: Report) -> None:
    with pytest.raises(ValueError, match="at least"):
        markdown.render(rich, max_chars=100)


def _copy(result: ControlResult, number: int) -> ControlResult:
    control = replace(result.control, id=f"BULK-{number:04d}")
    findings = tuple(replace(f, control_id=control.id) for f in result.findings)
    return replace(result, control=control, findings=findings)


@pytest.mark.parametrize(
    ("remote", "forge", "base"),
    [
        ("git@github.com:acme/ml-app.git", Forge.GITHUB, "https://github.com/acme/ml-app"),
        ("https://github.com/acme/ml-app", Forge.GITHUB, "https://github.com/acme/ml-app"),
        ("ssh://github.com/acme/ml-app.git", Forge.GITHUB, "https://github.com/acme/ml-app"),
        ("https://gitlab.com/g/sub/p.git", Forge.GITLAB, "https://gitlab.com/g/sub/p"),
        (
            "ssh://gitlab.example.com:2222/g/p.git",
            Forge.GITLAB,
            "https://gitlab.example.com/g/p",
        ),
        (
            "https://gitlab.example.com:8443/g/p.git",
            Forge.GITLAB,
            "https://gitlab.example.com:8443/g/p",
        ),
        (
            "git@github.example.com:org/repo.git",
            Forge.GITHUB,
            "https://github.example.com/org/repo",
        ),
    ],
)
def test_remote_urls_become_web_addresses(remote: str, forge: Forge, base: str) -> None:
    assert web_base(remote) == (forge, base)


@pytest.mark.parametrize(
    "remote",
    ["https://bitbucket.org/a/b.git", "/srv/git/repo.git", "file:///srv/repo", "github.com"],
)
def test_unknown_hosts_get_no_links(remote: str) -> None:
    assert web_base(remote) is None


def test_gitlab_line_links_and_a_scanned_subfolder() -> None:
    facts = GitFacts("a" * 40, "main", False, "https://gitlab.com/g/p.git", "svc/api")
    links = source_links(facts)
    assert links is not None
    url = links.line_url(Location("src/my app.py", 3, end_line=5))
    assert url == f"https://gitlab.com/g/p/-/blob/{'a' * 40}/svc/api/src/my%20app.py#L3-5"
    assert links.commit_url() == f"https://gitlab.com/g/p/-/commit/{'a' * 40}"


def test_no_links_without_a_commit_or_a_remote(rich: Report) -> None:
    assert rich.git is not None
    no_remote = replace(rich, git=replace(rich.git, remote_url=None))
    assert not _links(PARSER.parse(markdown.render(no_remote)))
    assert not _links(PARSER.parse(markdown.render(replace(rich, git=None))))
