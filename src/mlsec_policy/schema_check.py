"""Validate YAML documents against our JSON Schemas and report problems at file:line:column.

jsonschema says *what* is wrong and where in the data; :mod:`mlsec_policy.yamlpos` knows where
that data sits in the file. This module joins the two and phrases each problem for a person,
with a hint (a close spelling for an unknown key, the allowed values for an enum).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from mlsec_policy.errors import PolicyError
from mlsec_policy.resources import load_schema
from mlsec_policy.yamlpos import Document, Path_

if TYPE_CHECKING:  # jsonschema is imported when a document is validated: a warm scan never is
    import jsonschema
    from jsonschema.exceptions import ValidationError


@cache
def validator_for(schema_name: str) -> jsonschema.protocols.Validator:
    """Return a cached validator for ``schemas/<schema_name>``."""
    import jsonschema.validators

    schema = load_schema(schema_name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def check_document(
    document: Document,
    schema_name: str,
    path: str,
    *,
    base: Path_ = (),
    error_type: type[PolicyError] = PolicyError,
) -> list[PolicyError]:
    """Validate ``document`` (or its part at ``base``) and return located problems, sorted."""
    data: Any = document.data
    for part in base:
        data = data[part]
    validator = validator_for(schema_name)
    return check_data(data, validator, document, path, base=base, error_type=error_type)


def check_data(
    data: Any,
    validator: jsonschema.protocols.Validator,
    document: Document,
    path: str,
    *,
    base: Path_ = (),
    error_type: type[PolicyError] = PolicyError,
    what: str = "",
) -> list[PolicyError]:
    """Validate ``data`` found at ``base`` in ``document`` with ``validator``."""
    problems: dict[tuple[int, int, str], PolicyError] = {}
    for error in _leaf_errors(validator.iter_errors(data)):
        problem = _describe(error, document, path, base, error_type, what)
        key = (problem.line or 0, problem.column or 0, problem.message)
        problems.setdefault(key, problem)
    return [problems[key] for key in sorted(problems)]


def _leaf_errors(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    """Replace combinator errors (anyOf, oneOf, if/then) by the most specific cause."""
    from jsonschema.exceptions import best_match

    for error in errors:
        if error.context:
            best = best_match(error.context)
            yield best if best is not None else error
        else:
            yield error


def _describe(
    error: ValidationError,
    document: Document,
    path: str,
    base: Path_,
    error_type: type[PolicyError],
    what: str,
) -> PolicyError:
    data_path: Path_ = (*base, *error.absolute_path)
    schema_path = list(error.absolute_schema_path)
    hint: str | None = None
    position = document.positions.of(data_path)
    where = f" in {what}" if what else ""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(_schema_properties(error.schema))
        extra = sorted(set(error.instance) - set(allowed))
        key = extra[0] if extra else "?"
        position = document.positions.of_key((*data_path, key)) or position
        message = f"unknown key {key!r}{where}"
        hint = _spelling_hint(key, allowed)
    elif "propertyNames" in schema_path and isinstance(error.instance, str):
        key = error.instance
        position = document.positions.of_key((*data_path, key)) or position
        allowed = _enum_values(error.schema)
        message = f"unknown key {key!r}{where}"
        hint = _spelling_hint(key, allowed)
    elif error.validator == "required":
        missing = _quoted_word(error.message)
        message = f"missing required key {missing}{where}"
        hint = "add it; see the schema for what it must hold"
    elif error.validator == "enum":
        values = [str(v) for v in cast(list[Any], error.validator_value)]
        message = f"{error.instance!r} is not allowed here{where}"
        close = difflib.get_close_matches(str(error.instance), values, n=1)
        hint = (f"did you mean {close[0]!r}? " if close else "") + "allowed: " + ", ".join(values)
    elif error.validator == "pattern":
        message = f"{error.instance!r} does not have the expected form{where}"
        description = error.schema.get("description") if isinstance(error.schema, dict) else None
        hint = str(description) if description else f"it must match {error.validator_value}"
    elif error.validator == "minLength":
        message = f"{error.instance!r} is too short{where}"
        description = error.schema.get("description") if isinstance(error.schema, dict) else None
        at_least = f"write at least {error.validator_value} characters"
        hint = str(description) if description else at_least
    elif error.validator == "not" and isinstance(error.instance, dict):
        message = f"a semgrep rule here must not set id, message, severity or paths{where}"
        hint = "mlsec-policy sets them: use the check's message, severity and include/exclude"
    else:
        message = error.message + where
    line, column = position if position else (None, None)
    return error_type(message, path=path, line=line, column=column, hint=hint)


def _schema_properties(schema: Any) -> set[str]:
    if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
        return set(schema["properties"])
    return set()


def _enum_values(schema: Any) -> list[str]:
    if isinstance(schema, dict) and isinstance(schema.get("enum"), list):
        return [str(v) for v in schema["enum"]]
    return []


def _spelling_hint(key: str, allowed: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    if allowed:
        return "allowed keys: " + ", ".join(allowed)
    return None


def _quoted_word(message: str) -> str:
    start = message.find("'")
    end = message.find("'", start + 1)
    if start >= 0 and end > start:
        return message[start : end + 1]
    return message
