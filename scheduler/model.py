"""The domain model: catalog, week, and the schedule every solver returns.

Entities are frozen pydantic models validated at the boundary. Clock times
("HH:MM-HH:MM") are parsed here into integer minutes from midnight; the
compilation into minutes from the horizon start lives in ``problem.py``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from scheduler.problem.windows import format_clock

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_clock(text: str) -> int:
    """Minutes from midnight for "HH:MM" (24:00 allowed as an end)."""
    m = _HHMM.match(text)
    if not m:
        raise ValueError(
            f'"{text}" is not a time; write it as HH:MM, e.g. 08:30'
        )
    hours, minutes = int(m.group(1)), int(m.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f'"{text}" is not a time of day (00:00 to 24:00)')
    return hours * 60 + minutes


def _parse_range(value: Any) -> Any:
    if isinstance(value, str):
        parts = value.split("-")
        if len(parts) != 2:
            raise ValueError(
                f'"{value}" is not a time range; write it as HH:MM-HH:MM, '
                "e.g. 08:00-12:00"
            )
        start, end = parse_clock(parts[0]), parse_clock(parts[1])
        if end <= start:
            raise ValueError(
                f'"{value}" ends before it starts; a range runs forward '
                "within one day"
            )
        return (start, end)
    if not isinstance(value, tuple):
        # A list is what a file gives ([8, 17] would read as minutes
        # 8 to 17); only the program's own (start, end) tuples pass.
        raise ValueError(
            f"{value!r} is not a time range; write it as HH:MM-HH:MM in "
            'quotes, e.g. "08:00-12:00"'
        )
    return value


def same_kind(a: dt.datetime, b: dt.datetime) -> None:
    """Both local wall-clock times, or both with a UTC offset."""
    if (a.tzinfo is None) != (b.tzinfo is None):
        raise ValueError(
            "one date-time has a UTC offset and the other not; write both "
            "as local date-times, e.g. 2026-11-23T09:00"
        )


def _format_range(value: tuple[int, int]) -> str:
    return f"{format_clock(value[0])}-{format_clock(value[1])}"


def _not_yes_no(value: Any) -> Any:
    """YAML reads yes/no/on/off/true/false as booleans, which Python
    would take as 1 and 0: refuse them where a number is meant."""
    if isinstance(value, bool):
        raise ValueError(
            f"{str(value).lower()} is a yes/no value, not a number; write "
            "a number (unquoted yes, no, on, off, true and false read as "
            "yes/no values)"
        )
    return value


Whole = Annotated[int, BeforeValidator(_not_yes_no)]
"""An integer from a file; booleans refused."""

Real = Annotated[float, BeforeValidator(_not_yes_no)]
"""A finite number from a file (the models refuse inf and nan)."""

FIRST_YEAR, LAST_YEAR = 1900, 2999


def _in_years(value: dt.date) -> dt.date:
    """Dates far from ours overflow date arithmetic; refuse them early."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(
            f"year {value.year} is out of range; write a date between "
            f"{FIRST_YEAR} and {LAST_YEAR}"
        )
    return value


Day = Annotated[dt.date, AfterValidator(_in_years)]
Moment = Annotated[dt.datetime, AfterValidator(_in_years)]
Instant = Annotated[AwareDatetime, AfterValidator(_in_years)]
"""A date-time with its UTC offset, as schedules are written."""


TimeRange = Annotated[
    tuple[int, int],
    BeforeValidator(_parse_range),
    PlainSerializer(_format_range, return_type=str),
]
"""A half-open clock range [start, end) in minutes from midnight."""

ID_MAX = 64
"""Ids name files (``ics/presenters/<id>.ics``); 64 fits every file system."""

Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=ID_MAX,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
    ),
]
Language = Annotated[str, Field(pattern=r"^[a-z]{2}$")]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class LatLon(Frozen):
    lat: Real = Field(ge=-90, le=90, description="Latitude, degrees.")
    lon: Real = Field(ge=-180, le=180, description="Longitude, degrees.")


