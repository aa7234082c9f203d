"""Reasons for unserved requests: the binding fact, in Spanish and English.

Each static class has a week built so the binding fact is known, and the
words must name it (in both languages) and not a fact that comes later in
the coordinator's order. "Outcompeted" must name the resource, who holds
it and the change that would serve the request.

Default instance (tests/factories.py): one Monday, "Site s1" of
"Department" open Mon-Fri 08:00-17:00, 60-minute visits, capacity 40, one
group at a time, lodging at the site, stay Mon 07:00-20:00, day window
08:00-18:00, lunch 12:00-14:00 for 60 min, presenter p1 (es, en), pool
"van" (15 seats, 10 vans), a delegation of 8 speaking en.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from scheduler.check import violations
from scheduler.compile import compile_instance
from scheduler.explain.words import KINDS, STATIC_KINDS, TEXTS
from scheduler.model import Instance, TravelEntry, TravelSettings, VehiclePool
from scheduler.problem import SolveParams, Status
from scheduler.reasons import (
    static_phrase_of,
    static_reason,
    unserved,
    warnings,
)
from solvers.greedy import solve as greedy_solve
from tests.factories import (
    MONDAY,
    make_catalog,
    make_delegation,
    make_instance,
    make_presenter,
    make_site,
)
from visits.planning import plan_week

FAR = {"lat": 6.26, "lon": -75.57}
"""A lodging away from the sites (travel set by a matrix entry)."""

EVERY_DAY = {
    day: ["09:00-17:00"] for day in ("tue", "wed", "thu", "fri", "sat", "sun")
}


def monday(hhmm: str) -> dt.datetime:
    return dt.datetime.combine(MONDAY, dt.time.fromisoformat(hhmm))


def lodging_minutes(minutes: int) -> TravelSettings:
    return TravelSettings(
        buffer_minutes=0,
        matrix=[
            TravelEntry(origin="lodging:d1", to="s1", minutes=minutes),
            TravelEntry(origin="s1", to="lodging:d1", minutes=minutes),
        ],
    )


def reasons(
    site: dict[str, Any] | None = None,
    delegation: dict[str, Any] | None = None,
    days: int = 1,
    **catalog: Any,
) -> tuple[str | None, str | None]:
    """The static reason of request 0 of d1, in English and in Spanish."""
    catalog.setdefault("sites", [make_site(**(site or {}))])
    d = make_delegation(**(delegation or {}))
    instance = make_instance(make_catalog(**catalog), [d], days=days)
    first = instance.delegations[0]
    return (
        static_reason(instance, first, 0),
        static_reason(instance, first, 0, "es"),
    )


# --- static: one week per class, the binding fact known by construction ---------


def test_a_request_that_fits_has_no_static_reason() -> None:
    assert reasons() == (None, None)


CLASSES = [
    pytest.param(
        {"closed": [MONDAY]},
        {},
        {},
        ("Site s1 is closed on Mon 2026-11-23, every day of the stay",
         "Site s1 está cerrado el lun 2026-11-23, todos los días de la "
         "estadía"),
        id="closed dates",
    ),
    pytest.param(
        # the case: the stay falls outside the opening hours
        {"opening_hours": EVERY_DAY},
        {"arrival": monday("14:00"), "departure": monday("20:00")},
        {},
        ("Site s1 opens Tue-Sun 09:00-17:00; the stay is Mon 14:00 - "
         "Mon 20:00",
         "Site s1 abre mar-dom 09:00-17:00; la estadía es lun 14:00 - "
         "lun 20:00"),
        id="opening hours against the stay",
    ),
    pytest.param(
        {"opening_hours": {"mon": ["16:00-20:00"]}, "visit_minutes": 150},
        {},
        {},
        ("a 150-min visit at Site s1 (open Mon 16:00-20:00) fits no day of "
         "the stay inside the delegation's day window 08:00-18:00",
         "una visita de 150 min a Site s1 (abre lun 16:00-20:00) no cabe "
         "ningún día de la estadía dentro de la franja diaria de la "
         "delegación, 08:00-18:00"),
        id="day window",
    ),
    pytest.param(
        {"opening_hours": {"mon": ["11:00-15:00"]}, "visit_minutes": 180},
        {},
        {},
        ("a 180-min visit at Site s1 leaves no room for the 60-min lunch "
         "between 12:00-14:00 (together with: Site s1 opens Mon "
         "11:00-15:00; the stay is Mon 07:00 - Mon 20:00)",
         "una visita de 180 min a Site s1 no deja espacio para el almuerzo "
         "de 60 min entre 12:00-14:00 (junto con: Site s1 abre lun "
         "11:00-15:00; la estadía es lun 07:00 - lun 20:00)"),
        id="lunch",
    ),
    pytest.param(
        {},
        {"day_window": "08:00-09:30", "lodging": FAR},
        {"travel": lodging_minutes(20)},
        ("Site s1 is 20 min from the lodging (20 min back): with the "
         "rides, no 60-min visit fits the day window 08:00-09:30 while it "
         "is open (Mon-Fri 08:00-17:00)",
         "Site s1 está a 20 min del alojamiento (20 min de regreso): con "
         "los trayectos, ninguna visita de 60 min cabe en la franja diaria "
         "08:00-09:30 mientras está abierto (lun-vie 08:00-17:00)"),
        id="travel from lodging",
    ),
    pytest.param(
        {},
        {},
        {"presenters": []},
        ("Department has no presenters", "Department no tiene presentadores"),
        id="department without presenters",
    ),
    pytest.param(
        {},
        {"languages": ["ko"]},
        {},
        ("no presenter of Department speaks ko (they speak en, es)",
         "ningún presentador de Department habla ko (hablan en, es)"),
        id="language",
    ),
    pytest.param(
        {},
        {},
        {"presenters": [make_presenter(availability={"sat": ["08:00-17:00"]})]},
        ("no presenter of Department who speaks en is available while "
         "Site s1 is open during the stay",
         "ningún presentador de Department que hable en está disponible "
         "mientras Site s1 abre durante la estadía"),
        id="presenter availability",
    ),
    pytest.param(
        {"capacity": 40},
        {"size": 45},
        {},
        ("group of 45 > capacity 40 at Site s1",
         "grupo de 45 > capacidad 40 en Site s1"),
        id="capacity",
    ),
    pytest.param(
        {"accessible": False},
        {"accessible_only": True},
        {},
        ("Site s1 is not accessible and the delegation needs accessible "
         "sites",
         "Site s1 no es accesible y la delegación necesita sitios "
         "accesibles"),
        id="accessibility",
    ),
    pytest.param(
        {},
        {"size": 20},
        {"vehicles": [VehiclePool(id="van", seats=15, count=1)]},
        ("no vehicle pool can carry a group of 20 at once (largest: van, "
         "1 × 15)",
         "ninguna flota de vehículos lleva a 20 personas a la vez (la "
         "mayor: van, 1 × 15)"),
        id="vehicles",
    ),
    pytest.param(
        {},
        {"requests": [{"topic": "astronomy"}]},
        {},
        ('no site offers topic "astronomy"',
         'ningún sitio ofrece el tema "astronomy"'),
        id="no site with the topic",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("site", "delegation", "catalog", "expected"), CLASSES
)
def test_each_class_names_its_binding_fact(
    site: dict[str, Any],
    delegation: dict[str, Any],
    catalog: dict[str, Any],
    expected: tuple[str, str],
) -> None:
    assert reasons(site, delegation, **catalog) == expected


def test_the_first_fact_in_the_order_wins_over_a_later_one() -> None:
    # Closed on the only day, and the only presenter is free 08:00-10:00:
    # the closure removes every start, the presenter only some.
    early = make_presenter(availability={"mon": ["08:00-10:00"]})
    en, es = reasons({"closed": [MONDAY]}, presenters=[early])
    assert en is not None and es is not None
    assert "closed" in en and "cerrado" in es
    assert "presenter" not in en and "presentador" not in es


def test_the_last_fact_is_named_with_the_earlier_one_it_needs() -> None:
    # Open 08:00-10:00; the only presenter is free from 10:00: neither
    # removes every start alone, the presenter removes the last ones.
    late = make_presenter(availability={"mon": ["10:00-17:00"]})
    en, _ = reasons(
        {"opening_hours": {"mon": ["08:00-10:00"]}}, presenters=[late]
    )
    assert en == (
        "no presenter of Department who speaks en is available while Site "
        "s1 is open during the stay (together with: Site s1 opens Mon "
        "08:00-10:00; the stay is Mon 07:00 - Mon 20:00)"
    )


def test_a_reason_named_with_an_earlier_fact_keeps_its_own_kind() -> None:
    late = make_presenter(availability={"mon": ["10:00-17:00"]})
    catalog = make_catalog(
        sites=[make_site(opening_hours={"mon": ["08:00-10:00"]})],
        presenters=[late],
    )
    instance = make_instance(catalog)
    phrase = static_phrase_of(instance, instance.delegations[0], 0)
    assert phrase is not None
    assert getattr(phrase, "kind", None) == "presenters"


def test_facts_that_each_block_alone_are_all_named_shortest_first() -> None:
    en, es = reasons({"closed": [MONDAY], "capacity": 40}, {"size": 45})
    assert en == (
        "group of 45 > capacity 40 at Site s1; Site s1 is closed on Mon "
        "2026-11-23, every day of the stay"
    )
    assert es is not None and es.startswith("grupo de 45 > capacidad 40")


def test_an_earlier_closure_makes_the_opening_hours_read_right() -> None:
    # Stay Mon-Tue; closed on Tuesday, and Monday's stay starts at 18:00.
    en, _ = reasons(
        {"closed": [MONDAY + dt.timedelta(days=1)]},
        {
            "arrival": monday("18:00"),
            "departure": monday("20:00") + dt.timedelta(days=1),
        },
        days=2,
    )
    assert en is not None
    assert en == (
        "Site s1 opens Mon-Fri 08:00-17:00; the stay is Mon 18:00 - Tue "
        "20:00 (together with: Site s1 is closed on Tue 2026-11-24)"
    )


def test_topic_sites_with_one_kind_of_reason_are_summed_up() -> None:
    sites = [make_site(s, capacity=10) for s in ("s1", "s2")]
    sites.append(make_site("s3", capacity=15, topics=["other"]))
    en, es = reasons(
        delegation={"size": 20, "requests": [{"topic": "urbanism"}]},
        sites=sites,
    )
    assert en == (
        'group of 20 > capacity of every site with topic "urbanism" '
        "(largest 10)"
    )
    assert es == (
        'grupo de 20 > capacidad de todos los sitios con el tema "urbanism" '
        "(la mayor, 10)"
    )


def test_topic_sites_with_different_reasons_are_listed() -> None:
    sites = [
        make_site("s1", accessible=False),
        make_site("s2", closed=[MONDAY]),
    ]
    en, _ = reasons(
        delegation={
            "accessible_only": True,
            "requests": [{"topic": "urbanism"}],
        },
        sites=sites,
    )
    assert en == (
        'no site with topic "urbanism" fits: Site s2 is closed on Mon '
        "2026-11-23, every day of the stay; Site s1 is not accessible and "
        "the delegation needs accessible sites"
    )


def test_one_open_topic_site_means_no_static_reason() -> None:
    sites = [make_site("s1", closed=[MONDAY]), make_site("s2")]
    assert reasons(
        delegation={"requests": [{"topic": "urbanism"}]}, sites=sites
    ) == (None, None)


def test_validate_warns_with_the_static_reason() -> None:
    d = make_delegation(size=45, requests=[{"site": "s1"}, {"site": "s1"}])
    assert warnings(make_instance(delegations=[d])) == [
        f'delegation "d1", request {j} (site:s1): group of 45 > capacity 40 '
        "at Site s1"
        for j in (0, 1)
    ]


def test_every_reason_has_both_languages() -> None:
    assert all(set(texts) == {"es", "en"} for texts in TEXTS.values())
    assert set(KINDS) <= set(TEXTS)


# --- outcompeted ----------------------------------------------------------------


def greedy_reasons(
    instance: Instance,
) -> dict[tuple[str, int], tuple[str, str]]:
    """(English, Spanish) reasons for what the greedy plan leaves out."""
    data = compile_instance(instance)
    solution = greedy_solve(data, SolveParams())
    assert solution.status is Status.FEASIBLE
    served = {(v.delegation, v.request) for v in solution.visits}
    return {
        (u.delegation, u.request): (u.reason, u.reason_es or "")
        for u in unserved(instance, data, solution.visits, served)
    }


def two_delegations(
    site: dict[str, Any] | None = None, **catalog: Any
) -> Instance:
    """a (arrives first, priority 2) and b both want s1, open 08:00-09:00."""
    catalog.setdefault(
        "sites",
        [make_site(opening_hours={"mon": ["08:00-09:00"]}, **(site or {}))],
    )
    a = make_delegation(
        "a", arrival=monday("07:00"), day_window="07:00-18:00", priority=2
    )
    return make_instance(make_catalog(**catalog), [a, make_delegation("b")])


def only(found: dict[tuple[str, int], tuple[str, str]]) -> tuple[str, str]:
    assert list(found) == [("b", 0)]
    return found[("b", 0)]


def test_outcompeted_on_the_groups_a_site_takes() -> None:
    two = make_catalog(presenters=[make_presenter("p1"), make_presenter("p2")])
    en, es = only(greedy_reasons(two_delegations(presenters=two.presenters)))
    assert en == (
        "outcompeted: site capacity at Site s1 (1 delegation(s) at a time); "
        "lost to Delegation a (site:s1, priority 2, value 2); it would be "
        "served with one more group at a time at Site s1 on Mon 08:00-09:00"
    )
    assert es == (
        "desplazada: capacidad de Site s1 (1 delegación(es) a la vez); la "
        "ganó Delegation a (site:s1, prioridad 2, valor 2); se atendería "
        "con un grupo más a la vez en Site s1 el lun 08:00-09:00"
    )


def test_outcompeted_on_people_on_site() -> None:
    two = [make_presenter("p1"), make_presenter("p2")]
    instance = two_delegations(
        {"capacity": 10, "max_groups": 2}, presenters=two
    )
    en, _ = only(greedy_reasons(instance))
    assert en.startswith(
        "outcompeted: site capacity at Site s1 (10 people at once); lost to "
        "Delegation a"
    )
    assert en.endswith("room for 6 more people at Site s1 on Mon 08:00-09:00")


def test_outcompeted_on_presenters_names_the_presenter_to_free() -> None:
    en, es = only(greedy_reasons(two_delegations({"max_groups": 2})))
    assert en == (
        "outcompeted: presenters of Department busy; lost to Delegation a "
        "(site:s1, priority 2, value 2); it would be served with Presenter "
        "p1 free on Mon 08:00-09:00"
    )
    assert "Presenter p1 libre el lun 08:00-09:00" in es


def test_outcompeted_on_vans_names_the_pool_and_the_hours() -> None:
    hours = {"mon": ["08:00-09:00"]}
    a = make_delegation("a", arrival=monday("07:00"), day_window="07:00-18:00")
    b = make_delegation("b", requests=[{"site": "s2"}])
    catalog = make_catalog(
        sites=[
            make_site("s1", opening_hours=hours),
            make_site("s2", opening_hours=hours),
        ],
        presenters=[make_presenter("p1"), make_presenter("p2")],
        vehicles=[VehiclePool(id="van", seats=15, count=1)],
    )
    en, es = only(greedy_reasons(make_instance(catalog, [a, b])))
    assert en == (
        "outcompeted: vehicles all in use (pool van); lost to Delegation a "
        "(site:s1, priority 1, value 1); it would be served with 1 more "
        "vehicle(s) of pool van on Mon 08:00-09:00"
    )
    assert "1 vehículo(s) más de la flota van el lun 08:00-09:00" in es


def test_outcompeted_by_its_own_daily_maximum() -> None:
    d = make_delegation(
        requests=[{"site": "s1"}, {"site": "s2"}], max_visits_per_day=1
    )
    catalog = make_catalog(sites=[make_site("s1"), make_site("s2")])
    en, _ = greedy_reasons(make_instance(catalog, [d]))[("d1", 1)]
    assert en.startswith(
        "outcompeted: the delegation's own days are full (1 visit(s) a day); "
        "it would be served with one more visit a day for the delegation on "
        "Mon "
    )
    assert "lost to" not in en


def test_outcompeted_by_its_own_lunch() -> None:
    # s1 11:00-12:30 leaves s2 only 12:30-14:00: no lunch hour.
    hours = {"mon": ["11:00-14:00"]}
    sites = [
        make_site(s, visit_minutes=90, opening_hours=hours)
        for s in ("s1", "s2")
    ]
    presenters = [make_presenter("p1"), make_presenter("p2")]
    d = make_delegation(requests=[{"site": "s1"}, {"site": "s2"}])
    found = greedy_reasons(
        make_instance(make_catalog(sites=sites, presenters=presenters), [d])
    )
    en, _ = found[("d1", 1)]
    assert en.startswith(
        "outcompeted: the delegation's own days are full (its other visits, "
        "travel and lunch); it would be served with its visit to Site s1 "
        "moved off Mon "
    )


def test_a_presenter_busy_with_its_own_visit_is_its_own_day() -> None:
    # One presenter: the clash at 11:00 is the delegation's own visit.
    hours = {"mon": ["11:00-14:00"]}
    sites = [
        make_site(s, visit_minutes=90, opening_hours=hours)
        for s in ("s1", "s2")
    ]
    d = make_delegation(requests=[{"site": "s1"}, {"site": "s2"}])
    en, _ = greedy_reasons(make_instance(make_catalog(sites=sites), [d]))[
        ("d1", 1)
    ]
    assert "presenters" not in en


def test_outcompeted_by_its_own_visit_to_the_only_topic_site() -> None:
    d = make_delegation(requests=[{"site": "s1"}, {"topic": "urbanism"}])
    assert greedy_reasons(make_instance(delegations=[d])) == {
        ("d1", 1): (
            "outcompeted: the delegation already visits Site s1 for another "
            "request; it would be served with the visit to Site s1 serving "
            "this request instead",
            "desplazada: la delegación ya visita Site s1 por otra "
            "solicitud; se atendería con la visita a Site s1 atendiendo "
            "esta solicitud en su lugar",
        )
    }


def test_a_request_that_still_fits_was_not_reached() -> None:
    instance = make_instance()
    data = compile_instance(instance)
    (entry,) = unserved(instance, data, [], set())
    assert entry.reason == (
        "not placed: the solver stopped before reaching it (time limit)"
    )
    assert entry.kind == "not placed"


def test_every_unserved_request_in_a_plan_has_a_reason() -> None:
    result = plan_week(two_delegations(), "greedy", SolveParams())
    schedule = result.schedule
    assert violations(two_delegations(), schedule) == []
    (entry,) = schedule.unserved
    assert (entry.delegation, entry.request) == ("b", 0)
    assert entry.kind == "outcompeted"
    assert entry.reason.startswith("outcompeted: ")
    assert entry.reason_es is not None
    assert entry.reason_es.startswith("desplazada: ")
    assert entry.words("es") == entry.reason_es
    assert entry.words("en") == entry.reason


def test_static_kinds_are_not_outcompeted() -> None:
    assert "outcompeted" not in STATIC_KINDS
    assert {"closed", "opening hours", "capacity"} <= STATIC_KINDS
