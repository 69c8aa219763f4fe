"""Commands imported when they are asked for, so ``scan`` does not load every other command.

A command module can import much that a scan never uses (the policy self-test tooling, the
mutation tester, the HTML renderer's template engine); :class:`LazyGroup` names each command by
where it lives and imports it on first use. ``--help`` lists every command, importing them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

import click

Where = tuple[str, str, tuple[tuple[str, str, str], ...]]
"""(module, attribute, and subcommands added to it: (name, module, attribute) each)."""


class LazyGroup(click.Group):
    """A click group whose commands are imported by name when first needed."""

    def __init__(self, *args: object, lazy: Mapping[str, Where], **kwargs: object) -> None:
        """Create the group; ``lazy`` maps each command's name to where it lives."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return every command's name, loaded or not, sorted."""
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return the command ``cmd_name``, importing its module on first use."""
        if cmd_name in self.lazy and cmd_name not in self.commands:
            self.add_command(load(self.lazy[cmd_name]), cmd_name)
        return super().get_command(ctx, cmd_name)


def load(where: Where) -> click.Command:
    """Import a command and add its subcommands (each imported with it)."""
    module, attribute, subcommands = where
    command = getattr(importlib.import_module(module), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{module}.{attribute} is not a click command")
    if isinstance(command, click.Group):
        for name, sub_module, sub_attribute in subcommands:
            if name not in command.commands:
                command.add_command(load((sub_module, sub_attribute, ())), name)
    return command
