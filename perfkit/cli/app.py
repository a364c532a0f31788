"""The ``perfkit`` command (also ``python -m perfkit``): the app, its global options, errors
in one line, and the commands, each from the module of its kind:

- :mod:`perfkit.cli.data`: ingest, demo, indicators, groups (list and add), init
- :mod:`perfkit.cli.cycle`: returns, check, publish, publications
- :mod:`perfkit.cli.look`: show, benchmark (and the terminal every command prints to)
- :mod:`perfkit.cli.lab`: lab
- :mod:`perfkit.cli.render`: render (an analyst's notebook as a paper)
- :mod:`perfkit.cli.audit`: audit
- build, here; its terminal side is :mod:`perfkit.cli.build`

A command only parses its options, calls the library and prints; a rule about data belongs
to the library.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Annotated, Optional

import duckdb
import pydantic
import typer
from rich.console import Console
from rich.markup import escape

from perfkit import __version__
from perfkit.atomic import written
from perfkit.cli import audit, cycle, data, lab, look, render
from perfkit.cli.look import DirectoratesOpt, OutOpt, StoreOpt, err, out
from perfkit.errors import PerfkitError, Stopped, os_error_words
from perfkit.render.formats import formats_help

__all__ = ["app", "run"]

app = typer.Typer(
    help="perfkit: committee-ready performance reports from indicator data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_state = {"debug": False}


class _Notes(logging.Handler):
    """What the library says in passing (a store brought up to date): one "note:" line each, on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"note: {escape(record.getMessage())}", soft_wrap=True)


_log = logging.getLogger("perfkit")
_log.addHandler(_Notes(logging.INFO))
_log.propagate = False


