"""The public TOPTW benchmark: our solver against the best-known scores.

One delegation touring a city for m days, choosing which sites to visit
under opening windows, visit lengths and travel times, is the Team
Orienteering Problem with Time Windows. This package reads the standard
instances (``../shared/bench/toptw``, see its FORMAT.md), compiles each one
DIRECTLY into ``scheduler.problem.ProblemData`` (no calendars), solves it
with the product's solver, checks every route with a verifier that knows
nothing of any solver, and writes one row a case and solver to
``bench/results/toptw-<set>.tsv`` plus a summary per set and m to
``bench/results/toptw-<set>.md``. PyVRP alone (prize-collecting VRPTW) runs
as a peer column in the same run, checked by the same verifier.

The modules, each importing only those above it:

- ``instances``: the instance file (``Toptw``, ``parse``, ``load``) and its
  integer travel rule;
- ``compile``: a ``Toptw`` with m tours as ``ProblemData``;
- ``verify``: the verifier, and our solver's visits read as tours;
- ``runs``: the two solvers on one case (``solve_ours``, ``solve_pyvrp``);
- ``rows``: one verified result row a case and solver, against BKS.tsv;
- ``tables``: the summaries (``toptw-<set>.md``, ``toptw.md``) from rows;
- ``cli``: the command ``python bench/toptw.py``.

Usage::

    python bench/toptw.py --set c_r_rc_100_100 --m 1,2,3,4 --time-limit 60 \\
        [--cases c101,r101] [--peer pyvrp] [--solver cpsat|greedy|none]

Cases already in the results file are skipped (resumable); the summary is
rewritten from every row in the file at the end of each run.
"""
