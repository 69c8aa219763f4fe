"""What a saved output gives away about the author's machine and accounts (NB-01)."""

from __future__ import annotations

import pytest

from mlsec_policy.analyzers.patterns.environment import Detail, find_environment


@pytest.mark.parametrize(
    ("text", "details"),
    [("FileNotFoundError: /home/marta/data/x.csv", [Detail.HOME]),
     ("saved to /Users/kwame.osei/Library/cache", [Detail.HOME]),
     (r"C:\Users\lpetit\AppData\Local\x", [Detail.HOME]),
     ("role arn:aws:iam::503918274615:role/SageMakerRole", [Detail.ACCOUNT]),
     ("projects/887766554433/locations/us-central1/endpoints/1", [Detail.ACCOUNT]),
     ("projects/acme-vision-prod/locations/europe-west4/models/7", [Detail.ACCOUNT]),
     ("View run at https://wandb.ai/lab-kim/llm-sft/runs/3x9", [Detail.TRACKER]),
     ("connected to ip-10-0-3-7.ec2.internal:29500", [Detail.HOST]),
     ("worker-3.c.acme-vision-prod.internal", [Detail.HOST]),
     ("/home/ana/x and arn:aws:s3:::b and wandb.ai/ana/p", [Detail.HOME, Detail.TRACKER])],
)  # fmt: skip
def test_details_that_name_the_author_are_found(text: str, details: list[Detail]) -> None:
    assert [m.detail for m in find_environment(text)] == details


@pytest.mark.parametrize(
    "text",
    [
        "/home/jovyan/work/x.ipynb",
        "/home/ubuntu/.cache/huggingface",
        "/Users/username/x",
        "/root/.cache/torch",
        "arn:aws:iam::123456789012:role/Example",
        "arn:aws:iam::000000000000:role/x",
        "projects/my-project/locations/us/x",
        "projects/your-project-id/locations/us/x",
        "https://wandb.ai/authorize",
        "https://wandb.ai/site/quickstart",
        "http://127.0.0.1:7860",
        "/home/.cache/x",
        "see docs/home/intro.md",
        "~/home/ana/x",
    ],
)
def test_shared_accounts_examples_and_placeholders_are_not(text: str) -> None:
    assert list(find_environment(text)) == []


def test_values_leave_masked() -> None:
    (match,) = find_environment("arn:aws:iam::503918274615:role/SageMakerRole")
    assert "503918274615" not in match.example
    (home,) = find_environment("/home/marta/x")
    assert "marta" not in home.example
