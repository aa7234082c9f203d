"""The public TOPTW benchmark: the script around ``bench.orienteering``.

The package's docstring says what it does; this file keeps the command::

    python bench/toptw.py --set c_r_rc_100_100 --m 1,2,3,4 --time-limit 60 \\
        [--cases c101,r101] [--peer pyvrp] [--solver cpsat|greedy|none]

Cases already in the results file are skipped (resumable); the summary is
rewritten from every row in the file at the end of each run.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:  # run as a script: the repository, not bench/, first
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.orienteering.cli import main

if __name__ == "__main__":
    main()
