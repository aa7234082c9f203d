"""What-if comparisons, sweeps, bottlenecks, and where the plans run.

Every case is a tiny week planned with the greedy solver (deterministic
and fast), so each figure below is worked out by hand from first come,
first served: delegations in list order (they all arrive together), each
takes the earliest slot that fits.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from exports.whatif import fmt_delta, render_html, write_whatif
from scheduler.model import (
    Instance,
    Schedule,
    SolverInfo,
    Unserved,
    VehiclePool,
    Visit,
    visit_id,
)
from scheduler.problem import Settings
from tests.factories import (
    MONDAY,
    at,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)
from tests.whatif.test_scenario import write_week
from visits.cli.whatif import whatif
from visits.compare import compare, sweep
from whatif.bottlenecks import Bottleneck, bottlenecks, resource_of
from whatif.figures import deltas, figures
from whatif.report import Variant
from whatif.scenario import Knob
from whatif.sentences import sweep_sentence

GREEDY = Settings(solver="greedy", time_limit=1, workers=1, seed=0)
ONE_SLOT = {"mon": ["09:00-10:00"]}
"""Open for exactly one 60-minute visit on the test Monday."""


def one_slot_week(
    *,
    max_groups: int = 1,
    presenters: int = 2,
    vans: int = 10,
) -> Instance:
    """Site s1 (one slot, capacity 40) and d1 (priority 2), d2 (priority
    1), both asking for s1: requested value 2 + 1 = 3."""
    catalog = make_catalog(
        sites=[make_site("s1", opening_hours=ONE_SLOT, max_groups=max_groups)],
        presenters=[make_presenter(f"p{k + 1}") for k in range(presenters)],
        vehicles=[VehiclePool(id="van", seats=15, count=vans)],
    )
    return make_instance(
        catalog=catalog,
        delegations=[make_delegation("d1", priority=2), make_delegation("d2")],
    )


def with_site(instance: Instance, **update: Any) -> Instance:
    site = instance.catalog.site("s1").model_copy(update=update)
    catalog = instance.catalog.model_copy(update={"sites": [site]})
    return instance.model_copy(update={"catalog": catalog})


# --- figures of one plan, from a schedule made by hand -------------------------


def hand_schedule(kpis: dict[str, Any] | None = None) -> Schedule:
    """d1 visits s1 for its request; d2's request is outcompeted."""
    return Schedule(
        instance="test",
        solver=SolverInfo(name="greedy", status="FEASIBLE", objective=2),
        visits=[
            Visit(
                id=visit_id("d1", "s1"),
                delegation="d1",
                site="s1",
                presenter="p1",
                start=at("09:00"),
                end=at("10:00"),
                request=0,
            )
        ],
        unserved=[
            Unserved(delegation="d2", request=0, reason="outcompeted: x")
        ],
        kpis=kpis or {},
    )


def test_figures_without_kpis_are_recomputed_from_the_visits() -> None:
    f = figures(one_slot_week(), hand_schedule())
    assert (f["served_value"], f["requested_value"]) == (2, 3)
    assert f["served_share"] == pytest.approx(0.6667)
    assert (f["visits"], f["delegations_with_visit"]) == (1, 1)
    assert (f["unserved_total"], f["outcompeted"]) == (1, 1)
    assert f["unserved_by_reason"] == {"outcompeted: x": 1}
    assert f["unserved_by_topic"] == {"site:s1": 1}
    assert f["travel_minutes"] is None


def test_figures_take_the_kpis_where_given() -> None:
    kpis = {
        "served_value": 7,
        "site_utilization": {"overall": 0.25, "by_site": {"s1": 0.25}},
        "vans_used": {"van": 2, "bus": 1},
        "unserved_by_reason": {"outcompeted": 1},
    }
    f = figures(one_slot_week(), hand_schedule(kpis))
    assert f["served_value"] == 7
    assert f["site_utilization"] == 0.25
    assert f["site_utilization_by_site"] == {"s1": 0.25}
    assert f["vans_used"] == 3  # vehicles out at peak, summed over pools
    assert f["unserved_by_reason"] == {"outcompeted": 1}


def test_deltas_are_row_minus_base_for_numbers_both_have() -> None:
    base = {"served_value": 10, "served_share": 0.5, "gap": None}
    row = {"served_value": 7, "served_share": 0.75, "gap": 0.1}
    assert deltas(row, base) == {"served_value": -3, "served_share": 0.25}


