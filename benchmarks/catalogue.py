"""Scale with the catalogue: a directorate of N indicators, and what it costs.

Run after README's set-up (from the repository root, with the virtualenv active):

    python benchmarks/catalogue.py [--small 100] [--large 1000] [--show 10000] [--skip-stop]

:func:`make_project` makes a demo project (``perfkit demo``) whose Housing directorate has
``n`` indicators with data: its own twelve and copies of the demo's other indicators (every
shape the demo simulates: monthly, quarterly, year to date, rates, counts, benchmarked or
not), each copy with its own code (``HSG_C00013_TA`` ...) and the demo rows of the indicator
it copies, imported through ``perfkit ingest`` as real data is. It measures on this machine:

1. ``perfkit show CODE`` on a ``--show`` indicator catalogue (command start-up included),
   median of 3 (target under 1.5 s);
2. Housing's paper (HTML + PDF) on a ``--small`` and a ``--large`` indicator directorate: each
   time and the peak RSS of the command, its workers and kernels, and the ratio (targets:
   under 10x; under 2 GB);
3. Ctrl-C: SIGINT sent to ``perfkit build`` of the large paper while its kernel runs and to
   ``perfkit ingest`` of the ``--show`` catalogue's rows mid-import: the seconds to exit, the
   exit code and the last line of its message (target: within 5 s, exit code 130), and for
   the ingest whether the store is byte for byte as it was.

Each figure prints as ``name: measured (target)`` and goes into benchmarks/results.json under
the key ``catalogue`` (the other keys, written by benchmarks/build.py, are kept).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import BIN, LAST_PEAK_MB, RESULTS, run  # noqa: E402 - the same runner as benchmarks/build.py

#: Housing's paper: the report and period the scale figures build.
PAPER = ("--directorate", "housing", "--report", "directorate_report", "--period", "2025/26 Q2")


class _Plain(yaml.SafeDumper):
    """YAML written out in full: no anchors and aliases for the targets the copies share."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def perfkit(project: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    return run([str(BIN / "perfkit"), *args], project)


def make_project(folder: Path, n: int, stop: dict | None = None) -> Path:
    """A demo project in ``folder`` whose Housing directorate has ``n`` indicators with data;
    with ``stop``, first the import of their rows is stopped by Ctrl-C (:func:`stop_ingest`)."""
    folder.mkdir(parents=True, exist_ok=True)
    perfkit(folder, "demo")
    extra = write_copies(folder, n)
    if extra is not None:
        if stop is not None:
            stop.update(stop_ingest(folder, extra))
        perfkit(folder, "ingest", str(extra))
        extra.unlink()
    return folder


