"""What a publication would copy: each paper's files as the build recorded them, checked.

A paper is published only as its build wrote it: built (not failed), from the data, params and
code perfkit holds now, with every format it was built in still there, each file at the path the
build writes (under the output folder, never a link) and with the SHA-256 the manifest recorded.
Anything else is refused, naming the paper and the ``perfkit build`` command (with the paper's
own formats) that makes it again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from perfkit.errors import ConfigError

__all__ = ["Paper", "papers_to_publish"]


@dataclass(frozen=True)
class Paper:
    """One built paper to publish: its manifest key, output folder (directorate), files and inputs."""

    key: str
    folder: str
    files: tuple[tuple[str, Path, str], ...]  # (format, file as built, its SHA-256)
    inputs: dict
    inputs_hash: str  # what a clearance names

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(fmt for fmt, _, _ in self.files))


def inputs_hash(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:20]


def papers_to_publish(proj, when, directorates: list[str] | None, out: Path) -> list[Paper]:  # noqa: ANN001 - Project, Period
    """Every paper of ``when`` (and ``directorates``) to publish from ``out``, checked (see the module)."""
    from perfkit.build.job import jobs_inputs, plan
    from perfkit.build.manifest import Manifest, code_hash
    from perfkit.config.council import load_council
    from perfkit.config.papers import project_params
    from perfkit.render.formats import FORMATS

    params = project_params(proj)
    council = load_council(proj.params)
    manifest = Manifest(out)
    jobs = plan(params, when, directorates, None, store=proj.store)
    every = jobs_inputs(jobs, params, proj, code_hash(), council.area_code)
    built_formats = sorted({fmt for job in jobs for fmt, p in (manifest.entries.get(_key(job)) or {}).get("files", {}).items()
                            if fmt != "ipynb" and p is not None} | {"html"}, key=lambda f: list(FORMATS).index(f) if f in FORMATS else 99)
    rebuild = (f"run `perfkit build --period '{when.label}'{''.join(f' --directorate {d}' for d in directorates or [])} "
               f"--format {','.join(built_formats)}` first, then publish")
    forced = rebuild.replace("` first", " --force` first")
    papers = []
    for job in jobs:
        key = _key(job)
        entry = manifest.entries.get(key) or {}
        inputs = every[key]
        files = entry.get("files") if isinstance(entry.get("files"), dict) else {}
        if entry.get("status") != "built" or not files.get("html"):
            raise ConfigError(f"{key} is not built in {out}; {rebuild}")
        if entry.get("inputs") != inputs:
            changed = ", ".join(k for k in inputs if inputs[k] != entry.get("inputs", {}).get(k))
            raise ConfigError(f"{key} was built from other {changed} than perfkit has now (the paper would not be what the store "
                              f"says); {rebuild}")
        folder = job.outputs(out)
        hashes = entry.get("sha256") or {}
        copied = []
        for fmt, recorded in sorted(files.items()):
            if recorded is None:  # a format this paper does not have (open data of an internal paper)
                continue
            expected = (FORMATS[fmt].paths(folder, job.name) if fmt in FORMATS else [folder / f"{job.name}.{fmt}"])
            path = Path(recorded)
            if path.resolve() != expected[0] or path.is_symlink():
                raise ConfigError(f"{out / 'manifest.json'} names {recorded} as {key}'s {fmt}, not the file the build writes "
                                  f"({expected[0]}); perfkit publishes only what its build wrote: {forced}")
            for each in expected:  # open data travels with its data dictionary
                if not each.is_file() or each.is_symlink():
                    raise ConfigError(f"{key} was built as {fmt.upper()} too, but {each} is missing; a publication has every format "
                                      f"its paper was built in: {rebuild}")
                data = each.read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                if each == expected[0] and fmt in hashes and hashes[fmt] != sha:
                    raise ConfigError(f"{each} has changed since the build wrote it (its SHA-256 is not the one in "
                                      f"{out / 'manifest.json'}); {forced}")
                copied.append((fmt, each, sha))
        papers.append(Paper(key, job.folder, tuple(copied), inputs, inputs_hash(inputs)))
    return papers


def _key(job) -> str:  # noqa: ANN001 - Job
    from perfkit.build.job import job_key

    return job_key(job)
