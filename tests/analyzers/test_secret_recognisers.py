"""Secret recognisers: names read word by word, values judged by shape, every phrasing read.

The token values here are made up for these tests (random strings in each provider's shape).
"""

from __future__ import annotations

import hashlib

import pytest

from mlsec_policy.analyzers.patterns import secret_values
from mlsec_policy.analyzers.patterns.secret_names import Strength, strength
from mlsec_policy.analyzers.patterns.secret_settings import literal_secret
from mlsec_policy.analyzers.patterns.secret_values import is_placeholder, masked_token
from mlsec_policy.analyzers.patterns.secrets import find_secrets
from mlsec_policy.analyzers.secrets.code_settings import code_settings
from mlsec_policy.analyzers.secrets.config_settings import config_settings, is_template
from mlsec_policy.models import Severity
from mlsec_policy.redact import redact

RANDOM = "Qm7vXk2pLz9wR4tY8uI1oP3a"


@pytest.mark.parametrize(
    ("name", "code", "expected"),
    [
        ("password", True, Strength.STRONG),
        ("DB_PASS", False, Strength.STRONG),
        ("OPENAI_API_KEY", True, Strength.STRONG),
        ("apiKey", True, Strength.STRONG),
        ("AUTH_CLIENTSECRET", False, Strength.STRONG),
        ("mySecretString", True, Strength.STRONG),
        ("hfToken", True, Strength.STRONG),
        ("some_api_token_123", True, Strength.STRONG),
        ("AZURE_STORAGE_ACCOUNT_KEY", True, Strength.STRONG),
        ("genericToken", True, Strength.WEAK),
        ("genericToken", False, Strength.STRONG),
        ("user_auth", True, Strength.WEAK),
        ("PINECONE_KEY", False, Strength.WEAK),
        ("PINECONE_KEY", True, Strength.NONE),
        ("MCP_PREVIOUS_REFRESH_TOKEN_KEY", True, Strength.NONE),
        ("LLM_SECRET_NAME", True, Strength.NONE),
        ("token_path", True, Strength.NONE),
        ("AWS_ACCESS_KEY_ID", False, Strength.NONE),
        ("AWS_ENDPOINT_URL_S3", False, Strength.NONE),
        ("pad_token", False, Strength.NONE),
        ("publicToken", False, Strength.NONE),
        ("csrf-token", False, Strength.NONE),
        ("primaryKey", False, Strength.NONE),
        ("pwd", True, Strength.NONE),
        ("max_new_tokens", True, Strength.NONE),
        ("keyVaultToStoreSecrets", False, Strength.NONE),
        ("path_to_token", False, Strength.NONE),
        ("api_key_for_openai", True, Strength.STRONG),
    ],
)
def test_names_are_read_word_by_word(name: str, code: bool, expected: Strength) -> None:
    assert strength(name, code=code) is expected


@pytest.mark.parametrize(
    "value",
    [
        "test-api-key-12345",  # restates what it is (a unit test's dummy)
        "_app_previous_refresh_token",  # the name of a key, not a key
        "your-token-here",
        "xxxxxxxxxxxxxxxx",
        "${API_KEY}",
        "chain_Anvil2_Key",
        "getUserName",
    ],
)
def test_dummies_labels_and_references_are_placeholders(value: str) -> None:
    assert is_placeholder(value)


def test_a_literal_keeps_its_dollar_and_braces() -> None:
    django_like = "$(IiGKrzBYXH;olHY{a13!)@#*!)il3C31U0lVvw"
    assert is_placeholder(django_like)  # in a shell or template, `$(` substitutes
    assert not is_placeholder(django_like, literal=True)  # in a Python literal it does not
    assert is_placeholder("{token}", literal=True)  # a value that is wholly a reference


def test_letters_only_tokens_are_not_placeholders() -> None:
    assert not masked_token("ZJOowcYSZwwAyoFndGdThKXUnIkulyWtDg")
    found = list(find_secrets('HF = "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"'))
    assert [m.rule.id for m in found] == ["huggingface-token"]
    assert list(find_secrets("hf_ProcessorMixinLoadingTestsForAllModel = 1")) == []


@pytest.mark.parametrize(
    ("token", "rule"),
    [
        (
            "xapp-1-AD3QSILWNRU-2691445754453-1f7fe688bcc2a8fd7b7a95a47d309504a4c7b2afd91a72",
            "slack-app-token",
        ),
        ("xoxb-2716453345108-2716453345109-T1pnnwukA1gMAkX0dN8JcyuU", "slack-bot-token"),
        (
            "https://hooks.slack.com/services/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",
            "slack-webhook",
        ),
        ("ABIABAMCS2G7EOLXPDAC", "aws-access-key-id"),
        ("ACCAKZZQFP6IOVA6X5PZ", "aws-access-key-id"),
        (
            "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbg",
            "aws-bedrock-short-key",
        ),
        ("53F8Q~9cLMIBZ.gFjT88Np-mNitL1LP7KlzdoS_T", "azure-client-secret"),
        ("AIzaSyNHxIf32IQ1a1yjl3ZJIqKZqzLAK1XhDk-", "google-api-key"),
    ],
)
def test_documented_formats_are_recognised(token: str, rule: str) -> None:
    line = f'value = "{token}"'
    found = list(find_secrets(line))
    assert [m.rule.id for m in found] == [rule]
    assert token not in found[0].masked_line


