"""Ctrl-C stops any command within seconds, in one line, exit code 130, nothing half-written.

Real parts: the demo project and store, the real ``perfkit`` command in a subprocess of its
own session, sent SIGINT as a terminal sends it (to the whole process group: the command, its
build workers); a small script pauses a command at a chosen moment (mid-transaction, mid-show,
still importing) so the signal lands there every time. The store and outputs are compared
before and after; the build's kernels are looked for afterwards.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from ..helpers import (
    PERIOD,
    assert_same_store,
    cli_env,
    dump_store,
    make_project,
    run_cli,
    write_csv,
)

pytestmark = pytest.mark.slow

#: A perfkit command that stops at a chosen moment: it writes the flag file and waits there.
PAUSED = """
import os, sys, time
flag, where, args = sys.argv[1], sys.argv[2], sys.argv[3:]
def wait():
    open(flag, "w").close()
    while True:
        time.sleep(0.05)
if where == "starting":  # perfkit imported, the command not yet begun
    sys.argv = ["perfkit", *args]
    import perfkit
    wait()
if where == "transaction":  # ingest: the first batch written, the transaction not committed
    import perfkit.store.store as store
    real = store.Store._write_one
    def write_one(self, *a, **k):
        done = real(self, *a, **k)
        wait()
        return done
    store.Store._write_one = write_one
if where == "show":  # show: the store read, the figure not yet printed
    import perfkit.api as api
    real_card = api.scorecard
    def scorecard(*a, **k):
        card = real_card(*a, **k)
        wait()
        return card
    api.scorecard = scorecard
sys.argv = ["perfkit", *args]
from perfkit.cli.app import run
run()
"""


def started(root: Path, args: list[str], where: str | None = None) -> subprocess.Popen:
    """``perfkit *args`` in a session of its own (paused at ``where``, when given, until the flag appears)."""
    if where:
        script, flag = root / "paused.py", root / "paused.flag"
        script.write_text(PAUSED)
        flag.unlink(missing_ok=True)
        cmd = [sys.executable, str(script), str(flag), where, *args]
    else:
        cmd = [sys.executable, "-m", "perfkit", *args]
    proc = subprocess.Popen(cmd, cwd=root, env=cli_env(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    if where:
        deadline = time.time() + 300
        while not flag.exists():
            assert proc.poll() is None and time.time() < deadline, proc.communicate()
            time.sleep(0.05)
    return proc


def ctrl_c(proc: subprocess.Popen) -> tuple[float, str, str]:
    """SIGINT to the command's process group, as a terminal's Ctrl-C: the seconds it took to exit, and what it said."""
    sent = time.perf_counter()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return time.perf_counter() - sent, out, err


@pytest.fixture()
def project(tmp_path, demo_store):
    return make_project(tmp_path / "p", demo_store)


def test_ctrl_c_mid_ingest_writes_nothing(project):
    store = project / "data" / "perfkit.duckdb"
    before = dump_store(store)
    data = write_csv(project / "new.csv", "indicator,area_code,area_name,period,value\nHSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,999\n")
    proc = started(project, ["ingest", str(data)], "transaction")
    seconds, _out, err = ctrl_c(proc)
    assert seconds < 5 and proc.returncode == 130
    assert err.strip() == "stopped by Ctrl-C: nothing was written"
    assert_same_store(before, dump_store(store))
    assert not store.with_name(store.name + ".wal").exists()


def test_ctrl_c_mid_show_and_while_starting_says_one_line(project):
    for where, args in (("show", ["show", "HSG_TA", "--period", PERIOD]), ("starting", ["show", "HSG_TA"])):
        proc = started(project, args, where)
        seconds, out, err = ctrl_c(proc)
        assert seconds < 5 and proc.returncode == 130, (where, out, err)
        assert err.strip() == "stopped by Ctrl-C: nothing was written" and "Traceback" not in out + err, where


def test_ctrl_c_mid_build_stops_workers_and_kernels_and_keeps_what_was_built(project):
    """Two papers, one worker: Ctrl-C as soon as the first is built (in the manifest), while the second's kernel runs."""
    out = project / "outputs"
    manifest = out / "manifest.json"
    proc = started(project, ["build", "--period", PERIOD, "--directorate", "housing", "--directorate", "resources", "--report",
                             "directorate_report", "--jobs", "1"])
    family: set[int] = set()
    deadline = time.time() + 600
    while not (manifest.is_file() and '"status": "built"' in manifest.read_text()):
        assert proc.poll() is None and time.time() < deadline, proc.communicate()
        family |= {p.pid for p in psutil.Process(proc.pid).children(recursive=True)}
        time.sleep(0.05)
    family |= {p.pid for p in psutil.Process(proc.pid).children(recursive=True)}
    seconds, _rest, err = ctrl_c(proc)
    assert seconds < 5 and proc.returncode == 130, err
    said = err.strip()
    assert "\n" not in said and "Traceback" not in err
    found = re.fullmatch(r"stopped by Ctrl-C: 1 of 2 report\(s\) were built before it and are kept whole \((\w+)/directorate_report\); "
                         r"the rest were not finished, and nothing is half-written: build again to make them", said)
    assert found, said
    time.sleep(1.0)
    alive = [p for p in family if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"still running after Ctrl-C: {[' '.join(psutil.Process(p).cmdline()[:3]) for p in alive]}"
    paper = (out / "2025-26-q2" / found[1] / "directorate_report.html").read_text()
    assert "Appendix 1" in paper and "Appendix 2" in paper  # the paper built before Ctrl-C, whole
    assert not [p for p in out.rglob("*") if ".tmp" in p.name]  # no half-written file under any name
    again = run_cli(project, "build", "--period", PERIOD, "--directorate", "housing", "--directorate", "resources", "--report",
                    "directorate_report", "--jobs", "1")
    assert "1 built, 1 up to date" in " ".join(again.stdout.split())  # the kept paper is in the manifest: only the other is built
