"""The demand generator: deterministic, valid, and shaped like the facts."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from scheduler.compile import compile_instance
from scheduler.errors import InputError
from scheduler.generate import (
    MAX_GENERATED,
    ROBUST_MIN_STARTS,
    comfortable_starts,
    generate_week,
    generate_week_file,
    week_start,
)
from scheduler.loading import load_catalog
from scheduler.model import Instance
from tests.factories import (
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
)
from tests.paths import REPO as ROOT
from visits.cli import main
from whatif.scenario import load_instance

CATALOG = ROOT / "instances" / "medellin" / "catalog.yaml"
WEEKS = ROOT / "instances" / "medellin" / "weeks"
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def big_week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 delegations (about 2,500 requests), written and loaded back."""
    out = tmp_path_factory.mktemp("gen") / "weeks" / "big.yaml"
    generate_week_file(CATALOG, "2026-W48", 600, 11, out)
    return out


@pytest.fixture(scope="module")
def big(big_week: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(big_week.read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def big_instance(big_week: Path) -> Instance:
    return load_instance(big_week)


def test_week_start_is_the_iso_monday() -> None:
    assert week_start("2026-W48") == MONDAY
    assert week_start("2027-W01") == dt.date(2027, 1, 4)


@pytest.mark.parametrize("week", ["2026-48", "W48", "2026-W54", "2026-W00"])
def test_bad_week_is_an_input_error(week: str) -> None:
    with pytest.raises(InputError) as info:
        week_start(week)
    assert "is not an ISO week" in str(info.value)


@pytest.mark.parametrize("count", [0, -3, MAX_GENERATED + 1, 10**9])
def test_a_count_out_of_range_is_an_input_error(count: int) -> None:
    """A billion delegations would hang; the bound answers at once."""
    with pytest.raises(InputError, match=f"give 1 to {MAX_GENERATED:,}"):
        generate_week(CATALOG, "2026-W48", count, 1)


@pytest.mark.parametrize("week", ["0001-W01", "9999-W10", "2026-W54"])
def test_a_week_out_of_range_is_an_input_error(week: str) -> None:
    with pytest.raises(InputError, match="not an ISO week"):
        generate_week(CATALOG, week, 5, 1)


def test_same_seed_same_week_other_seed_other_week() -> None:
    first = generate_week(CATALOG, "2026-W48", 30, 5)
    assert generate_week(CATALOG, "2026-W48", 30, 5) == first
    assert generate_week(CATALOG, "2026-W48", 30, 6) != first


def test_file_is_valid_and_names_its_catalog_relative(
    big_week: Path, big_instance: Instance
) -> None:
    instance = big_instance
    assert len(instance.delegations) == 600
    assert instance.name == "big"
    assert instance.horizon.start == MONDAY
    assert instance.horizon.days == 5
    text = big_week.read_text("utf-8")
    assert "--seed 11" in text.splitlines()[1]
    catalog_ref = yaml.safe_load(text)["catalog"]
    assert not Path(catalog_ref).is_absolute()
    assert (big_week.parent / catalog_ref).resolve() == CATALOG.resolve()


def test_share_of_colombian_cities(big: dict[str, Any]) -> None:
    # 27 % (134 of 503); 600 draws: standard deviation 1.8 points.
    delegations = big["delegations"]
    share = sum(d["country"] == "CO" for d in delegations) / len(delegations)
    assert 0.20 <= share <= 0.34


def test_top_senders_lead_the_foreign_delegations(big: dict[str, Any]) -> None:
    counts: dict[str, int] = {}
    for d in big["delegations"]:
        counts[d["country"]] = counts.get(d["country"], 0) + 1
    foreign = sorted(
        (c for c in counts if c != "CO"), key=lambda c: -counts[c]
    )
    assert foreign[0] == "US"
    assert set(foreign[:3]) <= {"US", "BR", "AR", "MX", "FR"}


def test_sizes_around_eight_with_a_long_tail(big: dict[str, Any]) -> None:
    sizes = [d["size"] for d in big["delegations"]]
    assert min(sizes) >= 2
    assert max(sizes) <= 40
    assert 6.5 <= statistics.mean(sizes) <= 10
    assert any(size >= 20 for size in sizes)


LANGUAGE = {
    "CO": "es",
    "MX": "es",
    "US": "en",
    "GB": "en",
    "BR": "pt",
    "FR": "fr",
    "KR": "ko",
}


def test_languages_follow_the_country(big: dict[str, Any]) -> None:
    for d in big["delegations"]:
        if d["country"] in LANGUAGE:
            assert LANGUAGE[d["country"]] in d["languages"], d["id"]
        assert len(set(d["languages"])) == len(d["languages"])


def test_stays_of_one_to_four_days_inside_the_week(
    big: dict[str, Any],
) -> None:
    lengths = set()
    for d in big["delegations"]:
        arrival = dt.datetime.fromisoformat(d["arrival"])
        departure = dt.datetime.fromisoformat(d["departure"])
        assert MONDAY <= arrival.date() <= departure.date()
        assert departure.date() <= MONDAY + dt.timedelta(days=4)
        assert arrival < departure
        lengths.add((departure.date() - arrival.date()).days + 1)
    assert lengths == {1, 2, 3, 4}


def _target(request: dict[str, Any]) -> str:
    return (
        f"site:{request['site']}"
        if "site" in request
        else (f"topic:{request['topic']}")
    )


def test_requests_mix_sites_and_topics_without_repeats(
    big: dict[str, Any],
) -> None:
    kinds = {"site": 0, "topic": 0}
    for d in big["delegations"]:
        targets = [_target(r) for r in d["requests"]]
        assert 3 <= len(targets) <= 6
        assert len(set(targets)) == len(targets), d["id"]
        for r in d["requests"]:
            kinds["site" if "site" in r else "topic"] += 1
    share = kinds["site"] / (kinds["site"] + kinds["topic"])
    assert 0.4 <= share <= 0.7


def test_popular_topics_are_asked_more(big: dict[str, Any]) -> None:
    topics = [
        r["topic"]
        for d in big["delegations"]
        for r in d["requests"]
        if "topic" in r
    ]
    assert topics.count("urbanism") > topics.count("resilience")
    assert topics.count("mobility") > topics.count("memory")


def test_priorities_mostly_one_or_two(big: dict[str, Any]) -> None:
    priorities = [d.get("priority", 1) for d in big["delegations"]]
    assert set(priorities) <= {1, 2, 3, 4, 5}
    assert sum(p <= 2 for p in priorities) / len(priorities) >= 0.7


def test_lodging_in_one_of_the_three_areas(big: dict[str, Any]) -> None:
    areas = [(6.2090, -75.5670), (6.2450, -75.5940), (6.2500, -75.5680)]
    near = 0.003 + 0.00005  # jitter, then rounding to 4 decimals
    for d in big["delegations"]:
        lat, lon = d["lodging"]["lat"], d["lodging"]["lon"]
        assert any(
            abs(lat - a) <= near and abs(lon - b) <= near for a, b in areas
        ), d["id"]


def test_about_one_in_ten_has_one_required_request(
    big: dict[str, Any],
) -> None:
    required = [
        sum(bool(r.get("required")) for r in d["requests"])
        for d in big["delegations"]
    ]
    assert max(required) == 1
    # 10 % of 600: standard deviation 1.2 points.
    assert 0.05 <= sum(required) / len(required) <= 0.15


def test_required_requests_are_comfortable_alone(
    big_instance: Instance,
) -> None:
    data = compile_instance(big_instance)
    checked = 0
    for d, delegation in enumerate(data.delegations):
        for request in delegation.requests:
            if request.required:
                starts = sum(
                    comfortable_starts(data, d, s) for s in request.sites
                )
                assert starts >= ROBUST_MIN_STARTS, delegation.name
                checked += 1
    assert checked > 0


def test_accessible_only_asks_for_accessible_sites(
    big_instance: Instance,
) -> None:
    instance = big_instance
    catalog = instance.catalog
    accessible = [s for s in catalog.sites if s.accessible]
    strict = [d for d in instance.delegations if d.accessible_only]
    assert 0 < len(strict) <= 0.08 * len(instance.delegations)
    for d in strict:
        for r in d.requests:
            if r.site is not None:
                assert catalog.site(r.site).accessible
            else:
                assert any(r.topic in s.topics for s in accessible)


def test_comfortable_starts_counted_by_hand() -> None:
    # Site open 08:00-17:00, 60-minute visits, lodging on the spot (no
    # travel): starts 08:00..16:00 = 33 quarter hours. Lunch 60 min in
    # 12:00-14:00 fits before a start ≥ 13:00 or after an end ≤ 13:00, so
    # 12:15, 12:30 and 12:45 are out: 30.
    instance = make_instance()
    assert comfortable_starts(compile_instance(instance), 0, 0) == 30
    # Presenter only 09:00-11:00: starts 09:00..10:00 = 5.
    catalog = make_catalog(
        presenters=[make_presenter(availability={"mon": ["09:00-11:00"]})]
    )
    instance = make_instance(catalog=catalog)
    assert comfortable_starts(compile_instance(instance), 0, 0) == 5
    # No presenter speaks the delegation's language: none.
    instance = make_instance(delegations=[make_delegation(languages=["ko"])])
    assert comfortable_starts(compile_instance(instance), 0, 0) == 0


def _header_command(path: Path) -> dict[str, str]:
    line = path.read_text("utf-8").splitlines()[1]
    assert line.startswith("#   visits generate ")
    return dict(re.findall(r"--(\w+) (\S+)", line))


@pytest.mark.parametrize(
    ("name", "delegations", "low", "high"),
    [
        ("normal", 15, 50, 75),
        ("peak", 60, 220, 280),
        ("surge", 200, 800, 1000),
    ],
)
def test_committed_weeks_are_reproduced_by_their_header(
    name: str, delegations: int, low: int, high: int
) -> None:
    path = WEEKS / f"{name}.yaml"
    command = _header_command(path)
    assert int(command["delegations"]) == delegations
    regenerated = generate_week(
        ROOT / command["catalog"],
        command["week"],
        int(command["delegations"]),
        int(command["seed"]),
        catalog_ref="../catalog.yaml",
        name=name,
    )
    committed = yaml.safe_load(path.read_text("utf-8"))
    assert committed == yaml.safe_load(yaml.safe_dump(regenerated))
    requests = sum(len(d["requests"]) for d in committed["delegations"])
    assert low <= requests <= high


def test_cli_generate(tmp_path: Path) -> None:
    out = tmp_path / "w.yaml"
    result = CliRunner().invoke(
        main,
        [
            "generate",
            "--catalog",
            str(CATALOG),
            "--week",
            "2026-W48",
            "--delegations",
            "4",
            "--seed",
            "3",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(load_instance(out).delegations) == 4
    assert load_catalog(CATALOG) == load_instance(out).catalog


def test_cli_generate_bad_week(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "generate",
            "--catalog",
            str(CATALOG),
            "--week",
            "48",
            "--delegations",
            "4",
            "--out",
            str(tmp_path / "w.yaml"),
        ],
    )
    assert result.exit_code == 2
    assert "is not an ISO week" in result.stderr
