"""The scaling bench (bench/scale.py): the catalog multiplier, the scaled
catalog, the generated week and one in-process measurement.

The scaled catalog is checked field by field against the Medellín catalog
as written: only capacity, max_groups, vehicle counts and presenter
clones may change, and the result must still be a valid catalog (schema
and unique ids), since ``model_copy`` itself validates nothing.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench import scale
from bench.common import append_row, read_rows
from scheduler.build import to_schedule
from scheduler.check import violations
from scheduler.compile import compile_instance
from scheduler.loading import catalog_problems, load_catalog
from scheduler.model import Catalog
from scheduler.problem import SolveParams
from solvers import solve

CATALOG = scale.CATALOG


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The Medellín catalog as written."""
    return load_catalog(CATALOG)


# --- factor_for ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "factor"),
    [(1, 1), (15, 1), (60, 1), (61, 2), (120, 2), (121, 3), (1000, 17)],
)
def test_factor_is_one_up_to_the_base_then_ceil_n_over_base(
    n: int, factor: int
) -> None:
    assert scale.BASE == 60
    assert scale.factor_for(n) == factor


@pytest.mark.parametrize(
    ("n", "base", "factor"),
    [(100, 100, 1), (101, 100, 2), (250, 100, 3), (1000, 100_000, 1)],
)
def test_factor_respects_a_custom_base(n: int, base: int, factor: int) -> None:
    assert scale.factor_for(n, base) == factor


# --- scale_catalog --------------------------------------------------------------


def test_factor_one_returns_the_catalog_unchanged(catalog: Catalog) -> None:
    assert scale.scale_catalog(catalog, 1) == catalog


def test_factor_three_multiplies_sites_and_vehicle_pools(
    catalog: Catalog,
) -> None:
    scaled = scale.scale_catalog(catalog, 3)
    assert [s.id for s in scaled.sites] == [s.id for s in catalog.sites]
    for new, old in zip(scaled.sites, catalog.sites, strict=True):
        assert new.capacity == 3 * old.capacity
        assert new.max_groups == 3 * old.max_groups
        # Nothing else moves: hours, topics, place, department, ...
        assert (
            new.model_copy(
                update={"capacity": old.capacity, "max_groups": old.max_groups}
            )
            == old
        )
    assert [v.id for v in scaled.vehicles] == [v.id for v in catalog.vehicles]
    for new_pool, old_pool in zip(
        scaled.vehicles, catalog.vehicles, strict=True
    ):
        assert new_pool.count == 3 * old_pool.count
        assert new_pool.seats == old_pool.seats
    assert scaled.departments == catalog.departments
    assert scaled.travel == catalog.travel
    assert scaled.organizer == catalog.organizer


def test_factor_three_clones_every_presenter_three_times(
    catalog: Catalog,
) -> None:
    scaled = scale.scale_catalog(catalog, 3)
    by_id = {p.id: p for p in scaled.presenters}
    assert len(by_id) == len(scaled.presenters) == 3 * len(catalog.presenters)
    for old in catalog.presenters:
        clones = [by_id[old.id], by_id[f"{old.id}-2"], by_id[f"{old.id}-3"]]
        for clone in clones:
            assert clone.department == old.department
            assert clone.languages == old.languages
            assert clone.availability == old.availability
            # Only the id and the e-mail differ (name, limits, leave too).
            assert (
                clone.model_copy(update={"id": old.id, "email": old.email})
                == old
            )
        assert clones[0].email == old.email
        if old.email:
            emails = [c.email for c in clones]
            assert all(emails)
            assert len(set(emails)) == 3
    emails = [p.email for p in scaled.presenters if p.email]
    assert len(set(emails)) == len(emails)


def test_presenter_without_email_gets_clones_without_email(
    catalog: Catalog,
) -> None:
    first, *rest = catalog.presenters
    anonymous = catalog.model_copy(
        update={"presenters": [first.model_copy(update={"email": ""}), *rest]}
    )
    scaled = scale.scale_catalog(anonymous, 3)
    by_id = {p.id: p for p in scaled.presenters}
    assert [by_id[f"{first.id}{k}"].email for k in ("", "-2", "-3")] == [
        "",
        "",
        "",
    ]


