"""report.html: one self-contained page for coordinators.

KPIs, a timeline per day (sites as rows with visits as bars labelled by
delegation; the same by delegation, with transfers and lunch), every
delegation's agenda and the unserved requests with their reasons. Styles
and charts are inline (hand-laid SVG from ``templates/report.html.j2``): the
file opens offline and can be mailed as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jinja2 import (
    Environment,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)

from exports.agenda import AgendaItem, delegation_days
from exports.i18n import Lang, kpi_label, long_date, reply_word, word
from exports.tables import (
    is_share,
    kpi_rows,
    request_text,
    unserved_rows,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping
    from pathlib import Path

    from scheduler.model import Delegation, Instance, Schedule

# Tableau 10: distinct, print-safe, white text stays legible on each.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#b07aa1",
    "#9c755f",
    "#edc948",
    "#ff9da7",
    "#bab0ac",
)
DARK_TEXT = {"#edc948", "#ff9da7", "#bab0ac", "#76b7b2", "#f28e2b"}
LABEL_WIDTH = 240
HOUR_WIDTH = 84
LANE_HEIGHT = 24
BAR_HEIGHT = 19
AXIS_HEIGHT = 22
CHAR_WIDTH = 6.4  # px per character of the 11 px bar labels
HEADLINE_KPIS = (
    "served_value",
    "served_share",
    "required_served",
    "visits",
    "delegations_with_visit",
    "travel_minutes",
    "status",
    "gap",
    "wall_s",
)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    fill: str
    text_fill: str
    label: str
    title: str
    kind: str


@dataclass(frozen=True)
class Row:
    y: float
    height: float
    label: str
    title: str


@dataclass
class Chart:
    width: float
    height: float
    ticks: list[tuple[float, str]]
    rows: list[Row] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)


@dataclass(frozen=True)
class Span:
    """A bar before layout: minutes of the day, text and colour."""

    start: int
    end: int
    label: str
    title: str
    fill: str
    kind: str


def _clock(moment: dt.datetime) -> int:
    return moment.hour * 60 + moment.minute


def fit_label(text: str, width: float) -> str:
    """The label cut to the bar's width, with an ellipsis when cut."""
    room = int((width - 8) / CHAR_WIDTH)
    if room <= 1:
        return ""
    return text if len(text) <= room else text[: room - 1] + "…"


def stack_lanes(spans: list[Span]) -> list[int]:
    """Lane per span so overlapping spans (groups sharing a site) stack."""
    ends: list[int] = []
    lanes = []
    for span in spans:
        for lane, end in enumerate(ends):
            if end <= span.start:
                ends[lane] = span.end
                lanes.append(lane)
                break
        else:
            ends.append(span.end)
            lanes.append(len(ends) - 1)
    return lanes


def layout(
    rows: list[tuple[str, str, list[Span]]], hours: tuple[int, int]
) -> Chart:
    """Place rows of spans on an hour axis; pixel geometry for the SVG."""
    first, last = hours
    width = LABEL_WIDTH + (last - first) * HOUR_WIDTH + 24
    chart = Chart(
        width=width,
        height=0,
        ticks=[
            (LABEL_WIDTH + (h - first) * HOUR_WIDTH, f"{h:02d}:00")
            for h in range(first, last + 1)
        ],
    )
    y = float(AXIS_HEIGHT)
    for label, title, spans in rows:
        spans = sorted(spans, key=lambda s: (s.start, s.end))
        lanes = stack_lanes(spans)
        count = max(lanes, default=0) + 1
        chart.rows.append(
            Row(
                y=y,
                height=count * LANE_HEIGHT,
                label=fit_label(label, LABEL_WIDTH + 20),
                title=title,
            )
        )
        for span, lane in zip(spans, lanes, strict=True):
            x = LABEL_WIDTH + (span.start / 60 - first) * HOUR_WIDTH
            bar_width = max((span.end - span.start) / 60 * HOUR_WIDTH, 2.0)
            chart.bars.append(
                Bar(
                    x=round(x, 1),
                    y=y + lane * LANE_HEIGHT + (LANE_HEIGHT - BAR_HEIGHT) / 2,
                    width=round(bar_width, 1),
                    fill=span.fill,
                    text_fill="#222" if span.fill in DARK_TEXT else "#fff",
                    label=fit_label(span.label, bar_width),
                    title=span.title,
                    kind=span.kind,
                )
            )
        y += count * LANE_HEIGHT
    chart.height = y + 4
    return chart


