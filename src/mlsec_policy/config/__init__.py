"""The repository configuration, ``.mlsec-policy.yml``: find it, read it, check it."""

from mlsec_policy.config.loader import check_controls, find_config, load_config
from mlsec_policy.config.model import CONFIG_NAMES, RepoConfig

__all__ = ["CONFIG_NAMES", "RepoConfig", "check_controls", "find_config", "load_config"]
