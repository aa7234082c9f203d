"""The TOPTW bench: parser quirks, travel rule, verifier, compile → solve.

The tiny instance ``TINY`` (3 customers, Solomon scale ×10) was worked out
by hand. Scaled travel times (floor(10 · euclid)):

    t(0,1) = 50 (dist 5)      t(0,2) = 100 (dist 10)   t(0,3) = 15 (1.55)
    t(1,2) = 50 (dist 5)      t(1,3) = 38 (√15.0025 = 3.873...)
    t(2,3) = 88 (√77.6025 = 8.809...)

Scaled: d = 100, 100, 50; windows [0, 200], [100, 400], [0, 500];
Tmax = 450. Best single tour: [1, 2] (score 5 + 7 = 12; adding 3 anywhere
breaks Tmax or a window); with two tours all three (15).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from fractions import Fraction
from typing import Any

import pytest

from bench.orienteering.compile import compile_toptw
from bench.orienteering.instances import (
    DEFAULT_DATA,
    Toptw,
    Vertex,
    day_length,
    load,
    parse,
    scale_for,
    travel_units,
)
from bench.orienteering.rows import Bks, result_row
from bench.orienteering.runs import Outcome
from bench.orienteering.tables import overall, tally
from bench.orienteering.verify import tours_of, verify
from scheduler.errors import InputError
from scheduler.problem import ProblemData, SolveParams
from scheduler.problem.solution import (
    PlannedVisit,
    Solution,
    Status,
    schedule_value,
)
from scheduler.problem.timeline import Timeline
from solvers import solve
from solvers.cpsat import strategy as cpsat_strategy
from solvers.pyvrp_warm_start import (
    ITERATIONS_PER_SECOND,
    Race,
    RoutingModel,
    Watch,
    unsupported,
)

# c204-style header split over two lines, CRLF endings, leading and
# trailing spaces, a variable-length list before O and C, no final newline.
TINY = (
    "2 \r\n"
    "4 3 1 0 100\r\n"
    "  0 0.00 0.00 0.00 0.00 0 0 0 45\r\n"
    "1 3.00 4.00 10.00 5.00 0 0 0 20   \r\n"
    "2 6.00 8.00 10 7 0 1 3 10 40\r\n"
    "3 0.00 1.55 5 3 1 2 1 2 0 50"
)


@pytest.fixture
def tiny() -> Toptw:
    """Three customers, Tmax 45 (450 scaled)."""
    return parse(TINY, "c901")


# --- parser ------------------------------------------------------------------


def test_parser_reads_header_split_over_two_lines(tiny: Toptw) -> None:
    assert tiny.paths == 4
    assert tiny.n == 3


def test_parser_takes_o_and_c_as_the_last_two_tokens(
    tiny: Toptw,
) -> None:
    # Vertex 2 has a list of 1 item, vertex 3 of 2: O/C are still last.
    assert (tiny.vertices[2].open, tiny.vertices[2].close) == (10, 40)
    assert (tiny.vertices[3].open, tiny.vertices[3].close) == (0, 50)
    assert tiny.vertices[3].score == 3
    assert tiny.vertices[3].duration == 5


def test_tmax_is_the_depot_close_scaled(tiny: Toptw) -> None:
    assert tiny.scale == 10
    assert tiny.tmax == 450


def test_scale_follows_the_file_family() -> None:
    assert scale_for("c101") == 10
    assert scale_for("rc208") == 10
    assert scale_for("50_r101") == 10
    assert scale_for("pr07") == 100


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # announces 3 customers, gives 2
        (
            "1 4 3 1\n0 100\n0 0 0 0 0 0 0 0 45\n1 1 1 1 1 0 0 0 9\n"
            "2 1 1 1 1 0 0 0 9\n",
            "4 vertex lines",
        ),
        # a fractional duration
        (
            "1 4 1 1\n0 100\n0 0 0 0 0 0 0 0 45\n1 1 1 1.5 1 0 0 0 9\n",
            "must be integers",
        ),
        # window closes before it opens
        ("1 4 1 1\n0 100\n0 0 0 0 0 0 0 0 45\n1 1 1 1 1 0 0 9 3\n", "O > C"),
        # header too short
        ("1 4\n", "6 numbers"),
    ],
)
def test_parser_rejects_bad_files(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        parse(text, "c999")
    assert fragment in str(err.value)


@pytest.mark.skipif(
    not DEFAULT_DATA.is_dir(), reason="shared/bench/toptw not beside"
)
def test_real_quirky_files_parse() -> None:
    c204 = load(DEFAULT_DATA / "c_r_rc_200_100" / "c204.txt")
    assert (c204.n, c204.paths, c204.tmax) == (100, 4, 33900)
    pr01 = load(DEFAULT_DATA / "pr01_10" / "pr01.txt")  # CRLF
    assert (pr01.n, pr01.scale, pr01.tmax) == (48, 100, 100000)
    assert pr01.vertices[1].x == Fraction("-29.730")
    assert (pr01.vertices[1].open, pr01.vertices[1].close) == (354, 509)


# --- travel rule -------------------------------------------------------------


def _vertex(x: str, y: str) -> Vertex:
    return Vertex(0, Fraction(x), Fraction(y), 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("a", "b", "scale", "units"),
    [
        (("0", "0"), ("3", "4"), 10, 50),  # exactly 5
        (("0", "0"), ("1", "2"), 10, 22),  # √5 = 2.236 → 2.2
        (("0", "0"), ("1", "2"), 100, 223),  # → 2.23
        (("0", "0"), ("1", "1"), 100, 141),  # √2 = 1.4142 → 1.41
        (("0", "0"), ("0.3", "0.4"), 100, 50),  # exactly 0.5, no float slip
        (("-1.5", "2"), ("1.5", "-2"), 10, 50),  # negatives: 3-4-5
    ],
)
def test_travel_is_floored_in_scaled_units(
    a: tuple[str, str], b: tuple[str, str], scale: int, units: int
) -> None:
    assert travel_units(_vertex(*a), _vertex(*b), scale) == units


def test_tiny_travel_matrix(tiny: Toptw) -> None:
    expected = {
        (0, 1): 50,
        (0, 2): 100,
        (0, 3): 15,
        (1, 2): 50,
        (1, 3): 38,
        (2, 3): 88,
    }
    for (a, b), units in expected.items():
        assert tiny.travel(a, b) == units
        assert tiny.travel(b, a) == units


# --- verifier ------------------------------------------------------------------


def test_verifier_accepts_the_best_tour(tiny: Toptw) -> None:
    verdict = verify(tiny, 1, [(1, 2)])
    assert verdict.ok
    assert verdict.score == 12


def test_verifier_rejects_a_missed_window(tiny: Toptw) -> None:
    # 2 starts at 100, ends 200, reaches 1 at 250 > C1 = 200.
    verdict = verify(tiny, 1, [(2, 1)])
    assert not verdict.ok
    assert "after its window closes" in verdict.errors[0]


def test_verifier_rejects_a_late_return(tiny: Toptw) -> None:
    # 1 at 50, 2 at 200, 3 at 388, back at 388 + 50 + 15 = 453 > 450.
    verdict = verify(tiny, 1, [(1, 2, 3)])
    assert verdict.errors == ("tour 0: back at the depot at 453 > Tmax 450",)


def test_verifier_rejects_a_vertex_visited_twice(tiny: Toptw) -> None:
    verdict = verify(tiny, 2, [(1,), (1, 3)])
    assert any("visited twice" in e for e in verdict.errors)


def test_verifier_rejects_too_many_tours(tiny: Toptw) -> None:
    assert not verify(tiny, 1, [(1,), (3,)]).ok


def test_verifier_checks_given_start_times(tiny: Toptw) -> None:
    assert verify(tiny, 1, [(1, 2)], [[50, 200]]).ok
    # 2 cannot start at 150: it opens at 100 but 1 ends at 150, + 50 travel.
    early = verify(tiny, 1, [(1, 2)], [[50, 150]])
    assert "before it can be reached (200)" in early.errors[0]
    # 1 cannot start at 40: the depot is 50 away.
    assert not verify(tiny, 1, [(1,)], [[40]]).ok


# --- compile -------------------------------------------------------------------


def test_compile_makes_days_sites_and_requests(tiny: Toptw) -> None:
    data = compile_toptw(tiny, 2)
    h = data.day_length
    assert h > tiny.tmax
    d = data.delegations[0]
    assert [(day.lo, day.hi) for day in d.days] == [(0, 450), (h, h + 450)]
    assert all(day.lunch_minutes == 0 for day in d.days)
    # Site of vertex 1: start in [O, C] = [0, 200] so open [0, 200 + 100).
    assert data.sites[0].open == ((0, 300), (h, h + 300))
    assert data.sites[0].department == -1
    assert [r.value for r in d.requests] == [5, 7, 3]
    assert d.from_lodging == (50, 100, 15)
    assert data.travel[0][2] == 38
    # One pool (SPEC rule 8), of one vehicle: tours never overlap.
    assert [(v.seats, v.count) for v in data.vehicles] == [(1, 1)]
    assert compile_toptw(tiny, 2, pool=False).vehicles == ()
    # Feasible starts: vertex 1 reached at 50 at the earliest; vertex 3
    # must start by 450 − 15 − 50 = 385 to be home by Tmax.
    assert data.starts(0, 0) == ((50, 200), (h + 50, h + 200))
    assert data.starts(0, 2) == ((15, 385), (h + 15, h + 385))


def test_tours_of_reads_visits_by_day_and_start(tiny: Toptw) -> None:
    h = day_length(tiny)
    solution = Solution(
        Status.FEASIBLE,
        (
            PlannedVisit(0, 1, 200, request=1),
            PlannedVisit(0, 2, h + 15, request=2),
            PlannedVisit(0, 0, 50, request=0),
        ),
    )
    routes, starts, problems = tours_of(tiny, 2, solution)
    assert routes == [(1, 2), (3,)]
    assert starts == [[50, 200], [15]]
    assert problems == []


@pytest.mark.parametrize(("m", "best"), [(1, 12), (2, 15)])
def test_greedy_on_compiled_data_passes_the_verifier(
    tiny: Toptw, m: int, best: int
) -> None:
    data = compile_toptw(tiny, m)
    solution = solve(data, "greedy", SolveParams(time_limit=1))
    routes, starts, problems = tours_of(tiny, m, solution)
    verdict = verify(tiny, m, routes, starts)
    assert problems == []
    assert verdict.ok, verdict.errors
    assert solution.objective == verdict.score
    assert 0 < verdict.score <= best


def test_result_row_never_reports_a_rejected_score(
    tiny: Toptw,
) -> None:
    outcome = Outcome(
        routes=[(1, 2, 3)],
        starts=None,
        claimed=15.0,
        status="FEASIBLE",
        bound=None,
        wall_s=0.0,
        time_to_best_s=0.0,
    )
    row = result_row(tiny, 1, "x", outcome, Bks(12, "bks", ""))
    assert row["verified"] == "no"
    assert row["score"] == ""
    assert row["gap_pct"] == ""


def test_result_row_flags_a_wrong_claim(tiny: Toptw) -> None:
    outcome = Outcome(
        routes=[(1, 2)],
        starts=None,
        claimed=13.0,
        status="FEASIBLE",
        bound=None,
        wall_s=0.0,
        time_to_best_s=0.0,
    )
    row = result_row(tiny, 1, "x", outcome, Bks(12, "bks", ""))
    assert row["verified"] == "no"


def _row(
    instance: str, m: int, solver: str, score: int, bks: int, **kw: str
) -> dict[str, str]:
    row = {
        "instance": instance,
        "m": str(m),
        "solver": solver,
        "score": str(score),
        "bks": str(bks),
        "bks_status": "bks",
        "gap_pct": f"{100 * (bks - score) / bks:.2f}",
        "status": "FEASIBLE",
        "bound": "",
        "verified": "yes",
    }
    return row | kw


def test_tally_counts_a_rejected_score_as_a_full_gap() -> None:
    rows = [
        _row("c101", 1, "cpsat", 320, 320),
        _row("c102", 1, "cpsat", 370, 360),
        _row("c103", 1, "cpsat", 999, 400, verified="no"),
        _row("r101", 1, "cpsat", 198, 198, status="OPTIMAL"),
    ]
    t = tally(rows)
    assert (t.cases, t.matched, t.beyond, t.rejected) == (4, 3, 1, 1)
    assert t.worst_gap == 100.0
    assert t.proven == 1 and t.closed == 1


def test_overall_takes_classic_cases_and_compares_with_pyvrp() -> None:
    rows = {
        "c_r_rc_100_100": [
            _row("c101", 1, "cpsat", 320, 320),
            _row("c101", 1, "pyvrp", 310, 320),
            _row("c102", 1, "cpsat", 360, 360),
            _row("c102", 1, "pyvrp", 360, 360),
            _row("c103", 9, "cpsat", 900, 990),
        ],
        "pr01_10": [
            _row("pr01", 2, "cpsat", 500, 502),
            _row("pr01", 2, "pyvrp", 502, 502),
        ],
        "c_r_rc_100_50": [_row("c101", 1, "cpsat", 1, 320)],
    }
    text = overall(rows)
    tallies = [
        line for line in text.splitlines() if line.startswith("| cpsat")
    ]
    # 3 classic cpsat cases (m = 9 and the 50-site set are not classic).
    assert tallies[0].startswith("| cpsat | 3 |")
    assert tallies[1] == "| cpsat | 3 | 1 | 1 | 1 |"
    assert text.startswith("# TOPTW: the classic cases so far")
    assert "- BKS matched in 2 (≥ 250: missed by 248)" in text
    assert "- average gap 0.13 % (≤ 0.3 %: met)" in text
    assert "- worst gap 0.40 % (≤ 4 %: met; 0 cases above 4 %)" in text
    assert "- 2 matches against PyVRP alone's 2 (more: missed)" in text


# --- routing warm start ------------------------------------------------------


def _timeline_accepts(
    data: ProblemData, visits: tuple[PlannedVisit, ...]
) -> bool:
    """The shared feasibility oracle (greedy's) takes every visit."""
    timeline = Timeline(data)
    for v in sorted(visits, key=lambda v: v.start):
        if timeline.fit(v.delegation, v.site, v.start).visit is None:
            return False
        timeline.place(v)
    return True


@pytest.mark.parametrize(("m", "best"), [(1, 12), (2, 15)])
def test_routing_finds_the_hand_optimum(
    tiny: Toptw, m: int, best: int
) -> None:
    data = compile_toptw(tiny, m)
    model = RoutingModel.build(data)
    assert model.periodic
    hint = model.solve(time_limit=0.2, seed=1)
    routes, starts, _ = tours_of(tiny, m, Solution(Status.FEASIBLE, hint))
    verdict = verify(tiny, m, routes, starts)
    assert verdict.ok, verdict.errors
    assert verdict.score == best
    assert _timeline_accepts(data, hint)
    assert all(v.pool == 0 for v in hint)


def test_pyvrps_penalty_warning_does_not_reach_the_user(
    tiny: Toptw, monkeypatch: pytest.MonkeyPatch
) -> None:
    import warnings

    import pyvrp
    from pyvrp.exceptions import PenaltyBoundWarning

    real = pyvrp.solve

    def warning(*args: Any, **kw: Any) -> Any:
        warnings.warn("penalty at its cap", PenaltyBoundWarning, stacklevel=1)
        return real(*args, **kw)

    monkeypatch.setattr(pyvrp, "solve", warning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = RoutingModel.build(compile_toptw(tiny, 2))
        assert model.solve(0.1, seed=1)
    assert not [w for w in caught if w.category is PenaltyBoundWarning]


def test_routing_handles_days_that_differ(tiny: Toptw) -> None:
    # Vertex 2 (7 points) only open on day 1: copies per day, one vehicle
    # type a day; all three still fit in two tours ([1] or [1, 3] on day 0,
    # [2] or [2, 3] on day 1): 15.
    data = compile_toptw(tiny, 2)
    h = data.day_length
    sites = list(data.sites)
    sites[1] = dataclasses.replace(sites[1], open=((h + 100, h + 500),))
    data = dataclasses.replace(data, sites=tuple(sites), _cache={})
    model = RoutingModel.build(data)
    assert not model.periodic
    hint = model.solve(time_limit=0.2, seed=1)
    assert (
        sum(data.delegations[0].requests[v.request].value for v in hint) == 15
    )
    assert all(v.start >= h for v in hint if v.site == 1)
    assert _timeline_accepts(data, hint)


def test_routing_declines_what_it_cannot_model(
    tiny: Toptw,
) -> None:
    data = compile_toptw(tiny, 1)
    assert unsupported(data) is None
    d = data.delegations[0]
    lunch = dataclasses.replace(
        d,
        days=tuple(
            dataclasses.replace(day, lunch_minutes=30) for day in d.days
        ),
    )
    assert unsupported(
        dataclasses.replace(data, delegations=(lunch,), _cache={})
    )
    assert unsupported(
        dataclasses.replace(data, delegations=(d, d), _cache={})
    )
    hosted = tuple(dataclasses.replace(s, department=0) for s in data.sites)
    assert unsupported(dataclasses.replace(data, sites=hosted, _cache={}))


# --- the routing race beside CP-SAT ------------------------------------------


def test_the_race_returns_tours_the_verifier_accepts(
    tiny: Toptw,
) -> None:
    data = compile_toptw(tiny, 2)
    race = Race(RoutingModel.build(data), time_limit=0.3, seed=2)
    visits = race.finish(wait=True)
    routes, starts, _ = tours_of(tiny, 2, Solution(Status.FEASIBLE, visits))
    verdict = verify(tiny, 2, routes, starts)
    assert verdict.ok, verdict.errors
    assert verdict.score == 15


def test_the_race_stops_on_the_users_stop(tiny: Toptw) -> None:
    """Ctrl-C during a plan must not wait for the race's own limit."""
    data = compile_toptw(tiny, 2)
    stop = threading.Event()
    race = Race(RoutingModel.build(data), time_limit=600, seed=2, stop=stop)
    started = time.perf_counter()
    stop.set()
    race.finish(wait=True)
    assert time.perf_counter() - started < 60


def test_the_race_hands_over_its_best_tours_and_searches_on(
    tiny: Toptw,
) -> None:
    """CP-SAT starts from the race's best tours so far, long before the
    race's own limit; PyVRP searches on until it is stopped (one tour
    cannot serve all three sites, so nothing ends the search before)."""
    data = compile_toptw(tiny, 1)
    race = Race(RoutingModel.build(data), time_limit=600, seed=2)
    started = time.perf_counter()
    handed: tuple[PlannedVisit, ...] = ()
    while not handed and time.perf_counter() - started < 60:
        time.sleep(0.05)
        handed = race.handover()
    routes, starts, _ = tours_of(tiny, 1, Solution(Status.FEASIBLE, handed))
    verdict = verify(tiny, 1, routes, starts)
    assert verdict.ok, verdict.errors
    assert verdict.score == 12
    assert race.finish() == handed
    assert race.iterations > 0


def test_a_race_hands_over_what_it_held_after_so_many_iterations(
    tiny: Toptw,
) -> None:
    data = compile_toptw(tiny, 1)
    race = Race(
        RoutingModel.build(data), time_limit=5, seed=2, deterministic=True
    )
    assert schedule_value(data, race.handover(after=1)) == 12
    race.finish(wait=True)
    assert race.iterations == 5 * ITERATIONS_PER_SECOND


def test_a_race_with_patience_ends_when_it_stalls(tiny: Toptw) -> None:
    data = compile_toptw(tiny, 1)
    race = Race(RoutingModel.build(data), time_limit=600, seed=2, patience=100)
    race.finish(wait=True)
    # The tiny optimum is found at once: 100 more iterations, then stop.
    assert 100 <= race.iterations <= 200


def test_a_race_ends_once_its_tours_serve_every_request(
    tiny: Toptw,
) -> None:
    """Two tours serve all three sites (15): no tours can be worth more, so
    the race ends at once instead of searching for its whole limit."""
    data = compile_toptw(tiny, 2)
    race = Race(RoutingModel.build(data), time_limit=30, seed=2)
    visits = race.finish(wait=True)
    assert schedule_value(data, visits) == 15
    assert race.iterations < 1_000  # a full run: hundreds of thousands


class _Tours:
    """A stand-in for a PyVRP solution."""

    def __init__(self, feasible: bool = True) -> None:
        self.feasible = feasible

    def is_feasible(self) -> bool:
        return self.feasible


def _iterate(watch: Watch, best: _Tours, times: int = 1) -> None:
    for _ in range(times):
        watch.on_iteration(best, best, best, None)  # type: ignore[arg-type]


def test_watch_tells_the_best_after_any_iteration_count() -> None:
    watch = Watch()
    first, later = _Tours(), _Tours()
    _iterate(watch, first, 2)
    _iterate(watch, later)
    _iterate(watch, _Tours(feasible=False), 2)
    assert watch.best is later
    assert watch.iterations == 5
    assert watch.after(1) is first
    assert watch.after(2) is first
    assert watch.after(3) is later
    watch.ended.set()
    assert watch.after(99) is later


def test_watch_tells_when_the_best_serves_every_request() -> None:
    enough = _Tours()
    watch = Watch(lambda best: best is enough)
    _iterate(watch, _Tours())
    assert not watch.served_all.is_set()
    _iterate(watch, _Tours(feasible=False))
    assert not watch.served_all.is_set()
    _iterate(watch, enough)
    assert watch.served_all.is_set()


def test_cpsat_races_pyvrp_twice_and_keeps_the_better_tours(
    tiny: Toptw, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers: PyVRP with its defaults and with fewer neighbours; the
    second race's tours reach the result when they serve more."""
    data = compile_toptw(tiny, 2)
    neighbours: list[int | None] = []
    real = RoutingModel.solve

    def spy(self: RoutingModel, *args: Any, **kw: Any) -> Any:
        neighbours.append(kw.get("neighbours"))
        if kw.get("neighbours") is None:
            return ()  # the first race finds nothing
        return real(self, *args, **kw)

    monkeypatch.setattr(RoutingModel, "solve", spy)
    monkeypatch.setattr(cpsat_strategy, "_solve_whole", _nothing_found)
    two = solve(data, "cpsat", SolveParams(time_limit=1.0, workers=2))
    assert sorted(neighbours, key=str) == [20, None]
    assert two.objective == 15


def _nothing_found(*args: Any, **kw: Any) -> Solution:
    return Solution(Status.UNKNOWN)


def test_tour_like_data_skips_the_greedy_warm_start(
    tiny: Toptw, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The routing engine starts tours; the greedy pass would delay it."""
    import solvers.greedy

    calls: list[ProblemData] = []
    real = solvers.greedy.best_effort

    def spy(data: ProblemData) -> solvers.greedy.Plan:
        calls.append(data)
        return real(data)

    monkeypatch.setattr(solvers.greedy, "best_effort", spy)
    data = compile_toptw(tiny, 2)
    params = SolveParams(time_limit=1.0, workers=1)
    assert solve(data, "cpsat", params).objective == 15
    assert not calls
    two = dataclasses.replace(
        data, delegations=data.delegations * 2, _cache={}
    )
    solve(two, "cpsat", params)
    assert calls == [two]


def test_the_better_of_cpsat_and_the_race_is_kept(tiny: Toptw) -> None:
    data = compile_toptw(tiny, 2)
    tours = RoutingModel.build(data).solve(time_limit=0.3, seed=1)
    assert tours
    weaker = Solution(Status.FEASIBLE, tours[:1], 5, 20)
    kept = cpsat_strategy._better(data, weaker, tours)
    assert (kept.visits, kept.objective, kept.bound) == (tours, 15, 20)
    assert kept.status == Status.FEASIBLE
    # The race's tours reach CP-SAT's bound: proven optimal.
    reached = cpsat_strategy._better(
        data, dataclasses.replace(weaker, bound=15), tours
    )
    assert (reached.objective, reached.status) == (15, Status.OPTIMAL)
    proven = Solution(Status.OPTIMAL, tours, 15, 15)
    assert cpsat_strategy._better(data, proven, tours[:1]) is proven
    assert cpsat_strategy._better(data, proven, ()) is proven


def test_cpsat_with_two_workers_runs_the_race(
    tiny: Toptw, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race's tours reach the result when they serve more."""
    data = compile_toptw(tiny, 2)
    started: list[float] = []
    real = Race.__init__

    def spy(self: Race, *args: object, **kw: object) -> None:
        started.append(1.0)
        real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Race, "__init__", spy)
    one = solve(data, "cpsat", SolveParams(time_limit=1.0, workers=1))
    assert not started
    two = solve(data, "cpsat", SolveParams(time_limit=1.0, workers=2))
    assert len(started) == 2
    assert one.objective == two.objective == 15