@pytest.mark.parametrize(
    ("delta", "kind", "shown"),
    [
        (3, "count", "+3"),
        (-2, "count", "−2"),
        (0.0123, "share", "+1.2 pp"),
        (-0.0004, "share", ""),  # rounds to 0.0 pp: nothing to show
        (0.04, "seconds", ""),
        (0, "count", ""),
    ],
)
def test_signed_differences(delta: float, kind: str, shown: str) -> None:
    assert fmt_delta(delta, kind) == shown


# --- scenarios side by side ------------------------------------------------------


def test_comparison_against_hand_computed_figures() -> None:
    base = one_slot_week()
    closed = with_site(base, closed=[MONDAY])
    bigger = with_site(base, max_groups=2, capacity=80)
    report = compare(
        base,
        [Variant("closed", closed), Variant("bigger", bigger)],
        GREEDY,
        parallel=1,
        top=0,
    )
    rows = {r.label: r for r in report.rows}
    assert [r.kind for r in report.rows] == ["base", "scenario", "scenario"]
    # base: one slot, d1 takes it (value 2 of 3); d2 is outcompeted
    f = rows["test"].figures
    assert (f["served_value"], f["requested_value"], f["visits"]) == (2, 3, 1)
    assert (f["unserved_total"], f["outcompeted"]) == (1, 1)
    # closed: nothing served; two requests unserved, neither outcompeted
    assert rows["closed"].figures["served_value"] == 0
    assert rows["closed"].delta["served_value"] == -2
    assert rows["closed"].delta["unserved_total"] == 1
    assert rows["closed"].delta["outcompeted"] == -1
    # two groups at once and two presenters: both served
    assert rows["bigger"].figures["served_value"] == 3
    assert rows["bigger"].delta["served_share"] == pytest.approx(1 - 0.6667)


@pytest.mark.parametrize(
    ("week", "kind", "target", "remedy"),
    [
        # one group at a time: two groups (and the people for them) help
        (one_slot_week(), "site", "s1", "+1 group at s1 (max_groups 1 → 2"),
        # two groups at a time but one presenter: one more presenter helps
        (
            one_slot_week(max_groups=2, presenters=1),
            "department",
            "dept",
            "+1 presenter of Department",
        ),
    ],
)
def test_what_to_add_first(
    week: Instance, kind: str, target: str, remedy: str
) -> None:
    report = compare(week, [], GREEDY, parallel=1, top=3, advise=[week.name])
    (first, *_) = report.advice[week.name]
    assert (first.kind, first.target) == (kind, target)
    assert (first.requests, first.value) == (1, 1)  # d2's request
    assert first.remedy.startswith(remedy)
    assert first.gain == 1  # d2 served too


def test_vans_bind_when_both_outings_overlap() -> None:
    """s1 and s2 both open 09:00-10:00 only; one van for two groups."""
    catalog = make_catalog(
        sites=[
            make_site("s1", opening_hours=ONE_SLOT),
            make_site("s2", opening_hours=ONE_SLOT),
        ],
        presenters=[make_presenter("p1"), make_presenter("p2")],
        vehicles=[VehiclePool(id="van", seats=15, count=1)],
    )
    week = make_instance(
        catalog=catalog,
        delegations=[
            make_delegation("d1", requests=[{"site": "s1"}]),
            make_delegation("d2", requests=[{"site": "s2"}]),
        ],
    )
    report = compare(week, [], GREEDY, parallel=1, top=1, advise=["test"])
    (first,) = report.advice["test"]
    assert (first.kind, first.target, first.requests) == ("vehicles", "van", 1)
    assert first.remedy.startswith("+1 vehicle in van (1 → 2")
    assert first.gain == 1


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (
            "outcompeted: site capacity at s1 (1 delegation(s) at a time)",
            ("site", "s1"),
        ),
        ("outcompeted: site capacity at Site s1", ("site", "s1")),
        ("outcompeted: presenters of Department busy", ("department", "dept")),
        ("outcompeted: presenters of dept busy", ("department", "dept")),
        ("outcompeted: vehicles all in use (pool van)", ("vehicles", "van")),
        (
            "outcompeted: the delegation's own days are full (3 visit(s) "
            "a day)",
            ("days", ""),
        ),
        (
            "outcompeted: the delegation already visits s1 for another "
            "request",
            ("days", ""),
        ),
        ("outcompeted: no start fits", ("other", "no start fits")),
    ],
)
def test_reasons_name_their_resource(
    reason: str, expected: tuple[str, str]
) -> None:
    assert resource_of(reason, one_slot_week())[:2] == expected


