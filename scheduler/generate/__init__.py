"""Demand generator: weeks of delegation requests that follow Medellín's facts.

The figures come from ACI Medellín's reports as summarised in
``medellin-facts.md``: 27 % of delegations from Colombian cities, the top
senders (USA, Brazil, Argentina, Mexico, France) and the other partners
named, about 8 people a delegation (2 to 40), the most asked-for topics.
Where the reports are silent (stay lengths, request counts, priorities,
weights, lodging shares) the figures below are planning assumptions, and
say so. A week is drawn from ``random.Random(seed)`` alone: the same
catalog, week, count and seed always give the same file.

About one delegation in ten gets one required request, only on a target it
could be served at comfortably on its own (capacity, a presenter speaking
its language, open hours during its stay, lunch, with at least
``ROBUST_MIN_STARTS`` possible start times), so that the generated weeks'
required requests can be served together.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from scheduler.compile import compile_instance
from scheduler.errors import InputError, Problem
from scheduler.loading import load_catalog
from scheduler.model import Catalog, Delegation, Horizon, Instance

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scheduler.problem import ProblemData

T = TypeVar("T")


@dataclass(frozen=True)
class Country:
    """A sending country: its share of delegations, languages and cities."""

    code: str
    weight: float
    """Relative share of delegations (Colombia 27 of ~100)."""
    languages: tuple[str, ...]
    """Always spoken by the delegation (an interpreter counts)."""
    extra: tuple[tuple[str, float], ...]
    """(language, probability the delegation also speaks it)."""
    cities: tuple[str, ...]


# Shares: Colombia 27 % (134 of 503 delegations, 2016–2018); the five top
# senders next; the other partners named in the reports after them. The
# split among the foreign countries is a PLANNING ASSUMPTION that keeps the
# reports' order. Countries whose language no presenter speaks always bring
# English (an interpreter).
COUNTRIES: tuple[Country, ...] = (
    Country(
        "CO",
        27.0,
        ("es",),
        (("en", 0.10),),
        (
            "Bogotá",
            "Cali",
            "Barranquilla",
            "Cartagena",
            "Bucaramanga",
            "Pereira",
            "Manizales",
            "Pasto",
            "Montería",
            "Santa Marta",
            "Cúcuta",
            "Ibagué",
            "Villavicencio",
            "Neiva",
            "Armenia",
            "Popayán",
        ),
    ),
    Country(
        "US",
        12.0,
        ("en",),
        (("es", 0.30),),
        (
            "Boston",
            "Chicago",
            "Los Angeles",
            "Miami",
            "New York",
            "Denver",
            "Austin",
            "Seattle",
            "Atlanta",
            "Pittsburgh",
        ),
    ),
    Country(
        "BR",
        8.0,
        ("pt",),
        (("es", 0.55), ("en", 0.35)),
        (
            "Curitiba",
            "São Paulo",
            "Rio de Janeiro",
            "Belo Horizonte",
            "Recife",
            "Porto Alegre",
            "Fortaleza",
            "Salvador",
        ),
    ),
    Country(
        "AR",
        6.0,
        ("es",),
        (("en", 0.15),),
        (
            "Buenos Aires",
            "Rosario",
            "Córdoba",
            "Mendoza",
        ),
    ),
    Country(
        "MX",
        6.0,
        ("es",),
        (("en", 0.15),),
        (
            "Ciudad de México",
            "Guadalajara",
            "Monterrey",
            "Puebla",
            "Mérida",
        ),
    ),
    Country(
        "FR",
        5.0,
        ("fr",),
        (("en", 0.60), ("es", 0.30)),
        (
            "Paris",
            "Lyon",
            "Bordeaux",
            "Lille",
            "Nantes",
            "Grenoble",
        ),
    ),
    Country(
        "ES",
        4.0,
        ("es",),
        (("en", 0.20),),
        (
            "Barcelona",
            "Madrid",
            "Bilbao",
            "Valencia",
            "Sevilla",
        ),
    ),
    Country(
        "KR",
        3.0,
        ("ko",),
        (("en", 0.85),),
        (
            "Seoul",
            "Busan",
            "Incheon",
            "Daegu",
        ),
    ),
    Country(
        "GB",
        3.0,
        ("en",),
        (("es", 0.15),),
        (
            "London",
            "Manchester",
            "Bristol",
            "Glasgow",
        ),
    ),
    Country(
        "CL",
        3.0,
        ("es",),
        (("en", 0.15),),
        (
            "Santiago",
            "Valparaíso",
            "Concepción",
        ),
    ),
    Country(
        "PE",
        3.0,
        ("es",),
        (("en", 0.10),),
        (
            "Lima",
            "Arequipa",
            "Trujillo",
        ),
    ),
    Country(
        "DE",
        2.5,
        ("de", "en"),
        (("es", 0.20),),
        (
            "Berlin",
            "Hamburg",
            "Munich",
            "Frankfurt",
        ),
    ),
    Country("EC", 2.5, ("es",), (), ("Quito", "Guayaquil", "Cuenca")),
    Country(
        "CA",
        2.0,
        ("en",),
        (("fr", 0.25), ("es", 0.15)),
        (
            "Toronto",
            "Montréal",
            "Vancouver",
            "Ottawa",
        ),
    ),
    Country("SE", 1.5, ("sv", "en"), (), ("Stockholm", "Malmö", "Gothenburg")),
    Country("GT", 1.5, ("es",), (), ("Ciudad de Guatemala", "Quetzaltenango")),
    Country(
        "DO", 1.5, ("es",), (), ("Santo Domingo", "Santiago de los Caballeros")
    ),
    Country("BO", 1.5, ("es",), (), ("La Paz", "Santa Cruz", "Cochabamba")),
    Country("CR", 1.5, ("es",), (("en", 0.15),), ("San José", "Heredia")),
    Country("JP", 1.5, ("ja", "en"), (), ("Yokohama", "Tokyo", "Kobe")),
    Country("HN", 1.0, ("es",), (), ("Tegucigalpa", "San Pedro Sula")),
    Country("FI", 1.0, ("fi", "en"), (), ("Helsinki", "Espoo", "Tampere")),
    Country("SG", 1.0, ("en",), (), ("Singapore",)),
    Country("LC", 0.5, ("en",), (), ("Castries",)),
    Country("GY", 0.5, ("en",), (), ("Georgetown",)),
    Country("MM", 0.5, ("my", "en"), (), ("Yangon", "Mandalay")),
)

# Who travels: the organization's name in the delegation's main language.
ORGANIZATIONS: dict[str, tuple[str, ...]] = {
    "es": (
        "Alcaldía de {city}",
        "Concejo Municipal de {city}",
        "Universidad de {city}",
        "Cámara de Comercio de {city}",
        "Secretaría de Movilidad de {city}",
        "Fundación Ciudad de {city}",
    ),
    "pt": (
        "Prefeitura de {city}",
        "Câmara Municipal de {city}",
        "Universidade de {city}",
        "Secretaria de Mobilidade de {city}",
    ),
    "fr": (
        "Ville de {city}",
        "Métropole de {city}",
        "Université de {city}",
        "Chambre de commerce de {city}",
    ),
    "en": (
        "City of {city}",
        "{city} City Council",
        "University of {city}",
        "{city} Chamber of Commerce",
        "{city} Transit Authority",
        "{city} Community Foundation",
        "Journalists from {city}",
    ),
}

# Topic popularity: the reports' order ("urban planning, environment and
# mobility; urban transformation; investment; peacebuilding, government and
# security; economic development", then the others). The weights themselves
# are a PLANNING ASSUMPTION; a catalog topic not listed weighs 1.
TOPIC_POPULARITY: dict[str, float] = {
    "urbanism": 10,
    "mobility": 9,
    "environment": 7,
    "planning": 4,
    "investment": 6,
    "peacebuilding": 5,
    "security": 5,
    "government": 4,
    "economic-development": 5,
    "innovation": 5,
    "education": 4,
    "culture": 3,
    "early-childhood": 3,
    "utilities": 3,
    "social-inclusion": 3,
    "memory": 2,
    "resilience": 2,
}

# Site fame: the visits every delegation has heard of (PLANNING ASSUMPTION);
# a site not listed weighs 1.
SITE_POPULARITY: dict[str, float] = {
    "metrocable-k": 5,
    "comuna13-escalators": 5,
    "ruta-n": 4,
    "casa-memoria": 3,
    "parques-rio": 2.5,
    "moravia": 2.5,
    "aci-office": 2,
    "uva-sol-oriente": 2,
    "buen-comienzo": 2,
    "epm-building": 2,
    "security-briefing": 2,
    "explora": 2,
}

# Lodging areas (medellin-facts.md); shares are a PLANNING ASSUMPTION.
LODGING_AREAS: dict[str, tuple[float, float]] = {
    "el-poblado": (6.2090, -75.5670),
    "laureles": (6.2450, -75.5940),
    "centro": (6.2500, -75.5680),
}
LODGING_SHARES = {
    "foreign": {"el-poblado": 0.65, "laureles": 0.20, "centro": 0.15},
    "CO": {"el-poblado": 0.35, "laureles": 0.30, "centro": 0.35},
}
LODGING_JITTER = 0.003
"""Degrees (~300 m): hotels spread around an area's centre."""

