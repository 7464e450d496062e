"""The `aac` command line: each command parses, calls into aac.commands, returns an exit code."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from aac import __version__
from aac.errors import AacError
from aac.invocation import Invocation
from aac.output import Output
from aac.sandbox.profiles import PROFILES
from aac.stack import find_root


@dataclass
class App:
    """What every command gets: where the stack is, how to print, the environment, and the command line."""

    root: Path  # the stack's root: the nearest folder from `start` upwards that holds aac.yaml
    out: Output
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    target_name: str | None = None
    invocation: Invocation = field(default_factory=Invocation)
    start: Path | None = None  # where aac was started (--chdir); `init` writes there

    @property
    def cwd(self) -> Path:
        return self.start or self.root


def _run(ctx: click.Context, func: Callable[..., int], **kwargs: Any) -> None:
    app: App = ctx.obj
    try:
        code = func(app, **kwargs)
    except AacError as exc:
        app.out.error(exc.message, app.invocation.paste(exc.hint) if exc.hint else None)
        if app.out.debug:
            app.out.info("".join(traceback.format_exception(exc)))
        code = exc.exit_code
    except KeyboardInterrupt:
        app.out.error("interrupted", f"nothing more was sent; run `{app.invocation.again()}` again to finish")
        code = 130
    except Exception as exc:  # a bug: say so plainly, trace only with --debug
        app.out.error(
            f"unexpected {exc.__class__.__name__}: {exc}",
            "run again with --debug for the traceback, and report it",
        )
        if app.out.debug:
            app.out.info("".join(traceback.format_exception(exc)))
        code = 1
    ctx.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aac")
@click.option("--target", "target_name", metavar="NAME", help="Target from aac.yaml (default: AAC_TARGET, "
              "then default_target).")
@click.option("--chdir", "-C", "chdir", type=click.Path(file_okay=False), default=".",
              help="Run as if started in DIR (the stack root).")
@click.option("--no-color", is_flag=True, help="No colour (also NO_COLOR).")
@click.option("--debug", is_flag=True, help="Log API requests and show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, target_name: str | None, chdir: str, no_color: bool, debug: bool) -> None:
    """Manage assistants, files and vector stores as code: validate, plan, apply, drift."""
    environ = dict(os.environ)
    out = Output.for_terminal(no_color=no_color, debug=debug, environ=environ)
    start = Path(chdir).resolve()
    ctx.obj = App(
        root=find_root(start),
        out=out,
        environ=environ,
        target_name=target_name or environ.get("AAC_TARGET") or None,
        invocation=ctx.obj if isinstance(ctx.obj, Invocation) else Invocation(),
        start=start,
    )


def _not_built(name: str) -> Callable[..., int]:
    def run(app: App, **_: Any) -> int:
        raise AacError(f"`aac {name}` is not built yet", "see the README's command table for what works today")

    return run


def _command(module: str, name: str) -> Callable[..., int]:
    """The `run` function of aac.commands.<module>, or a stand-in until it exists."""
    import importlib

    try:
        mod = importlib.import_module(f"aac.commands.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"aac.commands.{module}":
            raise
        return _not_built(name)
    return getattr(mod, "run")  # noqa: B009


_FORMATS = click.Choice(["text", "json", "markdown"])
_PARALLELISM = "At most N API requests in flight."


@cli.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
@click.option("--install", "pip_spec", metavar="SPEC", default="",
              help="What the CI workflows pip-install aac from (a git URL, a wheel's URL, a path); without it "
                   "they need the repository variable AAC_PIP_SPEC.")
@click.pass_context
def init(ctx: click.Context, directory: str, pip_spec: str) -> None:
    """Scaffold a stack: aac.yaml, an example manifest, schemas, CI workflows."""
    _run(ctx, _command("init", "init"), directory=directory, pip_spec=pip_spec)


@cli.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Check the stack file and manifests offline; report every problem at once."""
    _run(ctx, _command("validate", "validate"))


@cli.command()
@click.pass_context
def schema(ctx: click.Context) -> None:
    """Print the manifest JSON Schema (for editors and other tools)."""
    _run(ctx, _command("schema", "schema"))


@cli.command()
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Save the plan as JSON to FILE.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes, 0 when none.")
@click.option("--format", "fmt", type=_FORMATS, default="text", show_default=True,
              help="How to print the plan: text for people, json for tools, markdown for a PR comment.")
@click.option("--destroy", is_flag=True, help="Plan to delete everything this stack owns.")
@click.pass_context
def plan(ctx: click.Context, out_file: str | None, detailed_exitcode: bool, fmt: str, destroy: bool) -> None:
    """Read live state and show what apply would change."""
    _run(ctx, _command("plan", "plan"), out_file=out_file, detailed_exitcode=detailed_exitcode, fmt=fmt,
         destroy=destroy)


@cli.command()
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False))
@click.option("--auto-approve", is_flag=True, help="Apply without asking.")
@click.option("--parallelism", type=click.IntRange(1, 64), default=4, show_default=True, help=_PARALLELISM)
@click.pass_context
def apply(ctx: click.Context, plan_file: str | None, auto_approve: bool, parallelism: int) -> None:
    """Make live state match the manifests (or run exactly a saved plan)."""
    _run(ctx, _command("apply", "apply"), plan_file=plan_file, auto_approve=auto_approve,
         parallelism=parallelism)


@cli.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=_FORMATS, default="text", show_default=True,
              help="How to print the plan: text, json or markdown.")
@click.pass_context
def show(ctx: click.Context, plan_file: str, fmt: str) -> None:
    """Render a saved plan."""
    _run(ctx, _command("show", "show"), plan_file=plan_file, fmt=fmt)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "junit"]), default="text",
              show_default=True, help="How to print the report; junit makes each object a test case for CI.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Also write the report to FILE.")