class WeeklyHours(Frozen):
    """Clock ranges per weekday; a day not listed is closed."""

    mon: list[TimeRange] = Field(default_factory=list)
    tue: list[TimeRange] = Field(default_factory=list)
    wed: list[TimeRange] = Field(default_factory=list)
    thu: list[TimeRange] = Field(default_factory=list)
    fri: list[TimeRange] = Field(default_factory=list)
    sat: list[TimeRange] = Field(default_factory=list)
    sun: list[TimeRange] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_overlap(self) -> WeeklyHours:
        for day in WEEKDAYS:
            ranges = sorted(getattr(self, day))
            for first, second in itertools.pairwise(ranges):
                if second[0] < first[1]:
                    raise ValueError(
                        f"{day}: ranges {_format_range(first)} and "
                        f"{_format_range(second)} overlap; merge them into "
                        "one range"
                    )
        return self

    def on(self, date: dt.date) -> list[tuple[int, int]]:
        """Sorted clock ranges open on ``date``."""
        return sorted(getattr(self, WEEKDAYS[date.weekday()]))


class DateTimeRange(Frozen):
    start: Moment
    end: Moment

    @model_validator(mode="after")
    def _forward(self) -> DateTimeRange:
        same_kind(self.start, self.end)
        if self.end <= self.start:
            raise ValueError("end must come after start")
        return self


# --- catalog ---------------------------------------------------------------


class Department(Frozen):
    id: Id
    name: str
    email: str = ""


class Site(Frozen):
    id: Id
    name: str
    address: str = ""
    location: LatLon
    department: str = Field(description="Id of the host department.")
    topics: list[str] = Field(default_factory=list)
    visit_minutes: Whole = Field(gt=0, le=720)
    capacity: Whole = Field(
        gt=0, le=100_000, description="People on site at once."
    )
    max_groups: Whole = Field(
        default=1, gt=0, le=1000, description="Delegations at once."
    )
    opening_hours: WeeklyHours
    closed: list[Day] = Field(default_factory=list)
    accessible: bool = Field(
        default=False, description="Unknown is not accessible."
    )
    presenter_required: bool = True


class Presenter(Frozen):
    id: Id
    name: str
    department: str
    email: str = ""
    languages: list[Language] = Field(min_length=1)
    availability: WeeklyHours | None = Field(
        default=None, description="None: whenever the department's sites open."
    )
    unavailable: list[DateTimeRange] = Field(default_factory=list)
    max_visits_per_day: Whole = Field(default=3, gt=0, le=48)


class VehiclePool(Frozen):
    id: Id
    seats: Whole = Field(gt=0, le=1000)
    count: Whole = Field(ge=0, le=10_000)


