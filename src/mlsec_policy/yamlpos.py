"""Safe YAML reading that remembers where every key and value came from.

Policy, configuration and manifest files are read with PyYAML's *safe* composer only: nodes are
built without running constructors for arbitrary tags, aliases are expanded lazily with a depth
guard, and each key and value keeps its 1-based line and column so that errors and findings can
point at the exact spot. Nothing here ever executes content.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import yaml

from mlsec_policy.models import JsonValue

Path_ = tuple[str | int, ...]
"""A path into a document: mapping keys and sequence indexes."""

MAX_DEPTH = 200
"""Deeper nesting is refused: it only occurs in hostile or broken files."""

MAX_NODES = 500_000
"""Documents expanding to more nodes are refused (alias bombs)."""


class YamlError(Exception):
    """A YAML file cannot be read; carries the 1-based position of the problem."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class YamlLimitError(YamlError):
    """A YAML file exceeds a bound (alias expansion, nesting): hostile or broken, not read."""


@dataclass
class Positions:
    """Where each value (and each mapping key) of a document sits in its file."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def of(self, path: Path_) -> tuple[int, int] | None:
        """Return the position of the value at ``path``, or of its nearest located parent."""
        probe = tuple(path)
        while True:
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return None
            probe = probe[:-1]

    def of_key(self, path: Path_) -> tuple[int, int] | None:
        """Return the position of the key that ends ``path``, falling back to :meth:`of`."""
        return self.keys.get(tuple(path)) or self.of(path)


@dataclass
class Document:
    """One YAML document: its plain data and the positions of its parts."""

    data: JsonValue
    positions: Positions
    start_line: int


class _Builder:
    """Turns a composed node graph into plain data, recording positions as it goes."""

    def __init__(self, *, allow_duplicates: bool = False) -> None:
        self.positions = Positions()
        self.constructor = yaml.constructor.SafeConstructor()
        self.count = 0
        self.allow_duplicates = allow_duplicates

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> JsonValue:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlLimitError(f"document expands to more than {MAX_NODES:,} nodes (alias bomb?)")
        if depth > MAX_DEPTH:
            raise YamlLimitError(f"document nests more than {MAX_DEPTH} levels deep", *_mark(node))
        self.positions.values[path] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        raise YamlError(f"unsupported YAML node {type(node).__name__}", *_mark(node))

    def _scalar(self, node: yaml.ScalarNode) -> JsonValue:
        try:
            value = self.constructor.construct_object(node, deep=True)
        except ValueError:
            # a scalar that looks like a timestamp but is not a real one (2026-13-01)
            return str(node.value)
        except yaml.constructor.ConstructorError:
            # an application tag (CloudFormation's !Ref, GitLab's !reference): keep the text,
            # never construct anything for it
            return str(node.value)
        if value is None or isinstance(value, str | bool | int | float):
            return value
        # timestamps, binary and other safe-but-non-JSON scalars are kept as their source text
        return str(node.value)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> JsonValue:
        try:
            self.constructor.flatten_mapping(node)
        except yaml.constructor.ConstructorError as exc:
            raise YamlError(str(exc.problem), *_mark(node)) from None
        result: dict[str, JsonValue] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or isinstance(key, list | dict):
                raise YamlError("mapping keys must be plain scalars", *_mark(key_node))
            text_key = key if isinstance(key, str) else _key_text(key)
            if text_key in result and not self.allow_duplicates:
                line, column = _mark(key_node)
                raise YamlError(f"duplicate key {text_key!r}", line, column)
            self.positions.keys[(*path, text_key)] = _mark(key_node)
            result[text_key] = self.build(value_node, (*path, text_key), depth + 1)
        return result


def _key_text(key: JsonValue) -> str:
    """Spell a non-string mapping key the way YAML 1.1 readers see it (``on`` -> ``true``)."""
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _PureLoader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, refusing flow collections nested too deep as it scans.

    Its scanner looks at every open flow level at each token, so nesting costs time squared
    (3,000 levels took seconds) long before the builder's depth bound is reached.
    """

    def fetch_flow_collection_start(self, TokenClass: type[yaml.Token]) -> None:  # noqa: N803
        """Open a flow collection, unless it is one level deeper than any document may nest."""
        if self.flow_level > MAX_DEPTH:
            mark = self.get_mark()
            raise YamlLimitError(
                f"document nests more than {MAX_DEPTH} levels deep", mark.line + 1, mark.column + 1
            )
        super().fetch_flow_collection_start(TokenClass)


FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)
"""PyYAML's safe loader over libyaml (C), when PyYAML was built with it: it composes the same
nodes, with the same positions, about four times faster than the pure-Python one."""


def load_documents(text: str, *, allow_duplicates: bool = False) -> list[Document]:
    """Read every document of ``text``; raise :class:`YamlError` with a position on failure.

    ``allow_duplicates`` lets a later key replace an earlier one instead of failing: templated
    views legitimately hold both branches of an if/else that set the same key. Files are read
    with libyaml when it is there; a file it refuses is read again by the pure-Python reader,
    whose messages say more (and which decides).
    """
    if FAST_LOADER is not None:
        try:
            return _load(text, FAST_LOADER, allow_duplicates)
        except YamlLimitError:
            raise
        except YamlError:
            pass
    return _load(text, _PureLoader, allow_duplicates)


def _load(text: str, loader: type[yaml.SafeLoader], allow_duplicates: bool) -> list[Document]:
    documents: list[Document] = []
    try:
        for node in yaml.compose_all(text, Loader=loader):
            if _expanded_size(node, {}, 0) > MAX_NODES:
                raise YamlLimitError(
                    f"document expands to more than {MAX_NODES:,} nodes (alias bomb?)",
                    *_mark(node),
                )
            builder = _Builder(allow_duplicates=allow_duplicates)
            data = builder.build(node, ())
            documents.append(Document(data, builder.positions, node.start_mark.line + 1))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise YamlError(str(exc.problem or exc.context or "invalid YAML"), line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc)) from None
    except RecursionError:
        raise YamlLimitError("document nests too deeply for the YAML reader") from None
    return documents


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int) -> int:
    """Return how many nodes ``node`` expands to, aliases counted at every use.

    An alias is the node it names, shared in the composed graph: counting each distinct node
    once and multiplying by its uses costs time in the size of the file, not of the
    expansion, so a bomb is refused before anything is expanded.
    """
    if depth > MAX_DEPTH:
        raise YamlLimitError(f"document nests more than {MAX_DEPTH} levels deep", *_mark(node))
    known = memo.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            size += _expanded_size(item, memo, depth + 1)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            size += _expanded_size(key, memo, depth + 1) + _expanded_size(value, memo, depth + 1)
    memo[id(node)] = min(size, MAX_NODES + 1)
    return memo[id(node)]


def load_single(text: str) -> Document:
    """Read a file that must hold exactly one YAML document."""
    documents = load_documents(text)
    if not documents:
        raise YamlError("the file is empty", 1, 1)
    if len(documents) > 1:
        raise YamlError("expected one YAML document, found several", documents[1].start_line, 1)
    return documents[0]


def walk(data: JsonValue, path: Path_ = ()) -> Iterator[tuple[Path_, JsonValue]]:
    """Yield every (path, value) pair of a document, parents before children."""
    yield path, data
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from walk(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from walk(value, (*path, index))