def write_copies(folder: Path, n: int) -> Path | None:
    """Add copies of the demo's indicators to ``folder``'s Housing catalogue until it has ``n``
    (params/indicators/housing_copies.yaml) and write their rows as one canonical CSV; its path
    (None when Housing already has ``n``)."""
    params = folder / "params" / "indicators"
    every = [e for f in sorted(params.glob("*.yaml")) for e in yaml.safe_load(f.read_text(encoding="utf-8"))["indicators"]]
    rows: dict[str, list[dict]] = {}
    for path in sorted((folder / "data" / "demo").glob("demo_*.csv")):
        if path.name != "demo_actions.csv":
            with path.open(newline="", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    rows.setdefault(row["indicator"], []).append(row)
    shapes = [e for e in every if e["code"] in rows]
    own = sum(e["directorate"] == "Housing" for e in every)
    copies, originals = [], []
    for number in range(own + 1, n + 1):
        shape = shapes[(number - own - 1) % len(shapes)]
        code = f"HSG_C{number:05d}_{shape['code'].split('_', 1)[1]}"[:32]
        copies.append({**shape, "code": code, "title": f"{shape['title']} (copy {number})", "directorate": "Housing",
                       "service": f"Housing service {number % 40 + 1}"})
        originals.append(shape["code"])
    if not copies:
        return None
    (params / "housing_copies.yaml").write_text(
        "# Copies of the demo's indicators (benchmarks/catalogue.py)\n" + yaml.dump({"indicators": copies}, Dumper=_Plain, sort_keys=False), encoding="utf-8")
    out = folder / "copies.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = None
        for copy, original in zip(copies, originals):
            for row in rows[original]:
                writer = writer or csv.DictWriter(f, fieldnames=list(row), lineterminator="\n")
                if f.tell() == 0:
                    writer.writeheader()
                writer.writerow({**row, "indicator": copy["code"]})
    return out


def show_seconds(project: Path, runs: int = 3) -> float:
    """The median time of ``perfkit show`` of one indicator, command start-up included."""
    return statistics.median(perfkit(project, "show", "HSG_TA", "--period", "2025/26 Q2")[0] for _ in range(runs))


def paper(project: Path) -> dict:
    """Housing's paper built once (HTML + PDF): its time and peak RSS."""
    seconds, _ = perfkit(project, "build", *PAPER, "--force", "--out", str(project / "out"))
    return {"seconds": seconds, "peak_rss_mb": LAST_PEAK_MB[0]}


def stop_time(project: Path, args: list[str], after: float) -> dict:
    """Start ``perfkit *args``, send it SIGINT after ``after`` seconds: the seconds until it
    exited, its exit code and the last line it printed."""
    env = {**os.environ, "PERFKIT_HOME": str(project)}
    env.pop("PERFKIT_STORE", None)
    with subprocess.Popen([str(BIN / "perfkit"), *args], cwd=project, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, start_new_session=True) as proc:
        time.sleep(after)
        sent = time.perf_counter()
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole foreground group
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        seconds = time.perf_counter() - sent
    said = [line for line in err.splitlines() if line.strip()] or [line for line in out.splitlines() if line.strip()]
    return {"seconds": seconds, "exit_code": proc.returncode, "said": said[-1] if said else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--show", type=int, default=10_000)
    parser.add_argument("--skip-stop", action="store_true", help="skip the Ctrl-C measurements")
    args = parser.parse_args()
    found: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                   "date": time.strftime("%Y-%m-%d"), "load_average_at_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="perfkit-catalogue-") as tmp:
        tmp = Path(tmp)
        stopped: dict | None = None if args.skip_stop else {}
        big = make_project(tmp / "show", args.show, stopped)
        if stopped:
            found["stop_ingest"] = stopped
        found["show_indicators"] = args.show
        found["show_seconds"] = show_seconds(big)
        shutil.rmtree(big / ".perfkit-cache")  # the first command after the catalogue changed reads it from YAML
        found["show_seconds_first_after_a_change"] = perfkit(big, "show", "HSG_TA", "--period", "2025/26 Q2")[0]
        shutil.rmtree(big)
        for key, n in (("small", args.small), ("large", args.large)):
            project = make_project(tmp / key, n)
            found[key] = {"indicators": n, **paper(project)}
        found["ratio_large_to_small"] = found["large"]["seconds"] / found["small"]["seconds"]
        if not args.skip_stop:
            found["stop_build"] = stop_time(tmp / "large", ["build", *PAPER, "--force", "--out", str(tmp / "large" / "stopped")], after=4.0)
    lines = [
        f"show on a {args.show:,}-indicator catalogue, median of 3: {found['show_seconds']:.2f} s (target < 1.5 s); "
        f"the first after the catalogue changed: {found['show_seconds_first_after_a_change']:.1f} s",
        f"Housing's paper, {args.small} indicators: {found['small']['seconds']:.1f} s, peak RSS {found['small']['peak_rss_mb']:.0f} MB",
        f"Housing's paper, {args.large} indicators: {found['large']['seconds']:.1f} s, peak RSS {found['large']['peak_rss_mb']:.0f} MB (target < 2048 MB)",
        f"{args.large} / {args.small} indicators: {found['ratio_large_to_small']:.1f}x (target < 10x)",
    ]
    for key in ("stop_build", "stop_ingest"):
        if key in found:
            lines.append(f"Ctrl-C on {key.split('_')[1]}: exited in {found[key]['seconds']:.1f} s with code {found[key]['exit_code']}, "
                         f"saying {found[key]['said']!r} (target < 5 s, code 130)"
                         + ("" if "store_unchanged" not in found[key] else f"; store unchanged: {found[key]['store_unchanged']}"))
    found["load_average_at_end"] = os.getloadavg()[0]
    print("\n".join(lines))
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    results["catalogue"] = found
    RESULTS.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(f"written: {RESULTS}")


def stop_ingest(project: Path, rows: Path) -> dict:
    """Ctrl-C on ``perfkit ingest`` of ``rows`` (millions of them), three seconds in: :func:`stop_time`,
    and whether the store is byte for byte as it was."""
    store = project / "data" / "perfkit.duckdb"
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    found = stop_time(project, ["ingest", str(rows)], after=3.0)
    return {**found, "store_unchanged": hashlib.sha256(store.read_bytes()).hexdigest() == before}


if __name__ == "__main__":
    main()
