"""Random draws of one delegation from the demand tables."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import TYPE_CHECKING, Any, TypeVar

from scheduler.generate.demand import (
    ACCESSIBLE_ONLY_SHARE,
    BIG_GROUP_SHARE,
    COUNTRIES,
    EARLY_DEPARTURE_SHARE,
    LATE_ARRIVAL_SHARE,
    LODGING_AREAS,
    LODGING_JITTER,
    LODGING_SHARES,
    MAX_SIZE,
    MAX_VISITS_PER_DAY,
    MIN_SIZE,
    ORGANIZATIONS,
    PRIORITY,
    REQUEST_COUNT,
    SITE_POPULARITY,
    SITE_REQUEST_SHARE,
    SIZE_MEDIAN,
    SIZE_SIGMA,
    STAY_DAYS,
    TOPIC_POPULARITY,
    WEIGHT,
    Country,
)

if TYPE_CHECKING:
    import random
    from collections.abc import Sequence

    from scheduler.model import Catalog

T = TypeVar("T")


def _pick(rng: random.Random, table: dict[T, float]) -> T:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def _sample(
    rng: random.Random, items: Sequence[T], weights: Sequence[float], k: int
) -> list[T]:
    """``k`` distinct items, each draw weighted (without replacement)."""
    pool, w = list(items), list(weights)
    out: list[T] = []
    while pool and len(out) < k:
        i = rng.choices(range(len(pool)), weights=w)[0]
        out.append(pool.pop(i))
        w.pop(i)
    return out


def _slug(text: str) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _size(rng: random.Random) -> int:
    """About 8 people on average: lognormal around 6, a tail up to 40."""
    if rng.random() < BIG_GROUP_SHARE:
        return rng.randint(20, MAX_SIZE)
    drawn = round(rng.lognormvariate(math.log(SIZE_MEDIAN), SIZE_SIGMA))
    return min(MAX_SIZE, max(MIN_SIZE, drawn))


def _languages(rng: random.Random, country: Country) -> list[str]:
    languages = list(country.languages)
    for language, share in country.extra:
        if rng.random() < share and language not in languages:
            languages.append(language)
    return languages


def _organization(rng: random.Random, country: Country, city: str) -> str:
    main = country.languages[0]
    templates = ORGANIZATIONS.get(main, ORGANIZATIONS["en"])
    return rng.choice(templates).format(city=city)


def _stay(rng: random.Random, monday: dt.date) -> tuple[str, str, int]:
    """Arrival, departure (local ISO strings) and days, inside Mon–Fri."""
    days = _pick(rng, STAY_DAYS)
    first = monday + dt.timedelta(days=rng.randint(0, 5 - days))
    last = first + dt.timedelta(days=days - 1)
    arrive, leave = 7 * 60, 19 * 60
    late = rng.random() < LATE_ARRIVAL_SHARE
    if late:
        arrive = rng.choice(range(10 * 60, 13 * 60 + 1, 30))
    if rng.random() < EARLY_DEPARTURE_SHARE and not (days == 1 and late):
        leave = rng.choice(range(13 * 60, 16 * 60 + 1, 30))
    return (
        f"{first.isoformat()}T{_clock(arrive)}",
        f"{last.isoformat()}T{_clock(leave)}",
        days,
    )


def _lodging(rng: random.Random, country: Country) -> dict[str, float]:
    shares = LODGING_SHARES["CO" if country.code == "CO" else "foreign"]
    lat, lon = LODGING_AREAS[_pick(rng, shares)]
    return {
        "lat": round(lat + rng.uniform(-LODGING_JITTER, LODGING_JITTER), 4),
        "lon": round(lon + rng.uniform(-LODGING_JITTER, LODGING_JITTER), 4),
    }


def _requests(
    rng: random.Random, catalog: Catalog, accessible_only: bool, count: int
) -> list[dict[str, Any]]:
    """``count`` requests on the delegation's interests, no target twice."""
    sites = [s for s in catalog.sites if s.accessible or not accessible_only]
    topics = sorted({t for s in sites for t in s.topics})
    interests = _sample(
        rng,
        topics,
        [TOPIC_POPULARITY.get(t, 1.0) for t in topics],
        rng.randint(2, 3),
    )
    requests: list[dict[str, Any]] = []
    used_sites: list[str] = []
    used_topics: list[str] = []
    while len(requests) < count:
        candidates = [
            s
            for s in sites
            if s.id not in used_sites and set(s.topics) & set(interests)
        ]
        if candidates and rng.random() < SITE_REQUEST_SHARE:
            site = _sample(
                rng,
                candidates,
                [SITE_POPULARITY.get(s.id, 1.0) for s in candidates],
                1,
            )[0]
            used_sites.append(site.id)
            request: dict[str, Any] = {"site": site.id}
        else:
            left = [t for t in interests if t not in used_topics] or [
                t for t in topics if t not in used_topics
            ]
            if not left:
                break
            topic = _sample(
                rng, left, [TOPIC_POPULARITY.get(t, 1.0) for t in left], 1
            )[0]
            used_topics.append(topic)
            request = {"topic": topic}
        weight = _pick(rng, WEIGHT)
        if weight != 1:
            request["weight"] = weight
        requests.append(request)
    return requests


def draw_delegation(
    rng: random.Random, catalog: Catalog, monday: dt.date, number: int
) -> dict[str, Any]:
    country = rng.choices(COUNTRIES, weights=[c.weight for c in COUNTRIES])[0]
    city = rng.choice(country.cities)
    organization = _organization(rng, country, city)
    arrival, departure, days = _stay(rng, monday)
    delegation_id = f"{country.code.lower()}-{_slug(city)}-{number:03d}"
    data: dict[str, Any] = {
        "id": delegation_id,
        "name": organization,
        "country": country.code,
        "organization": organization,
        "size": _size(rng),
        "languages": _languages(rng, country),
        "arrival": arrival,
        "departure": departure,
    }
    draw = rng.random()
    if draw < 0.10:
        data["day_window"] = "08:30-17:30"
    elif draw < 0.15:
        data["day_window"] = "07:30-17:00"
    draw = rng.random()
    if draw < 0.15:
        data["lunch"] = {"window": "12:30-14:30", "minutes": 60}
    elif draw < 0.20:
        data["lunch"] = {"window": "12:00-14:00", "minutes": 45}
    per_day = _pick(rng, MAX_VISITS_PER_DAY)
    if per_day != 3:
        data["max_visits_per_day"] = per_day
    data["lodging"] = _lodging(rng, country)
    priority = _pick(rng, PRIORITY)
    if priority != 1:
        data["priority"] = priority
    accessible_only = rng.random() < ACCESSIBLE_ONLY_SHARE
    if accessible_only:
        data["accessible_only"] = True
    data["email"] = f"{delegation_id}@delegations.example"
    count = min(_pick(rng, REQUEST_COUNT), max(3, days * per_day + 1))
    data["requests"] = _requests(rng, catalog, accessible_only, count)
    return data
