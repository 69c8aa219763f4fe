"""Read a docker-compose file: its services, each with its document and line positions.

The file is read safely with line positions (never with a full YAML loader); analyzers of
several domains (ports and privileges, commands, image references) walk these services.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.read.yamldoc import YamlDoc, file_docs, mapping
from mlsec_policy.models import JsonValue


@dataclass(frozen=True, slots=True)
class Service:
    """One compose service."""

    doc: YamlDoc
    name: str
    data: Mapping[str, JsonValue]

    @property
    def path(self) -> tuple[str, ...]:
        """Return the document path of the service."""
        return ("services", self.name)

    def line(self, *keys: str | int) -> int:
        """Return the line of a key inside the service."""
        return self.doc.line((*self.path, *keys))

    def text(self) -> str:
        """Return the service's image, command and entrypoint joined, for tool detection."""
        parts = [self.name]
        for key in ("image", "command", "entrypoint", "container_name"):
            value = self.data.get(key)
            parts.extend(str(v) for v in (value if isinstance(value, list) else [value]) if v)
        return " ".join(parts)


def services(context: FileContext) -> Iterator[Service]:
    """Yield the services of a compose file (AnalyzerError when it is not valid YAML)."""
    for doc in file_docs(context, helm=False):
        for name, data in mapping(mapping(doc.data).get("services")).items():
            if isinstance(data, Mapping):
                yield Service(doc, name, data)
