"""Secrets: found in every text kind, never leaked by any report format."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mlsec_policy.analyzers.patterns.secret_settings import literal_secret
from mlsec_policy.analyzers.patterns.secret_values import is_placeholder
from mlsec_policy.analyzers.patterns.secrets import find_secrets
from mlsec_policy.redact import redact
from tests.conftest import REPO, CliResult, load_json, report_validator, sarif_validator

FIXTURE = REPO / "policies/controls/app-development/MLSEC-SECRET-01/tests/fail"
SECRETS = (
    "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL",
    "8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7Dxt",
    "PLPFT75V2SEH60KV",
    "4fd12aabfe228f219e9cb0eb53f16947ccf25ec8",
    "OzdmenCkhvMdgaKjIg8xNbe3nNyjOq9wMxEh",
    "Vq7#pLm2xZ9w",
    "Tr0ub4dor&3x!q",
    "K8sPr0d!pass9",
    "Xy7kQ9mZ2pL4",
    "Zq8vKp3LmX2nWb7RtY5c",
    "mL9fl0w-Pa55-x7Q",
    # the phrasings and formats added for issue 11 (settings.py, config/, CI, compose, gcp/)
    "0lR8acRYSi4MDF8kWCBX1KpeZ",
    "55KuQdBN7VHik5qNvO8fy5lShwlQOmOSZ1MtkW17",
    "IiGKrzBYXH",
    "e90me+BU/vs7PeHZXTPlblrJE3jAe4haR7K8XyZCB6IAUUJcTa",
    "T1pnnwukA1gMAkX0dN8JcyuU",
    "QzKEe7-PR9qR-hMjNzRf7-SKZSDK_Vb2x2kRVIIWKaN",
    "1f7fe688bcc2a8fd7b7a95a47d309504a4c7b2afd91a7297ec552eb0d81bc8f3",
    "BAMCS2G7EOLXPDAC",
    "0o0BMRS2O0qr1BkGJrxnjscEuLk1gTZ7",
    "UaLJ4d8jOCs4bWYTI6wLqeeHq1PkCJVu",
    "HXDYzEzVMGPBnu3mY2lhm12F",
    "DHHIUr%QdMftdK",
    "PzmV4eAk5M7ByFgD",
    "1NcueZ5esNNksNDGZD",
    "472b4812d5702984287c56472fb7fd10068e2cb4",
    "OnTcVAiTqnbtXSXFRO9O0q8WKLi5qJI4mijO",
    "zl5LFi6EIKS43V5d",
    "9cLMIBZ.gFjT88Np-mNitL1LP7KlzdoS_T",
    "cys3gNz8mHajhwMRGOz0x7Vz7qyl7R",
    "XdEAMQBlnyFJabvGwdDbqiPKfZXFjnnXsi",
    "c67cc2f5fe38b2bde3ca33b288c5aaa5f02bcd0c",
    "zK4gUOZd4ShNMLSt9hcO",
    "xs96L7nE8l8XxobZdGw6GPvRnWKMjK9",
    "Lk7wUz5X1TLs",
    "URfsL8PKdeyJ271r9TDq9E8DBTxZPU3B",
    "x3PW8IlGeptr97mucY5sGF99cbEnSp",
)


def test_no_report_format_leaks_a_secret(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    target = tmp_path / "repo"
    shutil.copytree(FIXTURE, target)
    result = cli(
        "scan",
        str(target),
        "--no-hash-cache",
        "-v",
        "--json-output",
        str(tmp_path / "r.json"),
        "--sarif-output",
        str(tmp_path / "r.sarif"),
    )
    assert result.code == 1
    report_validator().validate(load_json(tmp_path / "r.json"))
    sarif_validator().validate(load_json(tmp_path / "r.sarif"))
    outputs = {
        "json": (tmp_path / "r.json").read_text(encoding="utf-8"),
        "sarif": (tmp_path / "r.sarif").read_text(encoding="utf-8"),
        "console": result.out + result.err,
    }
    assert "MLSEC-SECRET-01" in outputs["console"]
    assert "hf_****" in outputs["sarif"]
    for name, text in outputs.items():
        for secret in SECRETS:
            assert secret not in text, f"{name} output leaks {secret}"


def test_notebook_output_secret_points_at_cell(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    target = tmp_path / "repo"
    shutil.copytree(FIXTURE, target)
    cli("scan", str(target), "--no-hash-cache", "--sarif-output", str(tmp_path / "r.sarif"))
    sarif = load_json(tmp_path / "r.sarif")
    results = [
        r
        for r in sarif["runs"][0]["results"]
        if r["ruleId"] == "MLSEC-SECRET-01"
        and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
            "explore.ipynb"
        )
    ]
    lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}
    assert lines == {9, 22}
    output = next(
        r for r in results if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 22
    )
    assert output["properties"]["notebookCell"] == {"index": 2, "line": 1}
    assert "output of cell 2" in output["message"]["text"]


@pytest.mark.parametrize(
    "line",
    [
        'token = "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
        "HF_TOKEN=${HF_TOKEN}",
        'api_key = os.environ["OPENAI_API_KEY"]',
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        'url = "postgresql://user:password@localhost/db"',
        "-----BEGIN CERTIFICATE-----",
        "see tokenizer.json for the vocabulary",
    ],
)
def test_placeholders_and_references_are_not_secrets(line: str) -> None:
    assert list(find_secrets(line)) == []


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("HF_TOKEN=hf_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL", "huggingface-token"),
        ('"key": "4d8dbc74254770f58904dba41ecccc3f"', "kaggle-key"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8vLk2Hq9", "aws-secret-key"),
        (
            f'"pem": "-----BEGIN RSA PRIVATE KEY-----\\n{"MIIEpAIBAAKCAQEAx2Lq9" * 4}\\n"',
            "private-key",
        ),
        ("mongodb+srv://svc:Qm7vXk2pLz9w@cluster0.mongodb.net/db", "url-password"),
    ],
)
def test_real_looking_secrets_are_found_and_masked(line: str, rule: str) -> None:
    matches = list(find_secrets(line))
    assert [m.rule.id for m in matches] == [rule]
    secret = line[matches[0].start : matches[0].end]
    assert secret not in matches[0].masked_line
    assert "****" in matches[0].masked_line


def test_placeholder_words() -> None:
    assert is_placeholder("your-token-here")
    assert is_placeholder("xxxxxxxx")
    assert not is_placeholder("Qm7vXk2pLz9w")


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ('wandb.login(key="4fd12aabfe228f219e9cb0eb53f16947ccf25ec8")', "4fd12aab"),
        ('{"username": "x", "key": "4d8dbc74254770f58904dba41ecccc3f"}', "4d8dbc74"),
        ("machine huggingface.co login u password Qm7vXk2pLz9w", "Qm7vXk2pLz9w"),
    ],
)
def test_redact_masks_keys_other_engines_may_quote(text: str, hidden: str) -> None:

    assert hidden not in redact(text)
    assert "****" in redact(text)


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("ApiToken", "._internal.cloud.api_token:ApiToken", False),  # lazy-import table
        ("auth_token", "myapp.security:TOKEN_FIELD", False),
        ("api_key", "settings.OPENAI_API_KEY", False),
        ("api_key", "Qm7vXk2pLz9wR4tY8uI1oP3a", True),
    ],
)
def test_secret_named_settings_judge_the_value_shape(name: str, value: str, secret: bool) -> None:
    assert literal_secret(name, value, 3.0, code=True) is secret


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("path = hf_hub_download(repo_id, filename)", "hf_hub_download"),
        ("token = 'hf_XyZ12aBcDeFgHiJkLmNoPqRsTuVwXyZ987'", None),
        ("ghp_16C7e42F292c6912E7710c838347Ae178B4a", None),
    ],
)
def test_redaction_keeps_identifiers_that_share_a_token_prefix(text: str, kept: str | None) -> None:
    masked = redact(text)
    if kept is None:
        assert "****" in masked
    else:
        assert kept in masked