def test_bottlenecks_count_outcompeted_requests_per_resource() -> None:
    week = one_slot_week()
    schedule = hand_schedule().model_copy(
        update={
            "unserved": [
                Unserved(
                    delegation="d1",
                    request=0,
                    reason="outcompeted: presenters of dept busy",
                ),
                Unserved(
                    delegation="d2",
                    request=0,
                    reason="outcompeted: presenters of Department busy",
                ),
                Unserved(delegation="d2", request=0, reason="site closed"),
            ]
        }
    )
    assert bottlenecks(week, schedule) == [
        Bottleneck(
            kind="department",
            target="dept",
            label="presenters of Department",
            requests=2,
            value=3,
            languages=("en",),
        )
    ]


# --- sweeps ------------------------------------------------------------------


def two_slot_week() -> Instance:
    """s1 open 09:00-11:00: two 60-minute visits one after the other; one
    delegation d1 asking for it (value 1)."""
    catalog = make_catalog(
        sites=[make_site("s1", opening_hours={"mon": ["09:00-11:00"]})],
        presenters=[make_presenter("p1"), make_presenter("p2")],
    )
    return make_instance(catalog=catalog, delegations=[make_delegation("d1")])


def test_demand_sweep_rows_and_sentence() -> None:
    report = sweep(
        two_slot_week(),
        Knob("demand", "replicate"),
        [1, 2, 3, 4],
        GREEDY,
        parallel=1,
    )
    rows = [r for r in report.rows if r.kind == "sweep"]
    # n delegations want s1, two fit: served min(n, 2) of n
    assert [r.knob_value for r in rows] == [1, 2, 3, 4]
    assert [r.figures["served_value"] for r in rows] == [1, 2, 2, 2]
    assert [r.figures["requested_value"] for r in rows] == [1, 2, 3, 4]
    assert [r.figures["outcompeted"] for r in rows] == [0, 0, 1, 2]
    assert report.sweep is not None
    assert report.sweep.sentence == (
        "Up to 2× the usual demand we still serve 100 % of the requested "
        "value (target 90 %); at 3× it falls to 66.7 %."
    )


def test_resource_sweep_rows() -> None:
    base = two_slot_week()
    four = base.model_copy(
        update={"delegations": [make_delegation(f"d{k}") for k in range(1, 5)]}
    )
    report = sweep(four, Knob("groups", "s1"), [1, 2, 3], GREEDY, parallel=1)
    rows = [r for r in report.rows if r.kind == "sweep"]
    # 2 slots × groups at once, but only 2 presenters: 2, 4, 4 served
    assert [r.figures["served_value"] for r in rows] == [2, 4, 4]
    assert report.sweep is not None
    assert report.sweep.sentence == (
        "With the groups at once at s1 at 2 (now 1) we serve 100 %; at 1, "
        "50 %; beyond 2 more adds nothing: another resource binds."
    )


@pytest.mark.parametrize(
    ("knob", "points", "sentence"),
    [
        (
            Knob("demand"),
            [(1, 0.97), (1.5, 0.93), (2.5, 0.9), (3, 0.8)],
            "Up to 2.5× the usual demand we still serve 90 % of the "
            "requested value (target 90 %); at 3× it falls to 80 %.",
        ),
        (
            Knob("demand"),
            [(1, 0.95), (2, 0.91)],
            "Up to 2× the usual demand we still serve 91 % of the "
            "requested value (target 90 %).",
        ),
        (
            Knob("demand"),
            [(1, 0.81), (2, 0.8), (3, 0.77), (4, 0.67)],
            "Even at 1× the usual demand we serve only 81 % of the "
            "requested value (target 90 %); up to 3× it stays within 5 "
            "points of that (77 %); at 4× it falls to 67 %.",
        ),
        (
            Knob("vehicles", "van"),
            [(2, 0.5), (4, 0.7), (6, 0.7)],
            "No value of the vehicles of van tried reaches 90 %; the best "
            "is 70 % at 4; beyond 4 more adds nothing: another resource "
            "binds.",
        ),
        (
            Knob("vehicles", "van"),
            [(2, 0.5), (4, 0.7)],
            "No value of the vehicles of van tried reaches 90 %; the best "
            "is 70 % at 4; it still rises at 4: try more.",
        ),
    ],
)
def test_sweep_sentences(
    knob: Knob, points: list[tuple[float, float]], sentence: str
) -> None:
    assert sweep_sentence(knob, points) == sentence


