"""Where the tests find the repository's files, whatever folder they are in."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MEDELLIN = REPO / "instances" / "medellin"
WEEKS = MEDELLIN / "weeks"
CATALOG = MEDELLIN / "catalog.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
