"""Travel minutes between places (SPEC "travel")."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.model import LatLon, TravelSettings

EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: LatLon, b: LatLon) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def road_minutes(a: LatLon, b: LatLon, settings: TravelSettings) -> int:
    """Haversine km × detour / speed, in minutes rounded up; no buffer."""
    km = haversine_km(a, b) * settings.detour_factor
    return math.ceil(round(km / settings.speed_kmh * 60, 9))


class TravelTimes:
    """Travel minutes between named places (site ids, lodgings).

    ``minutes(a, b) = matrix[a][b]`` if given (else ``matrix[b][a]``), else
    ``road_minutes``; plus ``buffer_minutes`` when the places differ; 0 when
    both stand at the same coordinates.
    """

    def __init__(self, settings: TravelSettings) -> None:
        self.settings = settings
        self._explicit: dict[tuple[str, str], int] = {}
        for entry in settings.matrix:
            self._explicit.setdefault((entry.to, entry.origin), entry.minutes)
        for entry in settings.matrix:
            self._explicit[(entry.origin, entry.to)] = entry.minutes

    def minutes(self, a_name: str, a: LatLon, b_name: str, b: LatLon) -> int:
        if a_name == b_name or (a.lat == b.lat and a.lon == b.lon):
            return 0
        explicit = self._explicit.get((a_name, b_name))
        base = (
            explicit
            if explicit is not None
            else road_minutes(a, b, self.settings)
        )
        return base + self.settings.buffer_minutes
