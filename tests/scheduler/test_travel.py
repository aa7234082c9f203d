"""Travel minutes (SPEC "travel") against values computed by hand.

minutes(a, b) = matrix entry if given, else ceil(km × detour / speed × 60);
plus buffer_minutes between two different places; 0 at equal coordinates.
One degree of latitude is R × π / 180 = 6371.0088 × 0.0174533 = 111.19508 km.
"""

from __future__ import annotations

import math

import pytest

from scheduler.loading import load_catalog
from scheduler.model import LatLon, TravelEntry, TravelSettings
from scheduler.travel import (
    EARTH_RADIUS_KM,
    TravelTimes,
    haversine_km,
    road_minutes,
)
from tests.paths import CATALOG

A = LatLon(lat=6.0, lon=-75.0)
B = LatLon(lat=6.01, lon=-75.0)
"""0.01° of latitude apart: 1.1119508 km."""
C = LatLon(lat=6.0, lon=-74.99)


def settings(**kw: object) -> TravelSettings:
    data: dict[str, object] = {
        "detour_factor": 1.4,
        "speed_kmh": 18,
        "buffer_minutes": 10,
    }
    data.update(kw)
    return TravelSettings.model_validate(data)


def test_haversine_one_degree_of_latitude() -> None:
    assert haversine_km(
        LatLon(lat=0, lon=0), LatLon(lat=1, lon=0)
    ) == pytest.approx(111.19508, abs=1e-4)


def test_haversine_is_symmetric_and_zero_on_the_spot() -> None:
    assert haversine_km(A, B) == pytest.approx(haversine_km(B, A))
    assert haversine_km(A, A) == 0


def test_road_minutes_detour_speed_and_rounding_up() -> None:
    # 1.1119508 km × 1.4 = 1.5567311 km; / 18 km/h × 60 = 5.189 min → 6.
    assert road_minutes(A, B, settings()) == 6
    # No detour, 60 km/h: 1.1119508 min → 2.
    assert road_minutes(A, B, settings(detour_factor=1, speed_kmh=60)) == 2


def test_road_minutes_exact_value_is_not_rounded_up() -> None:
    # At one degree an hour, one degree takes exactly 60 minutes, not 61.
    one_degree_an_hour = EARTH_RADIUS_KM * math.pi / 180
    exact = settings(detour_factor=1, speed_kmh=one_degree_an_hour)
    assert (
        road_minutes(LatLon(lat=0, lon=0), LatLon(lat=1, lon=0), exact) == 60
    )


def test_buffer_is_added_to_every_transfer() -> None:
    assert TravelTimes(settings()).minutes("a", A, "b", B) == 6 + 10
    assert TravelTimes(settings(buffer_minutes=0)).minutes("a", A, "b", B) == 6


def test_same_coordinates_need_no_transfer() -> None:
    # Two places in one building: no road and no buffer.
    times = TravelTimes(settings())
    assert times.minutes("a", A, "b", LatLon(lat=6.0, lon=-75.0)) == 0
    assert times.minutes("a", A, "a", A) == 0


def test_matrix_entry_overrides_both_ways() -> None:
    times = TravelTimes(
        settings(matrix=[TravelEntry(origin="a", to="b", minutes=30)])
    )
    assert times.minutes("a", A, "b", B) == 30 + 10
    assert times.minutes("b", B, "a", A) == 30 + 10
    # Other pairs keep the formula: C is 0.01° of longitude from A,
    # 1.1119508 × cos(6°) = 1.1058594 km → × 1.4 / 18 × 60 = 5.16 → 6.
    assert times.minutes("a", A, "c", C) == 6 + 10


@pytest.mark.parametrize("reverse_first", [False, True])
def test_reverse_entry_overrides_its_direction(reverse_first: bool) -> None:
    entries = [
        TravelEntry(origin="a", to="b", minutes=30),
        TravelEntry(origin="b", to="a", minutes=45),
    ]
    if reverse_first:
        entries.reverse()
    times = TravelTimes(settings(matrix=entries))
    assert times.minutes("a", A, "b", B) == 30 + 10
    assert times.minutes("b", B, "a", A) == 45 + 10


def test_matrix_entry_of_zero_still_pays_the_buffer() -> None:
    times = TravelTimes(
        settings(matrix=[TravelEntry(origin="a", to="b", minutes=0)])
    )
    assert times.minutes("a", A, "b", B) == 10


def test_medellin_catalog_travel() -> None:
    catalog = load_catalog(CATALOG)
    times = TravelTimes(catalog.travel)

    def between(a: str, b: str) -> int:
        return times.minutes(
            a, catalog.site(a).location, b, catalog.site(b).location
        )

    # City Hall and the security briefing share a building.
    assert between("alpujarra", "security-briefing") == 0
    # Explicit entry, by Metro: 35 minutes + 10 buffer, both ways.
    assert between("metrocable-k", "metrocable-j") == 45
    assert between("metrocable-j", "metrocable-k") == 45
    # Ruta N (6.2660, -75.5660) to Explora (6.2710, -75.5655):
    # 0.005° lat = 0.555975 km, 0.0005° lon × cos(6.27°) = 0.055266 km,
    # 0.558715 km × 1.4 / 18 × 60 = 2.607 min → 3, + 10 buffer = 13.
    assert between("ruta-n", "explora") == 13