def _run(action):  # noqa: ANN001, ANN202 - wraps every command's body
    try:
        return action()
    except typer.Exit:
        raise
    except Stopped as exc:  # stopped by Ctrl-C or SIGTERM after undoing what it had half done: it says what was kept
        err.print(escape(str(exc)), soft_wrap=True)
        raise typer.Exit(exc.code) from None
    except PerfkitError as exc:
        if _state["debug"]:
            raise
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    except duckdb.Error as exc:  # raised by a store's queries, after it opened
        if _state["debug"]:
            raise
        err.print(
            f"[bold red]error:[/] the store could not be read ({escape(str(exc).splitlines()[0])}): the file is damaged, e.g. "
            "cut short by a full disk or an unfinished copy. Restore it from a backup, or make it again by importing the data "
            "files (`perfkit ingest`)", soft_wrap=True,
        )
        raise typer.Exit(1) from None
    except OSError as exc:
        if _state["debug"]:
            raise
        err.print(f"[bold red]error:[/] {escape(os_error_words(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        if _state["debug"]:
            raise
        err.print(escape(_stopped_words()), soft_wrap=True)
        raise typer.Exit(130) from None  # 128 + SIGINT, as a shell expects of a command stopped by Ctrl-C
    except pydantic.ValidationError as exc:  # a value a command passed on unchecked: said as perfkit says params errors, no web link
        if _state["debug"]:
            raise
        said = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']} (got {e.get('input')!r})" for e in exc.errors())
        err.print(f"[bold red]error:[/] {escape(said)}", soft_wrap=True)
        raise typer.Exit(1) from None
    except Exception as exc:  # noqa: BLE001 - never a traceback without --debug
        if _state["debug"]:
            raise
        err.print(f"[bold red]unexpected error:[/] {type(exc).__name__}: {escape(str(exc))} (run again with --debug for details)")
        raise typer.Exit(1) from None


def _stopped_words() -> str:
    """What a command stopped by Ctrl-C says, in one line: what it had written whole and kept
    (every perfkit write is atomic: :mod:`perfkit.atomic`), or that it wrote nothing."""
    kept = [p for p in written() if p.exists()]
    if not kept:
        return "stopped by Ctrl-C: nothing was written"
    names = ", ".join(str(p) for p in kept[:3]) + (f" and {len(kept) - 3} more" if len(kept) > 3 else "")
    return f"stopped by Ctrl-C: what was written before it is kept whole ({names}); nothing is half-written"


def _guarded(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with its errors said in one line (:func:`_run`); typer reads the options
    from ``command``'s own signature and help from its docstring."""

    @functools.wraps(command)
    def guarded(*args, **kwargs) -> None:  # typer passes the parsed options
        _run(lambda: command(*args, **kwargs))

    return guarded


def out_console() -> Console:
    return out


def _version(value: bool) -> None:
    if value:
        out.print(f"perfkit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """perfkit: committee-ready performance reports from indicator data."""
    _state["debug"] = debug or bool(os.environ.get("PERFKIT_DEBUG"))
    if threading.current_thread() is threading.main_thread():  # from here Ctrl-C raises KeyboardInterrupt: the command says what it kept
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if sys.platform == "win32":  # README, "Platforms": kernels on IPC transport, POSIX renames
        err.print("[bold red]error:[/] perfkit does not run on Windows itself: run it in WSL 2 (wsl --install -d Debian), "
                  "then follow README's quick start there", soft_wrap=True)
        raise typer.Exit(1)


# The commands, in the order `perfkit --help` lists them.
app.command("ingest")(_guarded(data.ingest))
app.command("indicators")(_guarded(data.indicators))
app.command("show")(_guarded(look.show))


@app.command()
def build(
    period: Annotated[Optional[list[str]], typer.Option("--period", help="Reporting period, e.g. '2025/26 Q2' (repeat for more; default: the latest complete quarter).")] = None,
    directorate: DirectoratesOpt = None,
    report: Annotated[Optional[list[str]], typer.Option("--report", help="Report name from params/reports.yaml (repeat for more; default: the default reports).")] = None,
    area: Annotated[Optional[list[str]], typer.Option("--area", help="An area code for an area profile (--report area_profile; repeat for more; default: the report's areas).")] = None,
    formats: Annotated[str, typer.Option("--format", help="Comma-separated output formats: " + formats_help() + ".")] = "html,pdf",
    jobs: Annotated[Optional[int], typer.Option("--jobs", min=1, help="Reports built at once, each in its own worker process (default: the number of cores; never more than the reports to build or than free memory holds).")] = None,
    out: OutOpt = None,
    engine: Annotated[str, typer.Option("--engine", help="Renderer: nbconvert (built in) or quarto (needs quarto on PATH).")] = "nbconvert",
    force: Annotated[bool, typer.Option("--force", help="Rebuild every report, even those up to date.")] = False,
    cold_kernels: Annotated[bool, typer.Option("--cold-kernels", help="A new kernel for every report instead of one warm, reset kernel per worker.")] = False,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (needs perfkit[dask]).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop before building when `perfkit check` finds a figure not returned or commentary missing; exit 1 when the paper audit finds a failure in the papers built.")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Rebuild from the store as it stood at a publication (its id: the papers it published) or a date and time (2026-07-01T09:30), into outputs/as-of/.")] = None,
    store: StoreOpt = None,
) -> None:
    """Execute the report notebooks for a period and render them to HTML and PDF, with an index.

    Runs `perfkit check` first and prints its summary (writing data-check.html and .csv)."""

    def action() -> None:
        from perfkit.build.options import BuildOptions
        from perfkit.cli.build import run_build

        options = BuildOptions(periods=period, directorates=directorate, reports=report, areas=area, formats=formats, jobs=jobs, out=out,
                               store=store, engine=engine, force=force, scheduler=scheduler, warm_kernels=not cold_kernels, strict=strict,
                               as_of=as_of)
        code = run_build(options, out_console=out_console(), err_console=err)
        if code:
            raise typer.Exit(code)

    _run(action)


app.command("returns")(_guarded(cycle.returns))
app.command("check")(_guarded(cycle.check))
app.command("audit")(_guarded(audit.audit))
app.command("publish")(_guarded(cycle.publish))
app.command("publications")(_guarded(cycle.publications))
app.command("clear")(_guarded(cycle.clear))
app.command("verify")(_guarded(cycle.verify))
app.command("backup")(_guarded(cycle.backup))
app.command("restore")(_guarded(cycle.restore))
app.command("lab", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(_guarded(lab.lab))
app.command("benchmark")(_guarded(look.benchmark))
app.command("render")(_guarded(render.render))
app.command("demo")(_guarded(data.demo))

groups_app = typer.Typer(help="The project's comparator groups (params/comparators/): list them, or add one from a publisher's file.", no_args_is_help=False)
app.add_typer(groups_app, name="groups")
groups_app.callback(invoke_without_command=True)(_guarded(data.groups))
groups_app.command("add")(_guarded(data.groups_add))

app.command("init")(_guarded(data.init))


def run() -> None:
    """Entry point for ``python -m perfkit``."""
    app(prog_name="perfkit")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
