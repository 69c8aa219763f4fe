"""Which gitleaks rules the secrets issue covers, grouped by provider.

gitleaks has no rule for database URLs with passwords, Weights & Biases, Comet, Azure storage
connection strings or AWS secret access keys, so those providers have no examples here. Its
``gcp-service-account`` rule is switched off in its generator and its ``pkcs12-file`` rule
matches file paths, so neither is measured. The Amazon Bedrock API keys are AWS credentials
and are listed under AWS.
"""

from __future__ import annotations

PROVIDERS: dict[str, tuple[str, ...]] = {
    "Hugging Face": ("huggingface-access-token", "huggingface-organization-api-token"),
    "OpenAI": ("openai-api-key",),
    "Anthropic": ("anthropic-api-key", "anthropic-admin-api-key"),
    "GitHub": (
        "github-pat",
        "github-fine-grained-pat",
        "github-oauth",
        "github-app-token",
        "github-refresh-token",
    ),
    "Slack": (
        "slack-bot-token",
        "slack-user-token",
        "slack-app-token",
        "slack-config-access-token",
        "slack-config-refresh-token",
        "slack-legacy-bot-token",
        "slack-legacy-workspace-token",
        "slack-legacy-token",
        "slack-webhook-url",
    ),
    "Google API key": ("gcp-api-key",),
    "AWS": (
        "aws-access-token",
        "aws-amazon-bedrock-api-key-long-lived",
        "aws-amazon-bedrock-api-key-short-lived",
    ),
    "Azure": ("azure-ad-client-secret",),
    "Private key": ("private-key",),
    "JWT": ("jwt", "jwt-base64"),
    "Generic API key": ("generic-api-key",),
}
"""Provider → the gitleaks rule ids measured for it, in table order."""

DEFAULT_KEYS: dict[str, str] = {
    "Hugging Face": "hf_token",
    "OpenAI": "openai_api_key",
    "Anthropic": "anthropic_api_key",
    "GitHub": "github_token",
    "Slack": "slack_token",
    "Google API key": "google_api_key",
    "AWS": "aws_access_key_id",
    "Azure": "azure_client_secret",
    "Private key": "private_key",
    "JWT": "auth_token",
    "Generic API key": "api_key",
}
"""The setting name used when gitleaks' example writes the value without one."""

RULE_KEYS: dict[str, str] = {
    "slack-webhook-url": "slack_webhook_url",
    "aws-amazon-bedrock-api-key-long-lived": "aws_bearer_token_bedrock",
    "aws-amazon-bedrock-api-key-short-lived": "aws_bearer_token_bedrock",
}
"""Rule-specific setting names that read better than the provider's."""

NAME_RULES = frozenset({"generic-api-key"})
"""Rules that recognise a secret by the name in front of it: a false example of theirs that
names nothing is measured verbatim only (giving it our default name would change its label)."""

_BY_RULE = {rule: provider for provider, rules in PROVIDERS.items() for rule in rules}


def provider_of(rule_id: str) -> str | None:
    """Return the provider a rule belongs to, or None when it is out of scope."""
    return _BY_RULE.get(rule_id)


def default_key(rule_id: str) -> str:
    """Return the setting name for a rule's examples that name none."""
    provider = provider_of(rule_id)
    return RULE_KEYS.get(rule_id) or DEFAULT_KEYS.get(provider or "", "api_key")