@pytest.mark.parametrize("factor", [2, 3, 17])
def test_scaled_catalog_is_still_a_valid_catalog(
    catalog: Catalog, factor: int
) -> None:
    scaled = scale.scale_catalog(catalog, factor)
    assert Catalog.model_validate(scaled.model_dump()) == scaled
    assert Catalog.model_validate(scaled.model_dump(mode="json")) == scaled
    # The loader's cross-checks: unique ids, known departments.
    assert catalog_problems(scaled, "scaled") == []


# --- make_instance and measure ----------------------------------------------------


def test_make_instance_120_is_planned_by_greedy_without_violations(
    catalog: Catalog,
) -> None:
    instance, factor = scale.make_instance(CATALOG, 120, seed=1)
    assert factor == 2
    assert len(instance.delegations) == 120
    assert len({d.id for d in instance.delegations}) == 120
    # The week runs on the catalog × 2, not the one as written.
    assert [s.capacity for s in instance.catalog.sites] == [
        2 * s.capacity for s in catalog.sites
    ]
    assert len(instance.catalog.presenters) == 2 * len(catalog.presenters)

    data = compile_instance(instance)
    solution = solve(
        data, "greedy", SolveParams(time_limit=5.0, workers=1, seed=1)
    )
    schedule = to_schedule(instance, data, solution, "greedy")
    assert schedule.visits  # something planned, so the judge has work
    assert violations(instance, schedule) == []


def test_measure_gives_a_full_row_checked_by_the_judge() -> None:
    row = scale.measure(15, "greedy", 5.0, 1, 1, CATALOG)
    assert tuple(row) == scale.COLUMNS
    assert row["delegations"] == 15
    assert row["solver"] == "greedy"
    assert row["factor"] == 1
    assert row["violations"] == 0, row["note"]
    assert row["note"] == ""
    assert row["status"] in ("FEASIBLE", "OPTIMAL")
    served, requests = (int(x) for x in row["served"].split("/"))
    assert requests == row["requests"] > 0
    assert 0 < served <= requests
    assert math.isfinite(row["first_feasible_s"])
    assert isinstance(row["peak_mb"], int)
    assert row["peak_mb"] > 0


# --- results and the child process (bench/common.py as scale uses it) ----------


def test_a_row_read_back_is_skipped_on_the_next_run(tmp_path: Path) -> None:
    """main() skips a size and solver whose key is already in the file."""
    tsv = tmp_path / "scale.tsv"
    row = scale.measure(15, "greedy", 5.0, 1, 1, CATALOG)
    append_row(tsv, row, scale.COLUMNS)
    append_row(tsv, {"delegations": 60, "solver": "cpsat"}, scale.COLUMNS)
    lines = tsv.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == list(scale.COLUMNS)
    assert len(lines) == 3
    back = read_rows(tsv)
    assert back[0] == {k: str(v) for k, v in row.items()}
    assert back[1]["solver"] == "cpsat"
    assert back[1]["status"] == ""
    asked = {
        "delegations": 15,
        "solver": "greedy",
        "time_limit_s": 5,  # the key reads 5 and "5.0" alike
        "workers": 1,
        "seed": 1,
        "factor": scale.factor_for(15),
    }
    assert scale._key(back[0]) == scale._key(asked)
    assert scale._key(back[0]) != scale._key({**asked, "seed": 2})


def test_a_crashed_child_becomes_a_row(tmp_path: Path) -> None:
    missing = tmp_path / "no-catalog.yaml"
    row = scale.run_child(15, "greedy", 5.0, 1, 1, missing)
    assert str(row["status"]).startswith("CRASH ")
    assert row["status"] != "CRASH 0"
    assert row["delegations"] == 15
    assert row["factor"] == 1
    assert row["note"]  # the child's last line of stderr
    assert set(row) <= set(scale.COLUMNS)