# --- where the plans run ---------------------------------------------------------


def comparable(rows: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    """Rows without wall-clock figures, which differ from run to run."""
    out = []
    for row in rows:
        figs = {k: v for k, v in row.figures.items() if k not in ("wall_s",)}
        out.append((row.label, figs))
    return out


def test_process_pool_gives_the_inline_answer() -> None:
    base = one_slot_week()
    variants = [
        Variant("closed", with_site(base, closed=[MONDAY])),
        Variant("bigger", with_site(base, max_groups=2, capacity=80)),
    ]
    inline = compare(base, variants, GREEDY, parallel=1, top=1)
    pooled = compare(base, variants, GREEDY, parallel=2, top=1)
    assert comparable(pooled.rows) == comparable(inline.rows)
    assert pooled.advice == inline.advice


@pytest.mark.parametrize("processes", [False, True])
def test_dask_cluster_gives_the_local_answer(processes: bool) -> None:
    """A LocalCluster on loopback: in this process, or a worker process."""
    distributed = pytest.importorskip("distributed")
    base = two_slot_week()
    knob = Knob("demand", "replicate")
    local = sweep(base, knob, [1, 2, 3], GREEDY, parallel=1)
    with distributed.LocalCluster(
        n_workers=1,
        processes=processes,
        host="127.0.0.1",
        protocol="tcp://",  # real sockets on loopback, as a cluster uses
        dashboard_address="127.0.0.1:0",
    ) as cluster:
        remote = sweep(
            base, knob, [1, 2, 3], GREEDY, dask=cluster.scheduler_address
        )
    assert comparable(remote.rows) == comparable(local.rows)
    assert remote.sweep == local.sweep


# --- outputs -------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> Any:
    """The one-slot week against closing s1 and two groups at once."""
    base = one_slot_week()
    return compare(
        base,
        [
            Variant(
                "closed",
                with_site(base, closed=[MONDAY]),
                "scenario",
                "s1 closed on Monday",
            ),
            Variant("bigger", with_site(base, max_groups=2, capacity=80)),
        ],
        GREEDY,
        parallel=1,
        top=2,
        advise=["test", "closed"],
    )


def test_csv_has_a_row_a_plan_and_the_differences(
    report: Any, tmp_path: Path
) -> None:
    write_whatif(report, tmp_path)
    with (tmp_path / "whatif.csv").open(encoding="utf-8") as handle:
        rows = {r["plan"]: r for r in csv.DictReader(handle)}
    assert list(rows) == ["test", "closed", "bigger"]
    assert rows["closed"]["served_value"] == "0"
    assert float(rows["closed"]["served_value_vs_base"]) == -2
    assert float(rows["bigger"]["served_value_vs_base"]) == 1
    assert rows["test"]["unserved:outcompeted"] == "1"
    assert rows["closed"]["description"] == "s1 closed on Monday"
    assert (tmp_path / "plans" / "closed.json").is_file()
    with (tmp_path / "whatif-advice.csv").open(encoding="utf-8") as handle:
        advice = list(csv.DictReader(handle))
    # the base: d2 lost on s1; one more group there serves it (+1)
    assert [
        (a["plan"], a["resource"], a["served_value_gain"]) for a in advice
    ] == [("test", "s1", "1")]


def test_html_is_self_contained_with_valid_svg(report: Any) -> None:
    page = render_html(report)
    assert "(−2)" in page  # closed: served value 0, base 2
    assert "(+1)" in page
    assert "No request was outcompeted" in page  # closed: nothing lost
    assert not re.search(r"""(src|href)=["']?https?:""", page)
    charts = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(charts) >= 2
    for chart in charts:
        ET.fromstring(chart)  # well-formed XML


# --- the command ---------------------------------------------------------------


def test_whatif_command(tmp_path: Path) -> None:
    write_week(tmp_path, one_slot_week())
    (tmp_path / "closed.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "s1-closed",
                "description": "s1 closed on Monday",
                "base": "week.yaml",
                "changes": [
                    {
                        "change": "close_site",
                        "site": "s1",
                        "dates": [MONDAY.isoformat()],
                    }
                ],
            }
        )
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        whatif,
        [
            str(tmp_path / "week.yaml"),
            str(tmp_path / "closed.yaml"),
            "--out",
            str(out),
            "--solver",
            "greedy",
            "--jobs",
            "1",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "s1-closed" in result.output
    assert "0 (−2)" in result.output
    assert (out / "whatif.html").is_file()
    assert (out / "whatif.csv").is_file()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        # a sweep of a knob that does not exist
        (["--sweep", "speed=1,2"], "is not a sweep"),
        # neither scenarios nor a sweep
        ([], "give SCENARIO files"),
    ],
)
def test_whatif_command_errors(
    tmp_path: Path, args: list[str], words: str
) -> None:
    write_week(tmp_path, one_slot_week())
    result = CliRunner().invoke(
        whatif,
        [str(tmp_path / "week.yaml"), "--out", str(tmp_path / "o"), *args],
    )
    assert result.exit_code == 2
    assert words in result.output


