"""Every word the exports show people, in Spanish and English.

One table so a translator edits one place, and no export writes a literal
a reader sees. ``word(key, lang, **fields)`` formats the entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import datetime as dt

Lang = Literal["es", "en"]
LANGS: tuple[Lang, ...] = ("es", "en")

WORDS: dict[str, dict[Lang, str]] = {
    # calendar events
    "visit_summary": {
        "es": "Visita: {delegation} — {site}",
        "en": "Visit: {delegation} — {site}",
    },
    "agenda_visit": {"es": "Visita: {site}", "en": "Visit: {site}"},
    "transfer_to": {"es": "Traslado a {site}", "en": "Transfer to {site}"},
    "transfer_from_lodging": {
        "es": "Desde el alojamiento, {minutes} min",
        "en": "From the hotel, {minutes} min",
    },
    "transfer_from_site": {
        "es": "Desde {site}, {minutes} min",
        "en": "From {site}, {minutes} min",
    },
    "lunch": {"es": "Almuerzo", "en": "Lunch"},
    "lunch_break": {
        "es": "Pausa para almorzar ({minutes} min)",
        "en": "Lunch break ({minutes} min)",
    },
    "calendar_presenter": {
        "es": "Visitas — {name}",
        "en": "Visits — {name}",
    },
    "calendar_department": {
        "es": "Visitas recibidas — {name}",
        "en": "Hosted visits — {name}",
    },
    "calendar_delegation": {"es": "Agenda — {name}", "en": "Agenda — {name}"},
    "cancelled_summary": {
        "es": "Cancelada: {delegation} — {site}",
        "en": "Cancelled: {delegation} — {site}",
    },
    "change_reason": {"es": "Cambio: {reason}", "en": "Change: {reason}"},
    "changes_added": {
        "es": "{n} visita(s) nueva(s)",
        "en": "{n} new visit(s)",
    },
    "changes_moved": {"es": "{n} cambiada(s) de hora", "en": "{n} moved"},
    "changes_presenter": {
        "es": "{n} con otro presentador",
        "en": "{n} with another presenter",
    },
    "changes_cancelled": {"es": "{n} cancelada(s)", "en": "{n} cancelled"},
    "changes_agenda": {"es": "agenda actualizada", "en": "agenda updated"},
    "reply": {"es": "Respuesta", "en": "Reply"},
    "reply_accepted": {"es": "aceptó", "en": "accepted"},
    "reply_declined": {"es": "rechazó", "en": "declined"},
    "reply_tentative": {"es": "tentativo", "en": "tentative"},
    "reply_awaiting": {"es": "sin respuesta", "en": "awaiting reply"},
    # description lines
    "delegation": {"es": "Delegación", "en": "Delegation"},
    "organization": {"es": "Organización", "en": "Organization"},
    "country": {"es": "País", "en": "Country"},
    "group_size": {"es": "Tamaño del grupo", "en": "Group size"},
    "people": {"es": "{n} personas", "en": "{n} people"},
    "languages": {"es": "Idiomas", "en": "Languages"},
    "contact": {"es": "Contacto", "en": "Contact"},
    "purpose": {"es": "Propósito", "en": "Purpose"},
    "purpose_site": {
        "es": "solicitud de visitar {site}",
        "en": "request to visit {site}",
    },
    "purpose_topic": {
        "es": "solicitud sobre el tema «{topic}» (en {site})",
        "en": "request on the topic “{topic}” (at {site})",
    },
    "purpose_locked": {
        "es": "visita fijada por la coordinación",
        "en": "visit fixed by the coordinators",
    },
    "host": {"es": "Anfitrión", "en": "Host"},
    "presenter": {"es": "Presentador(a)", "en": "Presenter"},
    "self_guided": {"es": "visita autoguiada", "en": "self-guided visit"},
    "address": {"es": "Dirección", "en": "Address"},
    "transfer_before": {"es": "Traslado previo", "en": "Transfer before"},
    "minutes_short": {"es": "{n} min", "en": "{n} min"},
    "vehicle_pool": {"es": "Vehículos", "en": "Vehicles"},
    "organizer": {"es": "Organiza", "en": "Organizer"},
    # table headers
    "id": {"es": "ID", "en": "ID"},
    "date": {"es": "Fecha", "en": "Date"},
    "start": {"es": "Inicio", "en": "Start"},
    "end": {"es": "Fin", "en": "End"},
    "site": {"es": "Sitio", "en": "Site"},
    "department": {"es": "Dependencia", "en": "Department"},
    "request": {"es": "Solicitud", "en": "Request"},
    "topic": {"es": "tema", "en": "topic"},
    "request_no": {"es": "N.º solicitud", "en": "Request no."},
    "weight": {"es": "Peso", "en": "Weight"},
    "priority": {"es": "Prioridad", "en": "Priority"},
    "required": {"es": "Obligatoria", "en": "Required"},
    "value": {"es": "Valor", "en": "Value"},
    "reason": {"es": "Motivo", "en": "Reason"},
    "travel_minutes": {"es": "Traslado (min)", "en": "Transfer (min)"},
    "kpi": {"es": "Indicador", "en": "Indicator"},
    "time": {"es": "Hora", "en": "Time"},
    "activity": {"es": "Actividad", "en": "Activity"},
    "place": {"es": "Lugar", "en": "Place"},
    "visits": {"es": "Visitas", "en": "Visits"},
    "yes": {"es": "sí", "en": "yes"},
    "no": {"es": "no", "en": "no"},
    # report
    "report_title": {
        "es": "Agenda de visitas — {name}",
        "en": "Visit schedule — {name}",
    },
    "generated": {
        "es": "Generado {stamp} · solucionador {solver} ({status})",
        "en": "Generated {stamp} · solver {solver} ({status})",
    },
    "kpis": {"es": "Indicadores", "en": "Indicators"},
    "all_kpis": {"es": "Todos los indicadores", "en": "All indicators"},
    "timelines": {"es": "Cronograma por día", "en": "Timeline by day"},
    "timeline_by_site": {
        "es": "Cronograma por sitio",
        "en": "Timeline by site",
    },
    "timeline_by_delegation": {
        "es": "Cronograma por delegación",
        "en": "Timeline by delegation",
    },
    "agendas": {
        "es": "Agenda de cada delegación",
        "en": "Each delegation's agenda",
    },
    "unserved": {"es": "Solicitudes no atendidas", "en": "Unserved requests"},
    "no_visits": {"es": "Sin visitas.", "en": "No visits."},
    "no_unserved": {
        "es": "Todas las solicitudes fueron atendidas.",
        "en": "Every request was served.",
    },
    "stay": {"es": "Estancia", "en": "Stay"},
    "legend_transfer": {"es": "traslado", "en": "transfer"},
    "legend_lunch": {"es": "almuerzo", "en": "lunch"},
    "contents": {"es": "Contenido", "en": "Contents"},
    # KPI names (keys of Schedule.kpis; unknown keys show as they are)
    "kpi.served_value": {"es": "Valor atendido", "en": "Served value"},
    "kpi.requested_value": {"es": "Valor solicitado", "en": "Requested value"},
    "kpi.served_share": {
        "es": "Proporción del valor atendido",
        "en": "Share of value served",
    },
    "kpi.required_served": {
        "es": "Obligatorias atendidas",
        "en": "Required served",
    },
    "kpi.required_total": {
        "es": "Obligatorias en total",
        "en": "Required in total",
    },
    "kpi.visits": {"es": "Visitas", "en": "Visits"},
    "kpi.delegations_with_visit": {
        "es": "Delegaciones con alguna visita",
        "en": "Delegations with a visit",
    },
    "kpi.delegations_total": {
        "es": "Delegaciones en total",
        "en": "Delegations in total",
    },
    "kpi.unserved_total": {
        "es": "Solicitudes no atendidas",
        "en": "Unserved requests",
    },
    "kpi.vans_used": {
        "es": "Vehículos usados a la vez (máx.)",
        "en": "Vehicles in use at once (max)",
    },
    "kpi.unserved_by_reason": {
        "es": "No atendidas por motivo",
        "en": "Unserved by reason",
    },
    "kpi.unserved_by_topic": {
        "es": "No atendidas por tema",
        "en": "Unserved by topic",
    },
    "kpi.travel_minutes": {
        "es": "Minutos de traslado",
        "en": "Travel minutes",
    },
    "kpi.site_utilization": {
        "es": "Ocupación de sitios",
        "en": "Site utilization",
    },
    "kpi.presenter_utilization": {
        "es": "Ocupación de presentadores",
        "en": "Presenter utilization",
    },
    "kpi.status": {"es": "Estado del solucionador", "en": "Solver status"},
    "kpi.solver": {"es": "Solucionador", "en": "Solver"},
    "kpi.objective": {"es": "Objetivo", "en": "Objective"},
    "kpi.bound": {"es": "Cota", "en": "Bound"},
    "kpi.gap": {"es": "Brecha", "en": "Gap"},
    "kpi.wall_s": {"es": "Tiempo (s)", "en": "Wall time (s)"},
}

WEEKDAY_NAMES: dict[Lang, tuple[str, ...]] = {
    "es": (
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
    ),
    "en": (
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ),
}
MONTH_NAMES: dict[Lang, tuple[str, ...]] = {
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def word(key: str, lang: Lang, **fields: object) -> str:
    """The entry ``key`` in ``lang``, with ``{fields}`` filled in."""
    text = WORDS[key][lang]
    return text.format(**fields) if fields else text


def reply_word(partstat: str | None, lang: Lang) -> str:
    """A presenter's answer to an invite, in words; None: none yet."""
    key = f"reply_{(partstat or 'awaiting').lower()}"
    return word(key if key in WORDS else "reply_awaiting", lang)


def kpi_label(key: str, lang: Lang) -> str:
    """A KPI's name for people; a key the table lacks shows as it is."""
    entry = WORDS.get(f"kpi.{key}")
    return entry[lang] if entry else key


def long_date(date: dt.date, lang: Lang) -> str:
    """``lunes 23 de noviembre de 2026`` / ``Monday 23 November 2026``."""
    weekday = WEEKDAY_NAMES[lang][date.weekday()]
    month = MONTH_NAMES[lang][date.month - 1]
    if lang == "es":
        return f"{weekday} {date.day} de {month} de {date.year}"
    return f"{weekday} {date.day} {month} {date.year}"


def delegation_lang(languages: list[str], override: Lang | None) -> Lang:
    """SPEC: the delegation's first language that is es or en, else en."""
    if override is not None:
        return override
    for language in languages:
        if language == "es":
            return "es"
        if language == "en":
            return "en"
    return "en"


def as_lang(value: str | None) -> Lang | None:
    """A `--lang` value from the command line, checked."""
    if value is None or value in ("es", "en"):
        return value  # type: ignore[return-value]
    raise ValueError(f"language {value!r}: use es or en")
