"""The TOPTW instance file: its vertices, parser and travel rule.

Everything here reads the file as FORMAT.md (``../shared/bench/toptw``)
defines it and nothing else, so the compile, the verifier and both solvers
share one reading of every instance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from scheduler.errors import InputError, Problem

REPO = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "bench" / "toptw"

HEADER_TOKENS = 6
"""Lines 1 and 2 together: ``k v N t D Q`` (c204 splits them oddly)."""


@dataclass(frozen=True)
class Vertex:
    """One line of a TOPTW file; times in the file's own units."""

    id: int
    x: Fraction
    y: Fraction
    duration: int
    score: int
    open: int
    """Earliest start of the visit (O)."""
    close: int
    """Latest start of the visit (C)."""


@dataclass(frozen=True)
class Toptw:
    """A TOPTW instance: vertex 0 is the depot, 1..N the customers."""

    name: str
    paths: int
    """``v`` of the header: with this many tours every vertex fits
    (Solomon files only)."""
    vertices: tuple[Vertex, ...]
    scale: int
    """Integer time units per file unit: 10 (Solomon), 100 (Cordeau)."""
    _travel: list[list[int]] = field(
        default_factory=list, compare=False, repr=False
    )

    @property
    def n(self) -> int:
        return len(self.vertices) - 1

    @property
    def tmax(self) -> int:
        """Tour length limit, scaled: C of the depot."""
        return self.vertices[0].close * self.scale

    def travel(self, a: int, b: int) -> int:
        """Scaled travel time between vertices a and b (FORMAT.md)."""
        if not self._travel:
            self._travel.extend(
                [travel_units(u, w, self.scale) for w in self.vertices]
                for u in self.vertices
            )
        return self._travel[a][b]


def travel_units(a: Vertex, b: Vertex, scale: int) -> int:
    """``floor(scale · euclid(a, b))``, computed exactly.

    FORMAT.md: Euclidean distance truncated to 1 decimal (Solomon) or 2
    (Cordeau), in units of 1/scale. Coordinates are exact fractions, and
    ``floor(√q) = isqrt(floor(q))`` for a real q ≥ 0, so no float rounding
    can move a distance that is an exact multiple of the unit.
    """
    q = (scale * (a.x - b.x)) ** 2 + (scale * (a.y - b.y)) ** 2
    return math.isqrt(int(q.numerator // q.denominator))


def scale_for(name: str) -> int:
    """10 for Solomon-based files (c*, r*, rc*), 100 for Cordeau (pr*)."""
    base = name.split("_")[-1].lower()
    return 100 if base.startswith("pr") else 10


def parse(text: str, name: str, where: str = "") -> Toptw:
    """Read a TOPTW file (FORMAT.md).

    Lines 1 and 2 are read together as 6 tokens (the c204 header is split
    oddly); O and C are the LAST two tokens of a vertex line (the list
    before them has a variable length); Tmax is C of vertex 0.
    """
    where = where or name
    lines = [line.strip() for line in text.replace("\r", "").split("\n")]
    lines = [line for line in lines if line]

    def bad(message: str) -> InputError:
        return InputError([Problem(where, "", message)])

    header: list[str] = []
    rest = lines
    while rest and len(header) < HEADER_TOKENS:
        header += rest[0].split()
        rest = rest[1:]
    if len(header) != HEADER_TOKENS:
        raise bad(
            f"header: lines 1-2 should give 6 numbers (k v N t D Q), got "
            f"{len(header)}; is this a TOPTW file?"
        )
    try:
        paths, n = int(header[1]), int(header[2])
    except ValueError as exc:
        raise bad(f"header: v and N must be integers ({exc})") from None
    if len(rest) != n + 1:
        raise bad(
            f"the header announces N = {n} customers, so {n + 1} vertex "
            f"lines (depot included), but the file has {len(rest)}"
        )
    vertices = []
    for k, line in enumerate(rest):
        tokens = line.split()
        row = f"vertex line {k} ({line[:40]!r})"
        if len(tokens) < 9:
            raise bad(f"{row}: needs at least 9 fields (i x y d S f a O C)")
        try:
            i = int(tokens[0])
            x, y = Fraction(tokens[1]), Fraction(tokens[2])
            d, s = Fraction(tokens[3]), Fraction(tokens[4])
            o, c = Fraction(tokens[-2]), Fraction(tokens[-1])
        except ValueError as exc:
            raise bad(f"{row}: not a number ({exc})") from None
        if i != k:
            raise bad(f"{row}: vertex ids must run 0..N in order")
        values = {"d": d, "S": s, "O": o, "C": c}
        fractional = [key for key, v in values.items() if v.denominator != 1]
        if fractional:
            raise bad(f"{row}: {', '.join(fractional)} must be integers")
        if o > c:
            raise bad(f"{row}: window opens after it closes (O > C)")
        vertices.append(Vertex(i, x, y, int(d), int(s), int(o), int(c)))
    return Toptw(name, paths, tuple(vertices), scale_for(name))


def load(path: Path) -> Toptw:
    """Parse one instance file; its name is the file's stem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            [Problem(str(path), "", f"cannot read the file: {exc}")]
        ) from None
    return parse(text, path.stem, str(path))


def day_length(inst: Toptw) -> int:
    """H: a round number of units above Tmax, so day k starts at k·H."""
    step = int(10 ** max(1, len(str(inst.tmax)) - 1))
    return (inst.tmax // step + 1) * step