@pytest.mark.parametrize(
    "token",
    [
        "xoxp-1234-1234-1234-4ddbc191d40ee098cbaae6f3523ada2d",  # ids too short
        "xoxb-12345-abcd234",
        "sk-ant-api03-" + "a1B2c3D4e5" * 9 + "abcBB",  # wrong suffix
        "AKIAIOSFODNN7EXAMPLE",  # AWS's documented example
        "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29x",  # not bedrock.amazonaws.com
    ],
)
def test_near_misses_of_a_format_are_not_reported_by_format_or_name(token: str) -> None:
    assert list(find_secrets(f'value = "{token}"')) == []
    assert not literal_secret("api_token", token)


def test_code_and_publishable_keys_are_not_secrets() -> None:
    assert list(find_secrets('MLFLOW_TRACKING_PASSWORD = _EnvironmentVariable("X", str)')) == []
    assert list(find_secrets("MLFLOW_TRACKING_PASSWORD=Qm7vXk2pLz9w")) != []
    assert not literal_secret("api_key", "phc_C44vUK9R1J6HYVdfJarTEPqVAoRPJzMXzFcj8Pq")
    assert not literal_secret("STRIPE_KEY", "pk_live_51H8xYzQm7vXk2pLz9wR4tY8uI1o")


def test_jwt_confidence_follows_the_header() -> None:
    signed = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtdHJhaW5lciIsImlhdCI6MTczMjQwNjQwMH0"
        ".QzKEe7-PR9qR-hMjNzRf7-SKZSDK_Vb2x2kRVIIWKaN"
    )
    shaped = "eyRX0UUVB1sOdGnPkZx.eygCZqb6hp_b8E1a1zU.M9kN2BJaF4A=="
    assert [m.severity for m in find_secrets(f"t = '{signed}'")] == [Severity.HIGH]
    assert [m.severity for m in find_secrets(f"t = '{shaped}'")] == [Severity.MEDIUM]


def test_private_key_armour_needs_a_body() -> None:
    assert list(find_secrets("-----BEGIN PRIVATE KEY-----")) == []
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AWkdwKYSd8"
    text = f"-----BEGIN PRIVATE KEY-----\n{body}\n{body}\n-----END PRIVATE KEY-----\n"
    found = list(find_secrets(text.split("\n", 1)[0] + "\\n" + body + "\\n"))
    assert [m.rule.id for m in found] == ["private-key"]
    assert body not in found[0].masked_line


def test_public_samples_are_recognised_by_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    sample = "AIzaSyQm7vXk2pLz9wR4tY8uI1oP3aZx5cV6bN0"
    assert [m.rule.id for m in find_secrets(sample)] == ["google-api-key"]
    digest = hashlib.sha256(sample.encode()).hexdigest()
    monkeypatch.setattr(secret_values, "PUBLIC_SAMPLES", frozenset({digest}))
    assert list(find_secrets(sample)) == []


PYTHON = f"""\
import os
COMET = os.environ.get("COMET_API_KEY", "{RANDOM}")
AWS = os.getenv("AWS_SECRET_ACCESS_KEY", default="{RANDOM}")
os.environ["DB_PASSWORD"] = "{RANDOM}"
def connect(host: str, password: str = "{RANDOM}") -> None: ...
    api_key: str = "{RANDOM}"
    secret: str = Field(default="{RANDOM}")
parser.add_argument("--db-password", type=str, default="{RANDOM}")
client = Client(api_key="{RANDOM}", timeout=3)
upload_token = "{RANDOM}"
label = f"{{prefix}}-{{password}}"
headers = {{"password": "Bearer " + token}}
key = os.getenv("API_KEY", "")
pad_token = "<pad>"
token = "hello"
"""


def test_every_python_phrasing_is_read() -> None:
    found = [setting.line for setting in code_settings(PYTHON.splitlines())]
    assert found == [2, 3, 4, 5, 6, 7, 8, 9, 10]


CONFIG = f"""\
[database]
password = {RANDOM}  ; inline comment
api_key = "${{API_KEY}}"
API_KEY=

NEXT_SETTING=plain-value
export HF_AUTH_TOKEN={RANDOM}
  - POSTGRES_PASSWORD={RANDOM}
{{"client_secret": "{RANDOM}", "name": "x"}}
token_file: /run/secrets/token
"""


def test_configuration_lines_are_read_one_at_a_time() -> None:
    found = [setting.line for setting in config_settings(CONFIG.splitlines())]
    assert found == [2, 7, 8, 9]


def test_env_templates_are_recognised_by_name() -> None:
    assert is_template(".env.example")
    assert is_template("sample.env")
    assert not is_template(".env.local")
    assert not is_template("values.yaml")


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        (
            'h = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}',
            "c2lnbmF0dXJl",
        ),
        ("secret: 53F8Q~9cLMIBZ.gFjT88Np-mNitL1LP7KlzdoS_T", "9cLMIBZ"),
        (
            "url: https://hooks.slack.com/services/TL8Q7K0C5C3/B2QGP5J6YT1/T1pnnwukA1gMAk",
            "T1pnnwuk",
        ),
        ("AccountName=a;AccountKey=e90me+BU/vs7PeHZXTPlblrJE3jAe4haR7K8X==;x=y", "e90me"),
        ("xapp-1-AD3QSILWNRU-2691445754453-1f7fe688bc", "2691445754453"),
        ("k = ABIABAMCS2G7EOLXPDAC", "BAMCS2G7"),
    ],
)
def test_redaction_covers_the_new_formats(text: str, hidden: str) -> None:
    assert hidden not in redact(text)