# Stays, requests, priorities (PLANNING ASSUMPTIONS).
STAY_DAYS = {1: 0.25, 2: 0.35, 3: 0.25, 4: 0.15}
REQUEST_COUNT = {3: 0.25, 4: 0.30, 5: 0.27, 6: 0.18}
PRIORITY = {1: 0.50, 2: 0.30, 3: 0.12, 4: 0.05, 5: 0.03}
WEIGHT = {1: 0.85, 2: 0.12, 3: 0.03}
MAX_VISITS_PER_DAY = {3: 0.70, 2: 0.20, 4: 0.10}
SITE_REQUEST_SHARE = 0.55
"""Share of requests naming a site; the rest name a topic."""
REQUIRED_SHARE = 0.10
"""About one delegation in ten has one required request."""
ACCESSIBLE_ONLY_SHARE = 0.03
LATE_ARRIVAL_SHARE = 0.20
"""Arrives by a morning flight on its first day, not the night before."""
EARLY_DEPARTURE_SHARE = 0.25
"""Flies out in the afternoon of its last day."""
BIG_GROUP_SHARE = 0.05
"""The long tail of sizes: groups of 20 to 40."""
ROBUST_MIN_STARTS = 8
"""A required request's target offers at least this many start times."""
SIZE_MEDIAN = 6.0
SIZE_SIGMA = 0.5
MIN_SIZE, MAX_SIZE = 2, 40

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_start(week: str) -> dt.date:
    """The Monday of an ISO week written ``2026-W48``."""
    m = _WEEK.match(week.strip())
    if m:
        try:
            return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            pass
    raise InputError(
        [
            Problem(
                "--week",
                "",
                f'"{week}" is not an ISO week; write it as YYYY-Www, e.g. 2026-W48',
            )
        ]
    )


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


