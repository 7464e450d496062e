"""The `aac` command line: each command parses, calls into aac.commands, returns an exit code."""

from __future__ import annotations

import importlib
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import click

from aac import __version__
from aac.commands import App, run_command
from aac.errors import AacError
from aac.invocation import PROGRAM, Invocation, program
from aac.output import Output
from aac.stack import find_root


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
    """Scaffold a stack (aac.yaml, manifests, CI workflows).

    Writes aac.yaml, an example manifest, the JSON Schema for editors, and the CI workflows into DIRECTORY
    (default: here).
    """
    run_command(ctx, _command("init", "init"), directory=directory, pip_spec=pip_spec)


@cli.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Check the stack file and manifests, offline.

    Reports every problem at once, each with its file and line. Loads no SDK and reads no network, so it
    suits a pre-commit hook. Exit codes: 0 valid, 1 problems found.
    """
    run_command(ctx, _command("validate", "validate"))


@cli.command()
@click.pass_context
def schema(ctx: click.Context) -> None:
    """Print the manifest JSON Schema (for editors and other tools)."""
    run_command(ctx, _command("schema", "schema"))


_ONLY = ("Plan only the object at ADDRESS (as plans print it: vector_store.kb) and what it needs; repeatable. "
         "The plan is partial: not the routine way to apply.")
_REPLACE = "Rebuild the object at ADDRESS although nothing in it changed; repeatable."


def _only_option(command: Any) -> Any:
    return click.option("--only", "only", metavar="ADDRESS", multiple=True, help=_ONLY)(command)


def _replace_option(command: Any) -> Any:
    return click.option("--replace", "replacing", metavar="ADDRESS", multiple=True, help=_REPLACE)(command)


@cli.command()
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Save the plan as JSON to FILE.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes, 0 when none.")
@click.option("--format", "fmt", type=_FORMATS, default="text", show_default=True,
              help="How to print the plan: text for people, json for tools, markdown for a PR comment.")
@click.option("--destroy", is_flag=True, help="Plan to delete everything this stack owns.")
@_only_option
@_replace_option
@click.pass_context
def plan(ctx: click.Context, out_file: str | None, detailed_exitcode: bool, fmt: str, destroy: bool,
         only: tuple[str, ...], replacing: tuple[str, ...]) -> None:
    """Read live state and show what apply would change.

    Exit codes: 0 success (with --detailed-exitcode: no changes), 1 an error, 2 changes to make
    (--detailed-exitcode only).
    """
    run_command(ctx, _command("plan", "plan"), out_file=out_file, detailed_exitcode=detailed_exitcode, fmt=fmt,
         destroy=destroy, only=only, replacing=replacing)


@cli.command()
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False))
@click.option("--auto-approve", is_flag=True, help="Apply without asking.")
@click.option("--parallelism", type=click.IntRange(1, 64), default=4, show_default=True, help=_PARALLELISM)
@_only_option
@_replace_option
@click.pass_context
def apply(ctx: click.Context, plan_file: str | None, auto_approve: bool, parallelism: int,
          only: tuple[str, ...], replacing: tuple[str, ...]) -> None:
    """Make live state match the manifests, or run a saved plan.

    Without PLAN_FILE: plan, show the plan, ask (or --auto-approve), apply. With PLAN_FILE (from
    `aac plan --out`): apply exactly its changes, without a prompt, refusing it if the manifests or the live
    objects it touches changed since.
    """
    run_command(ctx, _command("apply", "apply"), plan_file=plan_file, auto_approve=auto_approve,
         parallelism=parallelism, only=only, replacing=replacing)


@cli.command()
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=_FORMATS, default="text", show_default=True,
              help="How to print the plan: text, json or markdown.")
@click.pass_context
def show(ctx: click.Context, plan_file: str, fmt: str) -> None:
    """Render a saved plan."""
    run_command(ctx, _command("show", "show"), plan_file=plan_file, fmt=fmt)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "junit"]), default="text",
              show_default=True, help="How to print the report; junit makes each object a test case for CI.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Also write the report to FILE.")
@click.option("--fail-on", default="drifted,missing,unmanaged,pending", show_default=True,
              help="Comma-separated categories that make the exit code 2.")
@click.pass_context
def drift(ctx: click.Context, fmt: str, out_file: str | None, fail_on: str) -> None:
    """Report what changed on the target outside aac (read-only).

    Exit codes: 0 nothing in the --fail-on categories, 2 something in them, 1 an error (invalid manifests,
    an unreachable target, or a scan that could not read everything).
    """
    run_command(ctx, _command("drift", "drift"), fmt=fmt, out_file=out_file, fail_on=fail_on)


@cli.command("import")
@click.argument("keys", nargs=-1)
@click.option("--all", "import_all", is_flag=True,
              help="Import every unmanaged assistant, vector store, agent and vault.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for the new manifests, inside the manifests folder (default: its `imported`).")
@click.option("--auto-approve", is_flag=True, help="Adopt without asking.")
@click.pass_context
def import_(ctx: click.Context, keys: tuple[str, ...], import_all: bool, out_dir: str | None,
            auto_approve: bool) -> None:
    """Write manifests for live objects and adopt them.

    KEYS are the live objects to import, each by id (asst_..., vs_..., agent_..., vault_...) or by name;
    a vault comes with its credentials, an assistant with the vector stores it searches. --out defaults to
    the folder `imported` inside the manifests folder (aac.yaml's `manifests:`), and must lie inside it.
    """
    run_command(ctx, _command("import_", "import"), keys=keys, import_all=import_all, out_dir=out_dir,
         auto_approve=auto_approve)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "env", "responses"]), default="json", show_default=True,
              help="json: one document; env: KEY=ID lines for $GITHUB_ENV; responses: each assistant as Responses "
                   "API request fields.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Also write the document to FILE.")
@click.pass_context
def output(ctx: click.Context, fmt: str, out_file: str | None) -> None:
    """Print each object's live id by key, for applications."""
    run_command(ctx, _command("output", "output"), fmt=fmt, out_file=out_file)


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
    """Run the vector stores' retrieval checks on the target.

    Each check searches a store with the target's own search and expects the documents it names; metrics,
    thresholds, and with --baseline the queries and metrics that got worse.
    Exit codes: 0 every check passed, 2 a check failed, a threshold was missed or (with --fail-on-regression)
    something got worse, 1 an error.
    """
    run_command(ctx, _command("check", "check"), fmt=fmt, out_files=out_files, baseline=baseline,
                fail_on_regression=fail_on_regression)


@cli.command()
@click.option("--auto-approve", is_flag=True, help="Destroy without asking.")
@click.option("--parallelism", type=click.IntRange(1, 64), default=4, show_default=True, help=_PARALLELISM)
@click.option("--only", "only", metavar="ADDRESS", multiple=True,
              help="Delete only the object at ADDRESS and what names it; repeatable. The result is partial.")
@click.pass_context
def destroy(ctx: click.Context, auto_approve: bool, parallelism: int, only: tuple[str, ...]) -> None:
    """Delete everything this stack owns, except protected objects."""
    run_command(ctx, _command("destroy", "destroy"), auto_approve=auto_approve, parallelism=parallelism, only=only)


class _LazyGroup(click.Group):
    """A group whose commands are modules (NAME: aac.commands.MODULE, exposing `command`), imported only when
    one is asked for: `aac sandbox serve` loads the server's options (its profiles) and no other command does."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            return cast(click.Command, importlib.import_module(f"aac.commands.{self.lazy[cmd_name]}").command)
        return super().get_command(ctx, cmd_name)


@cli.group(cls=_LazyGroup, lazy={"serve": "sandbox_serve"})
def sandbox() -> None:
    """The local API server: Assistants, Files, Vector Stores, Agents."""


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


def _misplaced(option: str, rest: list[str]) -> tuple[str, list[str]] | None:
    """For `aac --auto-approve apply`: the command whose option was given before it, and the arguments with
    every word before the command moved after it; None when no command there has that option."""
    for index, word in enumerate(rest):
        command = cli.commands.get(word)
        if command is None:
            continue
        names = {name for param in command.params for name in getattr(param, "opts", ())}
        if option not in names:
            return None
        return command.name or word, [word, *rest[:index], *rest[index + 1:]]
    return None


def main(argv: list[str] | None = None) -> int:
    """Run aac on `argv` (the process's own arguments when None: then hints name aac as the user ran it)."""
    front, rest = split_common_options(sys.argv[1:] if argv is None else list(argv))
    ran_as = (PROGRAM,) if argv is not None else program(sys.argv, getattr(sys, "orig_argv", ()), os.environ)
    try:
        # Without standalone mode, click returns what ctx.exit() was given; `obj` reaches the group's callback.
        result = cli.main(args=front + rest, prog_name=shlex.join(ran_as), standalone_mode=False,
                          obj=Invocation(tuple(front), tuple(rest), ran_as))
    except click.exceptions.Abort:
        click.echo("error: interrupted", err=True)
        return 130
    except click.NoSuchOption as exc:
        misplaced = _misplaced(exc.option_name, rest)
        if misplaced is None:
            exc.show()
            return 1
        command, moved = misplaced
        fixed = Invocation(tuple(front), tuple(moved), ran_as).command(*moved)
        click.echo(f"error: {exc.option_name} is an option of `{command}`: it goes after the command", err=True)
        click.echo(f"hint: run `{fixed}`", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return 1 if exc.exit_code == 2 else exc.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
