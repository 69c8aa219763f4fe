"""Examples of our own for the credential formats gitleaks has no rule for.

Issue 11 lists formats that gitleaks' rules do not cover: database URLs with passwords, Weights
& Biases and Comet keys, Azure storage connection strings, AWS secret access keys and GCP
service-account keys. Their true examples are generated here from each provider's documented
format (README, "Token formats the providers document"), seeded so that every run writes the
same values; their false examples are the placeholders the providers' own documentation and
templates use. They are measured in the same 16 file kinds as gitleaks' examples, and reported
in a table of their own: they are ours, so they are not part of the gitleaks target.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable

from gitleaks_examples import Example, RuleExamples

ALNUM = string.ascii_letters + string.digits
BASE64 = ALNUM + "+/"
HEX = "0123456789abcdef"

OWN_PROVIDERS: dict[str, tuple[str, ...]] = {
    "Database URL": ("own-database-url",),
    "Weights & Biases": ("own-wandb-key",),
    "Comet": ("own-comet-key",),
    "Azure storage": ("own-azure-storage",),
    "AWS secret access key": ("own-aws-secret-key",),
    "GCP service-account key": ("own-gcp-service-account",),
}
"""Provider → rule ids of our own examples, in table order."""


def _text(key: str, value: str) -> str:
    return f"{key}={value}"


def _database(rng: random.Random) -> list[tuple[str, str]]:
    users = ["trainer", "etl", "mlflow", "app", "feast"]
    out = []
    for scheme, port in [
        ("postgresql", 5432),
        ("postgresql+psycopg2", 5432),
        ("mysql+pymysql", 3306),
        ("mongodb+srv", 0),
        ("redis", 6379),
        ("mssql+pyodbc", 1433),
        ("clickhouse", 8123),
        ("amqp", 5672),
    ]:
        password = "".join(rng.choice(ALNUM + "-_.~") for _ in range(rng.randint(12, 24)))
        user = "" if scheme == "redis" else rng.choice(users)
        host = f"db{rng.randint(1, 9)}.internal" + (f":{port}" if port else "")
        out.append(("DATABASE_URL", f"{scheme}://{user}:{password}@{host}/features"))
    return out


def _wandb(rng: random.Random) -> list[tuple[str, str]]:
    legacy = [("WANDB_API_KEY", "".join(rng.choice(HEX) for _ in range(40))) for _ in range(6)]
    new = "wandb_v1_" + "".join(rng.choice(ALNUM + "_") for _ in range(77))
    return [*legacy, ("WANDB_API_KEY", new)]


def _comet(rng: random.Random) -> list[tuple[str, str]]:
    return [("COMET_API_KEY", "".join(rng.choice(ALNUM) for _ in range(25))) for _ in range(6)]


def _azure(rng: random.Random) -> list[tuple[str, str]]:
    out = []
    for _ in range(6):
        account = "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
        key = "".join(rng.choice(BASE64) for _ in range(86)) + "=="
        value = (
            f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};"
            "EndpointSuffix=core.windows.net"
        )
        out.append(("AZURE_STORAGE_CONNECTION_STRING", value))
    return out


def _aws_secret(rng: random.Random) -> list[tuple[str, str]]:
    return [
        ("AWS_SECRET_ACCESS_KEY", "".join(rng.choice(BASE64) for _ in range(40))) for _ in range(6)
    ]


def _pem(rng: random.Random) -> str:
    body = "".join(rng.choice(BASE64) for _ in range(64 * 4))
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END PRIVATE KEY-----\n"


def _gcp(rng: random.Random) -> list[tuple[str, str]]:
    return [("private_key", _pem(rng)) for _ in range(4)]


def _gcp_text(value: str) -> str:
    document = {
        "type": "service_account",
        "project_id": "ml-train",
        "private_key_id": "0" * 40,
        "private_key": value,
        "client_email": "trainer@ml-train.iam.gserviceaccount.com",
    }
    return json.dumps(document, indent=2)


FALSE: dict[str, list[tuple[str, str]]] = {
    "own-database-url": [
        ("DATABASE_URL", "postgresql://user:password@localhost:5432/mydb"),
        ("DATABASE_URL", "postgresql://${DB_USER}:${DB_PASSWORD}@db:5432/app"),
        ("DATABASE_URL", "mysql+pymysql://root:<password>@localhost/app"),
        ("DATABASE_URL", "mongodb://username:changeme@localhost:27017"),
        ("DATABASE_URL", "redis://localhost:6379/0"),
    ],
    "own-wandb-key": [
        ("WANDB_API_KEY", "<your-api-key>"),
        ("WANDB_API_KEY", "x" * 40),
        ("WANDB_API_KEY", "your_wandb_api_key"),
    ],
    "own-comet-key": [
        ("COMET_API_KEY", "YOUR-API-KEY"),
        ("COMET_API_KEY", "<comet api key>"),
        ("COMET_API_KEY", "${COMET_API_KEY}"),
    ],
    "own-azure-storage": [
        ("AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"),
        (
            "AZURE_STORAGE_CONNECTION_STRING",
            "DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;"
            "EndpointSuffix=core.windows.net",
        ),
    ],
    "own-aws-secret-key": [
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("AWS_SECRET_ACCESS_KEY", "<secret-access-key>"),
        ("AWS_SECRET_ACCESS_KEY", "${AWS_SECRET_ACCESS_KEY}"),
    ],
    "own-gcp-service-account": [
        ("private_key", "-----BEGIN PRIVATE KEY-----\nPRIVATE_KEY\n-----END PRIVATE KEY-----\n"),
    ],
}
"""Placeholders as the providers' documentation and templates write them."""

GENERATORS: dict[str, Callable[[random.Random], list[tuple[str, str]]]] = {
    "own-database-url": _database,
    "own-wandb-key": _wandb,
    "own-comet-key": _comet,
    "own-azure-storage": _azure,
    "own-aws-secret-key": _aws_secret,
    "own-gcp-service-account": _gcp,
}


def own_examples() -> list[RuleExamples]:
    """Return our own true and false examples, one RuleExamples per format."""
    rules = []
    for provider, rule_ids in OWN_PROVIDERS.items():
        for rule_id in rule_ids:
            rng = random.Random(rule_id)
            text = _gcp_text if rule_id == "own-gcp-service-account" else None
            positives = tuple(
                Example(rule_id, True, text(v) if text else _text(k, v), "own", v, k)
                for k, v in GENERATORS[rule_id](rng)
            )
            negatives = tuple(
                Example(rule_id, False, text(v) if text else _text(k, v), "own", v, k)
                for k, v in FALSE[rule_id]
            )
            rules.append(
                RuleExamples(rule_id, f"own:{provider}", True, False, positives, negatives, (), 0)
            )
    return rules