def _delegation(
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


def comfortable_starts(data: ProblemData, d: int, s: int) -> int:
    """Start times at which delegation ``d`` could visit site ``s`` alone.

    A start t counts when ``t ∈ starts(d, s)``, one presenter able to host
    the group is available for all of [t, t + duration), and the lunch fits
    before leaving lodging (lunch_lo + m ≤ t − from_lodging) or after
    coming back (t + duration + to_lodging + m ≤ lunch_hi).
    """
    site = data.sites[s]
    delegation = data.delegations[d]
    presenters = data.presenters_for(d, s) if site.department >= 0 else ()
    if not any(
        data.vehicles_needed(d, v) <= pool.count
        for v, pool in enumerate(data.vehicles)
    ):
        return 0
    count = 0
    for lo, hi in data.starts(d, s):
        for t in range(lo, hi + 1, data.slot):
            end = t + site.duration
            if site.department >= 0 and not any(
                a <= t and end <= b
                for p in presenters
                for a, b in data.presenters[p].available
            ):
                continue
            day = next(
                (x for x in delegation.days if x.index == data.day_of(t)),
                None,
            )
            if day is None:
                continue
            m = day.lunch_minutes
            lunch_before = day.lunch[0] + m <= t - delegation.from_lodging[s]
            lunch_after = end + delegation.to_lodging[s] + m <= day.lunch[1]
            if m == 0 or lunch_before or lunch_after:
                count += 1
    return count


def _mark_required(
    rng: random.Random, instance: Instance, delegations: list[dict[str, Any]]
) -> None:
    """One required request for about one delegation in ten.

    Only on a comfortable target, and at most one required visit per site
    and open group slot a week (``max_groups`` × open days), so that the
    required requests stay servable together.
    """
    data = compile_instance(instance)
    budget = {
        i: site.max_groups * len({data.day_of(lo) for lo, _ in site.open})
        for i, site in enumerate(data.sites)
    }
    for d, raw in enumerate(delegations):
        if rng.random() >= REQUIRED_SHARE:
            continue
        robust = []
        for j, request in enumerate(data.delegations[d].requests):
            sites = [
                s
                for s in request.sites
                if budget[s] > 0
                and comfortable_starts(data, d, s) >= ROBUST_MIN_STARTS
            ]
            if sites:
                robust.append((j, sites))
        if not robust:
            continue
        j, sites = rng.choice(robust)
        raw["requests"][j]["required"] = True
        if len(sites) == 1:
            budget[sites[0]] -= 1


def generate_week(
    catalog_path: str | Path,
    week: str,
    n: int,
    seed: int,
    *,
    catalog_ref: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """A week of ``n`` delegations as a week-file mapping.

    ``catalog_ref`` is the ``catalog:`` path written in the mapping
    (default: ``catalog_path`` as given); ``name`` defaults to
    ``<week>-seed<seed>``.
    """
    if n < 1:
        raise InputError(
            [Problem("--delegations", "", f"{n} delegations: give at least 1")]
        )
    monday = week_start(week)
    catalog = load_catalog(Path(catalog_path))
    rng = random.Random(seed)
    delegations = [
        _delegation(rng, catalog, monday, number) for number in range(1, n + 1)
    ]
    horizon = {"start": monday, "days": 5, "slot_minutes": 15}
    instance = Instance(
        name="generated",
        catalog=catalog,
        horizon=Horizon.model_validate(horizon),
        delegations=[Delegation.model_validate(d) for d in delegations],
    )
    _mark_required(rng, instance, delegations)
    return {
        "name": name or f"{week}-seed{seed}",
        "catalog": catalog_ref or Path(catalog_path).as_posix(),
        "horizon": horizon,
        "delegations": delegations,
    }


def generate_week_file(
    catalog_path: str | Path,
    week: str,
    n: int,
    seed: int,
    out: str | Path,
) -> Path:
    """Write a generated week as YAML, naming its catalog relative to ``out``.

    The header records the command and seed that reproduce the file.
    """
    out = Path(out)
    ref = Path(
        os.path.relpath(Path(catalog_path).resolve(), out.parent.resolve())
    ).as_posix()
    week_data = generate_week(
        catalog_path, week, n, seed, catalog_ref=ref, name=out.stem
    )
    delegations = week_data["delegations"]
    requests = sum(len(d["requests"]) for d in delegations)
    required = sum(
        1 for d in delegations for r in d["requests"] if r.get("required")
    )
    header = (
        "# Generated by `visits generate`; regenerate rather than edit:\n"
        f"#   visits generate --catalog {Path(catalog_path).as_posix()} "
        f"--week {week} --delegations {n} --seed {seed} "
        f"--out {out.as_posix()}\n"
        f"# seed: {seed} (the same catalog, week, count and seed give the "
        "same file)\n"
        f"# {len(delegations)} delegations, {requests} requests, "
        f"{required} required.\n"
    )
    body = yaml.safe_dump(
        week_data,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + body, encoding="utf-8")
    return out