@click.option("--fail-on", default="drifted,missing,unmanaged,pending", show_default=True,
              help="Comma-separated categories that make the exit code 2.")
@click.pass_context
def drift(ctx: click.Context, fmt: str, out_file: str | None, fail_on: str) -> None:
    """Report what changed on the target outside aac (read-only)."""
    _run(ctx, _command("drift", "drift"), fmt=fmt, out_file=out_file, fail_on=fail_on)


@cli.command("import")
@click.argument("keys", nargs=-1)
@click.option("--all", "import_all", is_flag=True,
              help="Import every unmanaged assistant, vector store, agent and vault.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Folder for the new manifests.")
@click.option("--auto-approve", is_flag=True, help="Adopt without asking.")
@click.pass_context
def import_(ctx: click.Context, keys: tuple[str, ...], import_all: bool, out_dir: str | None,
            auto_approve: bool) -> None:
    """Write manifests for live objects and adopt them."""
    _run(ctx, _command("import_", "import"), keys=keys, import_all=import_all, out_dir=out_dir,
         auto_approve=auto_approve)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "env", "responses"]), default="json", show_default=True,
              help="json: one document; env: KEY=ID lines for $GITHUB_ENV; responses: each assistant as Responses "
                   "API request fields.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Also write the document to FILE.")
@click.pass_context
def output(ctx: click.Context, fmt: str, out_file: str | None) -> None:
    """Print each object's live id by key, for applications."""
    _run(ctx, _command("output", "output"), fmt=fmt, out_file=out_file)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "markdown"]), default="text",
              show_default=True, help="How to print the results; junit makes each check a test case for CI, "
                                      "markdown is a pull request comment.")
@click.option("--out", "out_files", type=click.Path(dir_okay=False), multiple=True,
              help="Also write the report to FILE (repeatable): FILE.json as JSON (a later --baseline), FILE.xml as "
                   "JUnit, FILE.md as markdown, any other name as --format says.")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="A JSON report saved earlier: list the queries and metrics that got worse or better.")
@click.option("--fail-on-regression", is_flag=True,
              help="Exit 2 when a query or metric is worse than in --baseline.")
@click.pass_context
def check(ctx: click.Context, fmt: str, out_files: tuple[str, ...], baseline: str | None,
          fail_on_regression: bool) -> None:
    """Run the vector stores' retrieval checks with the target's search (exit 2 when one fails)."""
    _run(ctx, _command("check", "check"), fmt=fmt, out_files=out_files, baseline=baseline,
         fail_on_regression=fail_on_regression)


@cli.command()
@click.option("--auto-approve", is_flag=True, help="Destroy without asking.")
@click.option("--parallelism", type=click.IntRange(1, 64), default=4, show_default=True, help=_PARALLELISM)
@click.pass_context
def destroy(ctx: click.Context, auto_approve: bool, parallelism: int) -> None:
    """Delete everything this stack owns, except protected objects."""
    _run(ctx, _command("destroy", "destroy"), auto_approve=auto_approve, parallelism=parallelism)


@cli.group()
def sandbox() -> None:
    """The local Assistants v2 / Files / Vector Stores / Agents (beta) server."""


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (loopback only, unless --allow-remote).")
@click.option("--port", type=int, default=8787, show_default=True, help="Port to listen on.")
@click.option("--db", default=".aac/sandbox.db", show_default=True, help="SQLite file, or :memory:.")
@click.option("--latency-ms", type=click.IntRange(0, 60_000), default=0, show_default=True,
              help="Wait this long before answering each request.")
@click.option("--fault-rate", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True,
              help="Share of requests that fail (429, 500, 503 or a dropped connection).")
@click.option("--seed", type=int, default=None, help="Seed of the faults, to repeat a run exactly.")
@click.option("--no-assistants", is_flag=True, help="Answer 404 on /v1/assistants, as OpenAI does since the sunset.")
@click.option(
    "--no-agents", is_flag=True, help="Answer 404 on /v1/agents and /v1/vaults, as a target without the Agents beta."
)
@click.option("--profile", type=click.Choice(list(PROFILES)), default="openai", show_default=True,
              help="Answer as this server does (its documented differences from OpenAI).")
@click.option("--allow-remote", is_flag=True, help="Allow a host other than loopback.")
@click.pass_context
def serve(ctx: click.Context, **options: Any) -> None:
    """Serve the sandbox API until interrupted."""
    _run(ctx, _command("sandbox_serve", "sandbox serve"), **options)


_COMMON_FLAGS = {"--no-color", "--debug"}
_COMMON_VALUED = {"--target", "--chdir", "-C"}


def split_common_options(argv: list[str]) -> tuple[list[str], list[str]]:
    """The common options, and the rest (the command and its arguments), each in the order given.

    No command has an option of the same name, so the split is unambiguous; `--` ends it.
    """
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        name = token.split("=", 1)[0]
        if token == "--":
            rest += argv[i:]
            break
        if token in _COMMON_FLAGS or (name in _COMMON_VALUED and "=" in token):
            front.append(token)
        elif token in _COMMON_VALUED and i + 1 < len(argv):
            front += argv[i : i + 2]
            i += 1
        else:
            rest.append(token)
        i += 1
    return front, rest


def main(argv: list[str] | None = None) -> int:
    front, rest = split_common_options(sys.argv[1:] if argv is None else list(argv))
    try:
        # Without standalone mode, click returns what ctx.exit() was given; `obj` reaches the group's callback.
        result = cli.main(args=front + rest, prog_name="aac", standalone_mode=False,
                          obj=Invocation(tuple(front), tuple(rest)))
    except click.exceptions.Abort:
        click.echo("error: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 1 if exc.exit_code == 2 else exc.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