class TravelEntry(Frozen):
    """An explicit travel time; it holds both ways unless the reverse is given."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True
    )
    origin: str = Field(alias="from")
    to: str
    minutes: Whole = Field(ge=0, le=1440)


class TravelSettings(Frozen):
    detour_factor: Real = Field(default=1.4, ge=1, le=10)
    speed_kmh: Real = Field(default=20.0, ge=1, le=300)
    buffer_minutes: Whole = Field(default=10, ge=0, le=240)
    matrix: list[TravelEntry] = Field(default_factory=list)


class Organizer(Frozen):
    name: str
    email: str


class IntakeRules(Frozen):
    """The protocol office's eligibility rules for a request (`visits
    intake`); the defaults accept everything."""

    min_lead_days: Whole = Field(
        default=0,
        ge=0,
        le=3650,
        description="Days at least between submission and arrival.",
    )
    weekdays_only: bool = Field(
        default=False,
        description="Visits Monday to Friday only: a stay needs a weekday.",
    )
    min_stay_days: Whole = Field(
        default=1, ge=1, le=366, description="Calendar days at least."
    )
    max_stay_days: Whole = Field(
        default=366, ge=1, le=366, description="Calendar days at most."
    )
    topic_repeat_months: Whole = Field(
        default=0,
        ge=0,
        le=120,
        description="One visit per topic (or site) per organization in "
        "this many months; 0: no limit.",
    )
    max_delegations_per_week: Whole = Field(
        default=0,
        ge=0,
        le=10_000,
        description="Accepted delegations a week at most, later ones "
        "waitlisted; 0: no limit.",
    )

    @model_validator(mode="after")
    def _stay_bounds(self) -> IntakeRules:
        if self.max_stay_days < self.min_stay_days:
            raise ValueError(
                f"max_stay_days {self.max_stay_days} is below "
                f"min_stay_days {self.min_stay_days}; raise it"
            )
        return self


class Catalog(Frozen):
    name: str = "catalog"
    timezone: str = "America/Bogota"
    organizer: Organizer
    departments: list[Department]
    sites: list[Site]
    presenters: list[Presenter] = Field(default_factory=list)
    vehicles: list[VehiclePool] = Field(default_factory=list)
    travel: TravelSettings = Field(default_factory=TravelSettings)
    intake: IntakeRules = Field(default_factory=IntakeRules)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f'"{value}" is not an IANA time zone, e.g. America/Bogota'
            ) from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def site(self, site_id: str) -> Site:
        return self._sites[site_id]

    def department(self, department_id: str) -> Department:
        return {d.id: d for d in self.departments}[department_id]

    def presenter(self, presenter_id: str) -> Presenter:
        return {p.id: p for p in self.presenters}[presenter_id]

    def presenters_of(self, department_id: str) -> list[Presenter]:
        return [p for p in self.presenters if p.department == department_id]

    def sites_with_topic(self, topic: str) -> list[Site]:
        return [s for s in self.sites if topic in s.topics]

    @property
    def _sites(self) -> dict[str, Site]:
        return {s.id: s for s in self.sites}


# --- week ------------------------------------------------------------------


class Horizon(Frozen):
    start: Day = Field(description="First day, local.")
    days: Whole = Field(default=5, ge=1, le=31)
    slot_minutes: Whole = Field(default=15, ge=1, le=240)

    @field_validator("slot_minutes")
    @classmethod
    def _divides_day(cls, value: int) -> int:
        if 1440 % value:
            raise ValueError(
                f"{value} does not divide a day; use 5, 10, 15, 20, 30 or 60"
            )
        return value

    @property
    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]


class Request(Frozen):
    """A wish for a named site, or for any site with a topic."""

    site: str | None = None
    topic: str | None = None
    weight: Whole = Field(default=1, ge=1, le=100)
    required: bool = False

    @model_validator(mode="after")
    def _one_target(self) -> Request:
        if (self.site is None) == (self.topic is None):
            raise ValueError(
                "give exactly one of site or topic, e.g. {site: ruta-n} "
                "or {topic: innovation}"
            )
        return self

    @property
    def label(self) -> str:
        return f"site:{self.site}" if self.site else f"topic:{self.topic}"


class Lunch(Frozen):
    window: TimeRange = (12 * 60, 14 * 60)
    minutes: Whole = Field(default=60, ge=0)

    @model_validator(mode="after")
    def _fits(self) -> Lunch:
        if self.minutes > self.window[1] - self.window[0]:
            raise ValueError("lunch minutes do not fit in the lunch window")
        return self


class Delegation(Frozen):
    id: Id
    name: str
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1.")
    organization: str = ""
    size: Whole = Field(ge=1, le=500)
    languages: list[Language] = Field(min_length=1)
    arrival: Moment = Field(description="Local date-time.")
    departure: Moment = Field(description="Local date-time.")
    day_window: TimeRange = (8 * 60, 18 * 60)
    lunch: Lunch = Field(default_factory=Lunch)
    max_visits_per_day: Whole = Field(default=3, ge=1, le=12)
    lodging: LatLon
    priority: Whole = Field(default=1, ge=1, le=5)
    accessible_only: bool = False
    email: str = ""
    requests: list[Request] = Field(default_factory=list)

    @model_validator(mode="after")
    def _stay_forward(self) -> Delegation:
        same_kind(self.arrival, self.departure)
        if self.departure <= self.arrival:
            raise ValueError(
                f"departure {self.departure} is not after arrival "
                f"{self.arrival}; check the two dates"
            )
        return self

    def value(self, request_index: int) -> int:
        """Served value of a request: weight × priority."""
        return self.requests[request_index].weight * self.priority


class LockedVisit(Frozen):
    """A visit fixed by hand; the solver keeps it exactly."""

    delegation: str
    site: str
    start: Moment = Field(
        description="Local date-time, or one with its UTC offset."
    )
    presenter: str | None = None


class Instance(Frozen):
    """A week of requests against a catalog: what every solver reads."""

    name: str
    catalog: Catalog
    horizon: Horizon
    delegations: list[Delegation] = Field(default_factory=list)
    locked: list[LockedVisit] = Field(default_factory=list)

    def delegation(self, delegation_id: str) -> Delegation:
        return {d.id: d for d in self.delegations}[delegation_id]

    def local(self, value: dt.datetime) -> dt.datetime:
        """A naive local date-time made aware in the catalog's zone."""
        if value.tzinfo is None:
            return value.replace(tzinfo=self.catalog.zone)
        return value.astimezone(self.catalog.zone)

    def minute(self, value: dt.datetime) -> int:
        """Minutes from the horizon's first midnight, by the local clock."""
        local = self.local(value)
        days = (local.date() - self.horizon.start).days
        return days * 1440 + local.hour * 60 + local.minute

    def at(self, minute: int) -> dt.datetime:
        """The aware local date-time of a horizon minute."""
        day, rest = divmod(minute, 1440)
        date = self.horizon.start + dt.timedelta(days=day)
        return dt.datetime.combine(
            date, dt.time(rest // 60, rest % 60), tzinfo=self.catalog.zone
        )


# --- schedule --------------------------------------------------------------


def visit_id(delegation: str, site: str) -> str:
    """Stable across re-plans: one visit per delegation and site."""
    return f"{delegation}--{site}"


class Visit(Frozen):
    id: str
    delegation: str
    site: str
    presenter: str | None = None
    start: Instant
    end: Instant
    request: Whole | None = Field(
        default=None, ge=0, description="0-based index of the request served."
    )
    travel_minutes_before: Whole = Field(default=0, ge=0, le=1440)
    vehicle_pool: str | None = None

    @model_validator(mode="after")
    def _forward(self) -> Visit:
        if self.end <= self.start:
            raise ValueError(
                f"visit {self.id} ends ({self.end.isoformat()}) before it "
                f"starts ({self.start.isoformat()}); end must be after start"
            )
        return self


class Unserved(Frozen):
    delegation: str
    request: Whole = Field(ge=0)
    reason: str
    """In English; ``reason_es`` in Spanish (both from one table)."""
    reason_es: str | None = None
    kind: str | None = Field(
        default=None,
        description="The class of the binding fact: closed, opening hours, "
        "day window, lunch, travel, presenters, language, capacity, access, "
        "vehicles, topic, outcompeted, not placed.",
    )

    def words(self, lang: str) -> str:
        """The reason in ``lang`` (English when no Spanish was kept)."""
        if lang == "es" and self.reason_es:
            return self.reason_es
        return self.reason


class SolverInfo(Frozen):
    name: str
    status: str
    objective: Real | None = None
    bound: Real | None = None
    wall_s: Real = Field(default=0.0, ge=0)


class Schedule(Frozen):
    instance: str
    solver: SolverInfo
    visits: list[Visit] = Field(default_factory=list)
    unserved: list[Unserved] = Field(default_factory=list)
    kpis: dict[str, Any] = Field(default_factory=dict)

    def visits_of(self, delegation: str) -> list[Visit]:
        return sorted(
            (v for v in self.visits if v.delegation == delegation),
            key=lambda v: v.start,
        )


Status = Literal[
    "OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "MODEL_INVALID"
]