def test_sweep_command_writes_the_sentence(tmp_path: Path) -> None:
    write_week(tmp_path, two_slot_week())
    result = CliRunner().invoke(
        whatif,
        [
            str(tmp_path / "week.yaml"),
            "--sweep",
            "demand:replicate=1,2,3",
            "--out",
            str(tmp_path / "o"),
            "--solver",
            "greedy",
            "--jobs",
            "1",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Up to 2× the usual demand" in result.output
    page = (tmp_path / "o" / "whatif.html").read_text(encoding="utf-8")
    assert "Up to 2× the usual demand" in page


def test_sweep_command_on_a_dask_cluster_writes_the_local_csv(
    tmp_path: Path,
) -> None:
    distributed = pytest.importorskip("distributed")
    write_week(tmp_path, two_slot_week())
    args = [
        str(tmp_path / "week.yaml"),
        "--sweep",
        "demand:replicate=1,2,3",
        "--solver",
        "greedy",
        "--quiet",
    ]
    local = CliRunner().invoke(
        whatif, [*args, "--jobs", "1", "--out", str(tmp_path / "local")]
    )
    assert local.exit_code == 0, local.output
    with distributed.LocalCluster(
        n_workers=1,
        processes=False,
        host="127.0.0.1",
        protocol="tcp://",
        dashboard_address="127.0.0.1:0",
    ) as cluster:
        remote = CliRunner().invoke(
            whatif,
            [
                *args,
                "--dask",
                cluster.scheduler_address,
                "--out",
                str(tmp_path / "dask"),
            ],
        )
    assert remote.exit_code == 0, remote.output

    def table(folder: str) -> list[dict[str, str]]:
        path = tmp_path / folder / "whatif.csv"
        with path.open(encoding="utf-8") as handle:
            return [
                {k: v for k, v in row.items() if not k.startswith("wall_s")}
                for row in csv.DictReader(handle)
            ]

    assert table("dask") == table("local")
    assert len(table("local")) == 4  # the base and three demand levels


def test_whatif_passes_deterministic_on_to_every_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`visits whatif --deterministic` plans every variant reproducibly."""
    import solvers

    seen: list[bool] = []
    real = solvers.solve

    def spy(data: Any, solver: str, params: Any) -> Any:
        seen.append(params.deterministic)
        return real(data, solver, params)

    monkeypatch.setattr(solvers, "solve", spy)
    base = write_week(tmp_path, one_slot_week())
    for flag, expected in (([], False), (["--deterministic"], True)):
        seen.clear()
        result = CliRunner().invoke(
            whatif,
            [
                str(base),
                "--sweep",
                "groups:s1=1,2",
                "--solver",
                "greedy",
                "--jobs",
                "1",
                "--quiet",
                "--out",
                str(tmp_path / f"out{expected}"),
                *flag,
            ],
        )
        assert result.exit_code == 0, result.output
        assert seen and all(s is expected for s in seen)
