"""One module per command. aac.cli parses the command line and calls one of them with the App; each runs the
engines and returns an exit code."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from aac.errors import AacError
from aac.invocation import Invocation
from aac.output import Output


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


def run_command(ctx: click.Context, func: Callable[..., int], **kwargs: Any) -> None:
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
