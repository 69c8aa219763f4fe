"""``mlsec-policy controls analyzers``: the native analyzers a control file can name.

For each analyzer: what it reports, whether it reads one file at a time or the whole
repository, the kinds of file it reads, the parameters a check may give (the JSON Schema the
policy loader validates them against) and the checks of the loaded packs that use it. This is
the page a control author needs before writing ``engine: native``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.cli.controls_cmd import FORMAT, load, policy_option
from mlsec_policy.errors import ExitCode, UsageError
from mlsec_policy.models import ArtifactKind
from mlsec_policy.policy import NativeCheck, Policy
from mlsec_policy.policy.collect import closest_hint

KIND_ORDER = {kind: index for index, kind in enumerate(ArtifactKind)}


@click.command("analyzers")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--format", "output", type=FORMAT, default="text", show_default=True)
@policy_option
def analyzers_command(names: tuple[str, ...], output: str, policies: tuple[str, ...]) -> int:
    """List the native analyzers: what each reports, reads and accepts as parameters."""
    unknown = [name for name in names if name not in ANALYZERS]
    if unknown:
        raise UsageError(
            f"no analyzer {unknown[0]!r}",
            hint=closest_hint(unknown[0], ANALYZERS) or "run without a name to list them all",
        )
    listed = describe(ANALYZERS, load(policies), names)
    if output == "json":
        click.echo(json.dumps(listed, indent=2))
    else:
        click.echo(render_text(listed), nl=False)
    return int(ExitCode.OK)


def describe(
    analyzers: Mapping[str, AnalyzerSpec[Any]], policy: Policy, names: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Return one entry per analyzer (all, or those named), sorted by name."""
    used_by: dict[str, list[str]] = {}
    for check in policy.checks(NativeCheck):
        used_by.setdefault(check.analyzer, []).append(check.control_id)
    return [
        {
            "name": name,
            "description": spec.description,
            "reads": "repository" if spec.repo is not None else "file",
            "kinds": [kind.value for kind in sorted(spec.kinds, key=KIND_ORDER.__getitem__)],
            "params": spec.params_schema,
            "used_by": sorted(set(used_by.get(name, []))),
        }
        for name, spec in sorted(analyzers.items())
        if not names or name in names
    ]


def render_text(listed: Iterable[Mapping[str, Any]]) -> str:
    """Render :func:`describe` for a terminal."""
    lines: list[str] = []
    for entry in listed:
        lines += [
            f"{entry['name']}  ({'repository' if entry['reads'] == 'repository' else 'file'})",
            f"  {entry['description']}",
            f"  kinds     {', '.join(entry['kinds'])}",
        ]
        properties: Mapping[str, Any] = entry["params"].get("properties", {})
        required = set(entry["params"].get("required", []))
        if not properties:
            lines.append("  params    none")
        for index, (name, schema) in enumerate(properties.items()):
            label = "params" if index == 0 else ""
            flag = " (required)" if name in required else ""
            lines.append(f"  {label:<8}  {name}{flag}: {_type(schema)}")
            if schema.get("description"):
                lines.append(f"  {'':<8}    {schema['description']}")
        used = ", ".join(entry["used_by"]) or "no control of the loaded packs"
        lines += [f"  used by   {used}", ""]
    return "\n".join(lines)


def _type(schema: Mapping[str, Any]) -> str:
    """Describe a property's JSON Schema in a few words."""
    if "enum" in schema:
        if set(schema["enum"]) == set(KIND_ORDER):
            return "artifact kind"
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    kind = schema.get("type", "any value")
    if kind == "array":
        least = schema.get("minItems")
        return (
            "list of " + _type(schema.get("items", {})) + (f" (at least {least})" if least else "")
        )
    if kind == "object":
        required = set(schema.get("required", []))
        fields = (
            f"{name}{'' if name in required else '?'}: {_type(inner)}"
            for name, inner in schema.get("properties", {}).items()
        )
        return "{" + "; ".join(fields) + "}"
    if schema.get("format") == "regex":
        return "regular expression"
    bounds = [f"≥ {schema['minimum']}" if "minimum" in schema else "", ""]
    if "maximum" in schema:
        bounds[1] = f"≤ {schema['maximum']}"
    shown = ", ".join(bound for bound in bounds if bound)
    return f"{kind} ({shown})" if shown else str(kind)