def _hhmm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def _item_text(item: AgendaItem, lang: Lang) -> str:
    assert item.site is not None or item.kind == "lunch"
    if item.kind == "visit":
        assert item.site is not None
        return word("agenda_visit", lang, site=item.site.name)
    if item.kind == "transfer":
        assert item.site is not None
        return word("transfer_to", lang, site=item.site.name)
    return word("lunch", lang)


def report_context(
    schedule: Schedule,
    instance: Instance,
    lang: Lang,
    stamp: dt.datetime,
    replies: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the template shows, already in words and pixels."""
    catalog = instance.catalog
    sites = {s.id: s for s in catalog.sites}
    presenters = {p.id: p for p in catalog.presenters}
    colours = {
        d.id: PALETTE[i % len(PALETTE)]
        for i, d in enumerate(instance.delegations)
    }
    agendas = {
        d.id: delegation_days(schedule, instance, d.id)
        for d in instance.delegations
    }
    minutes = [
        (_clock(item.start), _clock(item.end) or 1440)
        for days in agendas.values()
        for items in days.values()
        for item in items
    ]
    hours = (
        min([8, *(math.floor(a / 60) for a, _ in minutes)]),
        max([18, *(math.ceil(b / 60) for _, b in minutes)]),
    )
    dates = sorted({date for days in agendas.values() for date in days})
    timelines = [
        _day_timeline(date, instance, agendas, colours, hours, lang)
        for date in dates
    ]
    return {
        "lang": lang,
        "w": lambda key, **kw: word(key, lang, **kw),
        "title": word("report_title", lang, name=instance.name),
        "generated": word(
            "generated",
            lang,
            stamp=stamp.astimezone(catalog.zone).strftime("%Y-%m-%d %H:%M")
            + f" ({catalog.timezone})",
            solver=schedule.solver.name,
            status=schedule.solver.status,
        ),
        "headline": _headline(schedule, lang),
        "kpis": [
            (_kpi_name(key, lang), key, _show(value, key))
            for key, value in kpi_rows(schedule)
        ],
        "timelines": timelines,
        "agendas": [
            _agenda_view(
                d,
                agendas[d.id],
                colours[d.id],
                instance,
                lang,
                sites,
                presenters,
                replies,
            )
            for d in instance.delegations
        ],
        "unserved": [
            (row, request_text(instance, row.delegation, row.request, lang))
            for row in unserved_rows(schedule, instance, lang)
        ],
    }


def _day_timeline(
    date: dt.date,
    instance: Instance,
    agendas: dict[str, dict[dt.date, list[AgendaItem]]],
    colours: dict[str, str],
    hours: tuple[int, int],
    lang: Lang,
) -> dict[str, Any]:
    """One day's two timelines: rows by site and rows by delegation."""
    presenters = {p.id: p for p in instance.catalog.presenters}
    catalog = instance.catalog
    by_site: dict[str, list[Span]] = {}
    by_delegation: list[tuple[str, str, list[Span]]] = []
    for delegation in instance.delegations:
        spans = []
        for item in agendas[delegation.id].get(date, []):
            text = _item_text(item, lang)
            span_title = f"{_hhmm(item.start)}–{_hhmm(item.end)} {text}"
            start, end = _clock(item.start), _clock(item.end) or 1440
            if item.kind == "visit":
                assert item.visit is not None and item.site is not None
                presenter = presenters.get(item.visit.presenter or "")
                who = (
                    presenter.name if presenter else word("self_guided", lang)
                )
                by_site.setdefault(item.site.id, []).append(
                    Span(
                        start,
                        end,
                        delegation.name,
                        f"{_hhmm(item.start)}–{_hhmm(item.end)} "
                        f"{delegation.name} ({delegation.size}) · {who}",
                        colours[delegation.id],
                        "visit",
                    )
                )
                spans.append(
                    Span(
                        start,
                        end,
                        item.site.name,
                        span_title,
                        colours[delegation.id],
                        "visit",
                    )
                )
            else:
                label = word("lunch", lang) if item.kind == "lunch" else ""
                spans.append(
                    Span(
                        start,
                        end,
                        label,
                        span_title,
                        "#f3e3b5" if item.kind == "lunch" else "#ccc",
                        item.kind,
                    )
                )
        if spans:
            by_delegation.append((delegation.name, delegation.name, spans))
    site_rows = [
        (site.name, site.name, by_site[site.id])
        for site in catalog.sites
        if site.id in by_site
    ]
    return {
        "date": long_date(date, lang),
        "anchor": f"day-{date.isoformat()}",
        "by_site": layout(site_rows, hours),
        "by_delegation": layout(by_delegation, hours),
    }


def _agenda_view(
    delegation: Delegation,
    days: dict[dt.date, list[AgendaItem]],
    colour: str,
    instance: Instance,
    lang: Lang,
    sites: dict[str, Any],
    presenters: dict[str, Any],
    replies: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    rows_by_day = []
    for date, items in days.items():
        rows = []
        for item in items:
            place = who = ""
            if item.kind == "visit":
                assert item.visit is not None and item.site is not None
                place = item.site.address or item.site.name
                presenter = presenters.get(item.visit.presenter or "")
                who = (
                    f"{presenter.name} "
                    f"({reply_word((replies or {}).get(item.visit.id), lang)})"
                    if presenter
                    else word("self_guided", lang)
                )
            elif item.kind == "transfer":
                minutes = int((item.end - item.start).total_seconds() // 60)
                place = (
                    word(
                        "transfer_from_site",
                        lang,
                        site=item.origin.name,
                        minutes=minutes,
                    )
                    if item.origin is not None
                    else word("transfer_from_lodging", lang, minutes=minutes)
                )
            rows.append(
                {
                    "time": f"{_hhmm(item.start)}–{_hhmm(item.end)}",
                    "kind": item.kind,
                    "text": _item_text(item, lang),
                    "place": place,
                    "who": who,
                }
            )
        rows_by_day.append({"date": long_date(date, lang), "rows": rows})
    arrival = instance.local(delegation.arrival)
    departure = instance.local(delegation.departure)
    facts = [
        delegation.organization,
        delegation.country,
        word("people", lang, n=delegation.size),
        ", ".join(delegation.languages),
        delegation.email,
    ]
    return {
        "id": delegation.id,
        "name": delegation.name,
        "colour": colour,
        "facts": " · ".join(f for f in facts if f),
        "stay": f"{arrival:%Y-%m-%d %H:%M} – {departure:%Y-%m-%d %H:%M}",
        "days": rows_by_day,
    }


def _kpi_name(key: str, lang: Lang) -> str:
    head, _, rest = key.partition(".")
    label = kpi_label(head, lang)
    return f"{label}: {rest}" if rest else label


def _show(value: Any, key: str = "") -> str:
    """Numbers as people read them: shares as %, floats to 2 places."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if is_share(key) and isinstance(value, (int, float)):
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _headline(schedule: Schedule, lang: Lang) -> list[tuple[str, str, str]]:
    """The cards at the top: (label, big value, small print)."""
    kpis = dict(schedule.kpis)
    kpis.setdefault("visits", len(schedule.visits))
    kpis.setdefault("status", schedule.solver.status)
    kpis.setdefault("wall_s", schedule.solver.wall_s)
    cards: list[tuple[str, str, str]] = []
    for key in HEADLINE_KPIS:
        if kpis.get(key) is None or isinstance(kpis[key], (dict, list)):
            continue
        value = kpis[key]
        small = ""
        if key == "served_value" and "requested_value" in kpis:
            small = f"/ {_show(kpis['requested_value'])}"
        if key == "required_served" and "required_total" in kpis:
            small = f"/ {_show(kpis['required_total'])}"
        if key == "delegations_with_visit" and "delegations_total" in kpis:
            small = f"/ {_show(kpis['delegations_total'])}"
        cards.append((kpi_label(key, lang), _show(value, key), small))
    return cards


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("exports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(
    schedule: Schedule,
    instance: Instance,
    *,
    lang: Lang,
    stamp: dt.datetime,
    replies: Mapping[str, str] | None = None,
) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(
        **report_context(schedule, instance, lang, stamp, replies)
    )


def write_html(
    schedule: Schedule,
    instance: Instance,
    path: Path,
    *,
    lang: Lang,
    stamp: dt.datetime,
    replies: Mapping[str, str] | None = None,
) -> Path:
    path.write_text(
        render_report(
            schedule, instance, lang=lang, stamp=stamp, replies=replies
        ),
        encoding="utf-8",
    )
    return path
