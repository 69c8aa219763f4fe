import click
import jinja2

cli = click.Group()


@cli.command()
@click.argument("template")
def render(template: str) -> None:
    """Render a template the operator passes on the command line."""
    # ok: untrusted-template-unsandboxed
    click.echo(jinja2.Template(template).render())
