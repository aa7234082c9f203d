"""Every reason's words, in Spanish and English, from one table.

A ``Reason`` is a key of ``TEXTS`` and its fields; a field is a name or a
number shown as is, or a phrase (``Hours``, ``Stay``, ``Dates``, ``When``,
``Languages``, ``Several``) that says itself in either language. The
schedule keeps both texts (``Unserved.reason`` in English,
``Unserved.reason_es``) and the reason's ``kind``, so the report, the Excel
workbook, the terminal and the KPIs all read the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from scheduler.problem.windows import format_clock

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from scheduler.model import WeeklyHours

Lang = Literal["es", "en"]


class Phrase(Protocol):
    def text(self, lang: Lang) -> str: ...


TEXTS: dict[str, dict[Lang, str]] = {
    # --- static: the request can never be served --------------------------
    "no_site": {
        "en": 'no site offers topic "{topic}"',
        "es": 'ningún sitio ofrece el tema "{topic}"',
    },
    "no_stay": {
        "en": "the stay ({stay}) has no day inside the week",
        "es": "la estadía ({stay}) no tiene ningún día dentro de la semana",
    },
    "closed": {
        "en": "{site} is closed on {dates}, every day of the stay",
        "es": "{site} está cerrado el {dates}, todos los días de la estadía",
    },
    "closed_some": {
        "en": "{site} is closed on {dates}",
        "es": "{site} está cerrado el {dates}",
    },
    "hours": {
        "en": "{site} opens {hours}; the stay is {stay}",
        "es": "{site} abre {hours}; la estadía es {stay}",
    },
    "hours_short": {
        "en": "{site} opens {hours}; the stay is {stay}: no {minutes}-min "
        "visit fits in both",
        "es": "{site} abre {hours}; la estadía es {stay}: ninguna visita de "
        "{minutes} min cabe en ambos",
    },
    "window": {
        "en": "a {minutes}-min visit at {site} (open {hours}) fits no day "
        "of the stay inside the delegation's day window {window}",
        "es": "una visita de {minutes} min a {site} (abre {hours}) no cabe "
        "ningún día de la estadía dentro de la franja diaria de la "
        "delegación, {window}",
    },
    "lunch": {
        "en": "a {minutes}-min visit at {site} leaves no room for the "
        "{lunch}-min lunch between {lunch_window}",
        "es": "una visita de {minutes} min a {site} no deja espacio para el "
        "almuerzo de {lunch} min entre {lunch_window}",
    },
    "travel": {
        "en": "{site} is {there} min from the lodging ({back} min back): "
        "with the rides, no {minutes}-min visit fits the day window "
        "{window} while it is open ({hours})",
        "es": "{site} está a {there} min del alojamiento ({back} min de "
        "regreso): con los trayectos, ninguna visita de {minutes} min cabe "
        "en la franja diaria {window} mientras está abierto ({hours})",
    },
    "no_presenters": {
        "en": "{department} has no presenters",
        "es": "{department} no tiene presentadores",
    },
    "language": {
        "en": "no presenter of {department} speaks {languages} "
        "(they speak {spoken})",
        "es": "ningún presentador de {department} habla {languages} "
        "(hablan {spoken})",
    },
    "presenters_away": {
        "en": "no presenter of {department} who speaks {languages} is "
        "available while {site} is open during the stay",
        "es": "ningún presentador de {department} que hable {languages} "
        "está disponible mientras {site} abre durante la estadía",
    },
    "capacity": {
        "en": "group of {size} > capacity {capacity} at {site}",
        "es": "grupo de {size} > capacidad {capacity} en {site}",
    },
    "access": {
        "en": "{site} is not accessible and the delegation needs "
        "accessible sites",
        "es": "{site} no es accesible y la delegación necesita sitios "
        "accesibles",
    },
    "no_vehicles": {
        "en": "there are no vehicles in the catalog",
        "es": "no hay vehículos en el catálogo",
    },
    "vehicles": {
        "en": "no vehicle pool can carry a group of {size} at once "
        "(largest: {largest})",
        "es": "ninguna flota de vehículos lleva a {size} personas a la vez "
        "(la mayor: {largest})",
    },
    "together": {
        "en": "no start at {site} fits opening hours, the day window, "
        "travel and lunch together",
        "es": "ninguna hora de inicio en {site} cumple a la vez el horario, "
        "la franja diaria, los trayectos y el almuerzo",
    },
    "together_with": {
        "en": "{reason} (together with: {earlier})",
        "es": "{reason} (junto con: {earlier})",
    },
    # topic requests: every site of the topic is ruled out
    "topic_access": {
        "en": 'no accessible site offers topic "{topic}"',
        "es": 'ningún sitio accesible ofrece el tema "{topic}"',
    },
    "topic_closed": {
        "en": 'every site with topic "{topic}" is closed during the stay',
        "es": 'todos los sitios con el tema "{topic}" están cerrados '
        "durante la estadía",
    },
    "topic_capacity": {
        "en": "group of {size} > capacity of every site with topic "
        '"{topic}" (largest {largest})',
        "es": "grupo de {size} > capacidad de todos los sitios con el tema "
        '"{topic}" (la mayor, {largest})',
    },
    "topic_sites": {
        "en": 'no site with topic "{topic}" fits: {each}',
        "es": 'ningún sitio con el tema "{topic}" sirve: {each}',
    },
    "more_sites": {
        "en": "{shown}; and {more} more site(s)",
        "es": "{shown}; y {more} sitio(s) más",
    },
    # --- outcompeted: it fits alone, not in this schedule -----------------
    "outcompeted": {
        "en": "outcompeted: {resource}; lost to {rivals}; it would be "
        "served with {change}",
        "es": "desplazada: {resource}; la ganó {rivals}; se atendería con "
        "{change}",
    },
    "outcompeted_own": {
        "en": "outcompeted: {resource}; it would be served with {change}",
        "es": "desplazada: {resource}; se atendería con {change}",
    },
    "stopped": {
        "en": "not placed: the solver stopped before reaching it (time limit)",
        "es": "sin ubicar: el solver se detuvo antes de llegar a ella "
        "(límite de tiempo)",
    },
    "stopped_idle": {
        "en": "not placed: the visit to {site} serves no request yet (the "
        "solver stopped early)",
        "es": "sin ubicar: la visita a {site} aún no atiende ninguna "
        "solicitud (el solver se detuvo antes)",
    },
    "no_start": {
        "en": "outcompeted: no start fits",
        "es": "desplazada: no cabe a ninguna hora",
    },
    "gave_way": {
        "en": "gave way to {delegation} (a coordinator's choice)",
        "es": "cedió su lugar a {delegation} (decisión de un coordinador)",
    },
    # resources
    "r_site_capacity": {
        "en": "site capacity at {site} ({capacity} people at once)",
        "es": "capacidad de {site} ({capacity} personas a la vez)",
    },
    "r_site_groups": {
        "en": "site capacity at {site} ({groups} delegation(s) at a time)",
        "es": "capacidad de {site} ({groups} delegación(es) a la vez)",
    },
    "r_presenters": {
        "en": "presenters of {department} busy",
        "es": "presentadores de {department} ocupados",
    },
    "r_vehicles": {
        "en": "vehicles all in use (pool {pool})",
        "es": "vehículos todos en uso (flota {pool})",
    },
    "r_day_full": {
        "en": "the delegation's own days are full ({most} visit(s) a day)",
        "es": "los días de la delegación están llenos ({most} visita(s) al "
        "día)",
    },
    "r_own_time": {
        "en": "the delegation's own days are full (its other visits, "
        "travel and lunch)",
        "es": "los días de la delegación están llenos (sus otras visitas, "
        "trayectos y almuerzo)",
    },
    "r_same_site": {
        "en": "the delegation already visits {site} for another request",
        "es": "la delegación ya visita {site} por otra solicitud",
    },
    "r_visits": {
        "en": "the delegation already visits {sites} for other requests",
        "es": "la delegación ya visita {sites} por otras solicitudes",
    },
    "more_rivals": {
        "en": "{shown} and {more} more",
        "es": "{shown} y {more} más",
    },
    # rivals: who holds the resource
    "rival": {
        "en": "{delegation} ({label}, priority {priority}, value {value})",
        "es": "{delegation} ({label}, prioridad {priority}, valor {value})",
    },
    "own_visits": {
        "en": "its own visits to {sites}",
        "es": "sus propias visitas a {sites}",
    },
    # the smallest change that would serve it
    "c_site_room": {
        "en": "room for {size} more people at {site} on {when}",
        "es": "cupo para {size} personas más en {site} el {when}",
    },
    "c_site_group": {
        "en": "one more group at a time at {site} on {when}",
        "es": "un grupo más a la vez en {site} el {when}",
    },
    "c_presenter": {
        "en": "{presenter} free on {when}",
        "es": "{presenter} libre el {when}",
    },
    "c_vehicles": {
        "en": "{need} more vehicle(s) of pool {pool} on {when}",
        "es": "{need} vehículo(s) más de la flota {pool} el {when}",
    },
    "c_day_full": {
        "en": "one more visit a day for the delegation on {when}",
        "es": "una visita más al día para la delegación el {when}",
    },
    "c_own_time": {
        "en": "its visit to {site} moved off {when}",
        "es": "su visita a {site} movida fuera del {when}",
    },
    "c_same_site": {
        "en": "the visit to {site} serving this request instead",
        "es": "la visita a {site} atendiendo esta solicitud en su lugar",
    },
    "or": {"en": " or ", "es": " o "},
    "and": {"en": " and ", "es": " y "},
    "never": {"en": "on no day", "es": "ningún día"},
}

KINDS: dict[str, str] = {
    "no_site": "topic",
    "topic_access": "access",
    "topic_closed": "closed",
    "topic_capacity": "capacity",
    "topic_sites": "topic sites",
    "no_stay": "stay",
    "closed": "closed",
    "closed_some": "closed",
    "hours": "opening hours",
    "hours_short": "opening hours",
    "window": "day window",
    "lunch": "lunch",
    "travel": "travel",
    "no_presenters": "presenters",
    "language": "language",
    "presenters_away": "presenters",
    "capacity": "capacity",
    "access": "access",
    "no_vehicles": "vehicles",
    "vehicles": "vehicles",
    "together": "day window",
    "outcompeted": "outcompeted",
    "outcompeted_own": "outcompeted",
    "no_start": "outcompeted",
    "stopped": "not placed",
    "stopped_idle": "not placed",
    "gave_way": "gave way",
}
"""The class of a reason (``Unserved.kind``): KPIs and what-if group by it."""

STATIC_KINDS = frozenset(KINDS.values()) - {
    "outcompeted",
    "not placed",
    "gave way",
}

WEEKDAY_NAMES: dict[Lang, tuple[str, ...]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
}
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


_PATTERNS = [
    (_pattern(TEXTS[key][lang]), kind)
    for key, kind in KINDS.items()
    for lang in ("en", "es")
]


_BESIDE = re.compile(r" \((?:together with|junto con): .*\)$", re.DOTALL)
"""The earlier facts a binding one is named with ("together_with")."""


def kind_of_words(text: str) -> str | None:
    """The kind of a reason given only its words (a database row, an older
    schedule), when they are words of this table; else None."""
    core = _BESIDE.sub("", text.strip())
    for pattern, kind in _PATTERNS:
        if pattern.fullmatch(core):
            return kind
    return None


def say(key: str, lang: Lang, **fields: object) -> str:
    """The entry ``key`` of ``TEXTS`` in ``lang``, its fields said too."""
    return TEXTS[key][lang].format(
        **{k: _said(v, lang) for k, v in fields.items()}
    )


def _said(value: object, lang: Lang) -> object:
    text = getattr(value, "text", None)
    return text(lang) if callable(text) else value


@dataclass(frozen=True)
class Reason:
    """One reason: a key of ``TEXTS`` and the fields its words need."""

    key: str
    fields: Mapping[str, object] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """The class of the binding fact (a wrapper's is the one inside)."""
        inner = self.fields.get("reason")
        if self.key not in KINDS and inner is not None:
            return str(getattr(inner, "kind", self.key))
        return KINDS.get(self.key, self.key)

    def text(self, lang: Lang) -> str:
        return say(self.key, lang, **self.fields)


@dataclass(frozen=True)
class Several:
    """Facts that each rule a request out alone: all named, shortest
    first (in the language shown)."""

    reasons: tuple[Phrase, ...]
    separator: str = "; "

    def text(self, lang: Lang) -> str:
        texts = sorted((r.text(lang) for r in self.reasons), key=len)
        return self.separator.join(texts)

    @property
    def kind(self) -> str:
        first = min(self.reasons, key=lambda r: len(r.text("en")))
        return str(getattr(first, "kind", ""))


@dataclass(frozen=True)
class Joined:
    """Names joined with "or"/"and" in the language shown."""

    items: tuple[str | Phrase, ...]
    word: Literal["or", "and"] = "or"

    def text_with(self, separator: str) -> Listed:
        """The items joined by ``separator`` only ("a, b, c")."""
        return Listed(self.items, separator)

    def text(self, lang: Lang) -> str:
        said = [str(_said(x, lang)) for x in self.items]
        if len(said) <= 1:
            return "".join(said)
        joint = TEXTS[self.word][lang]
        return ", ".join(said[:-1]) + joint + said[-1]


@dataclass(frozen=True)
class Listed:
    """Items joined by one separator in every language."""

    items: tuple[str | Phrase, ...]
    separator: str = ", "

    def text(self, lang: Lang) -> str:
        return self.separator.join(str(_said(x, lang)) for x in self.items)


@dataclass(frozen=True)
class Hours:
    """A site's weekly opening hours: "Tue-Sun 09:00-17:00"."""

    hours: WeeklyHours

    def text(self, lang: Lang) -> str:
        names = WEEKDAY_NAMES[lang]
        days = [
            " / ".join(
                f"{format_clock(lo)}-{format_clock(hi)}"
                for lo, hi in sorted(getattr(self.hours, key))
            )
            for key in WEEKDAY_KEYS
        ]
        groups: list[tuple[int, int, str]] = []
        for k, ranges in enumerate(days):
            if not ranges:
                continue
            if groups and groups[-1][1] == k - 1 and groups[-1][2] == ranges:
                groups[-1] = (groups[-1][0], k, ranges)
            else:
                groups.append((k, k, ranges))
        if not groups:
            return TEXTS["never"][lang]
        return ", ".join(
            f"{names[a]}-{names[b]} {r}" if b > a else f"{names[a]} {r}"
            for a, b, r in groups
        )


@dataclass(frozen=True)
class When:
    """A local moment ("Thu 10:00"), or a span ("Thu 10:00-11:30");
    with the date when the week is longer than seven days."""

    start: dt.datetime
    end: dt.datetime | None = None
    dated: bool = False

    def text(self, lang: Lang) -> str:
        name = WEEKDAY_NAMES[lang][self.start.weekday()]
        day = f"{name} {self.start:%Y-%m-%d}" if self.dated else name
        first = f"{day} {self.start:%H:%M}"
        if self.end is None:
            return first
        if self.end.date() == self.start.date():
            return f"{first}-{self.end:%H:%M}"
        return f"{first} - {When(self.end, None, self.dated).text(lang)}"


@dataclass(frozen=True)
class Stay:
    """A delegation's stay: "Mon 14:00 - Mon 20:00"."""

    arrival: dt.datetime
    departure: dt.datetime
    dated: bool = False

    def text(self, lang: Lang) -> str:
        return (
            f"{When(self.arrival, None, self.dated).text(lang)} - "
            f"{When(self.departure, None, self.dated).text(lang)}"
        )


@dataclass(frozen=True)
class Day:
    """A date as its weekday name and the date: "Tue 2026-12-01"."""

    date: dt.date

    def text(self, lang: Lang) -> str:
        return f"{WEEKDAY_NAMES[lang][self.date.weekday()]} {self.date}"


@dataclass(frozen=True)
class Dates:
    """Dates, joined with "and"."""

    dates: tuple[dt.date, ...]

    def text(self, lang: Lang) -> str:
        return Joined(
            tuple(Day(d).text(lang) for d in self.dates), "and"
        ).text(lang)


def clock_range(lo: int, hi: int) -> str:
    return f"{format_clock(lo)}-{format_clock(hi)}"
