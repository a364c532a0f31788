"""The paper audit: reads what a built paper says and checks it, independently of the code that wrote it.

Given an executed notebook (``outputs/<period>/<folder>/<report>.ipynb``: each cell's block as
JSON under :data:`perfkit.contract.BLOCK_MIME`, with its META and PROVENANCE records) and the
store it was built from, it checks that

1. every tally equals its rows (the "Indicators by RAG status" table and the background
   sentences against the scorecard's RAG badges; the overview's by-directorate table);
2. every caption, headline and overview list equals the rows it names (an exception's
   caption and items against its scorecard row; the corporate Red list holds exactly the Reds);
3. every RAG equals value, target, tolerance and polarity, recomputed from the store by its
   own SQL and the catalogue (period, year to date and outturn; withheld figures as ranges);
4. every rank, median and quartile equals a recomputation on the store;
5. every number in captions and chart alt text is a figure shown for that indicator (or the
   store's figure at the period the alt text names; an SPC chart's mean and limits are shown
   in its exception's "SPC" line; where the axis starts, and how many points a chart has
   and how many are missing, are facts of the chart);
6. a number in an owner's commentary that carries the indicator's unit or lies in its
   plausible range is a figure shown for that indicator, else a warning;
7. on/off-target words agree with the RAG shown.

Owners' words warn (:data:`~perfkit.audit.findings.WARN`); the paper's own words fail
(:data:`~perfkit.audit.findings.FAIL`). ``perfkit audit`` prints the findings; every build lists
them with its other checks.

**Deliberately independent.** This package is the one place exempt from "one home per rule":
it restates README's rules (RAG, withheld ranges, aggregation, rank, median, quartile,
tallies) in :mod:`~perfkit.audit.rules` and :mod:`~perfkit.audit.figures`, and runs its own
SQL on the store, so that a mistake in :mod:`perfkit.assess`, :mod:`perfkit.report`,
:mod:`perfkit.blocks` or :mod:`perfkit.formatting` is caught rather than repeated. It
imports none of them (held by ``tests/unit/test_audit.py``); it reads the catalogue, council
and params (:mod:`perfkit.config`), periods and the contract's MIME types and nothing above
the store, in a layer of its own (``tests/unit/test_layers.py``). For the same reason the
``duplicates`` command's rows that pair this package with ``perfkit/assess`` or
``perfkit/formatting`` are expected and are not to be merged away: the command has no
ignore setting, so reviewers leave such rows be.

The words of a paper are read in one module, :mod:`~perfkit.audit.paper`, keyed on the block
structure (scorecard rows by code, RAG badge parts, table columns), so a change of wording
is met there.
"""

from perfkit.audit.findings import FAIL, WARN, Finding
from perfkit.audit.run import Auditor, audit_paper, audit_papers, audit_period, failed

__all__ = ["FAIL", "WARN", "Auditor", "Finding", "audit_paper", "audit_papers", "audit_period", "failed"]
