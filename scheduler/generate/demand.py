"""What a week's demand looks like: Medellín's facts and our assumptions.

The figures come from ACI Medellín's reports as summarised in
``medellin-facts.md``; where the reports are silent the figures are
planning assumptions, and say so where they are defined.
"""

from __future__ import annotations

from dataclasses import dataclass


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
SIZE_MEDIAN = 6.0
SIZE_SIGMA = 0.5
MIN_SIZE, MAX_SIZE = 2, 40
