"""The coordinator's web app: the week, its visits, re-solve, publish.

Every change goes through the same code as the command line: a move is
judged by `visits check`'s rules before it is saved, a re-solve writes a
plan folder as `visits plan`/`replan` does, publishing sends the iMIP
messages of `visits publish`. Pages are server-rendered (Jinja2) with a
little local JavaScript; nothing is fetched from another site.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from fastapi import FastAPI, Form, HTTPException, Request, UploadFile
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.middleware.sessions import SessionMiddleware

from exports import write_all
from scheduler.check import violations
from scheduler.documents import problems_from
from scheduler.errors import InputError, Problem
from scheduler.explain.words import Reason
from scheduler.files import write_folder
from scheduler.kpis import compute_kpis
from scheduler.ledger import folder_ledger
from scheduler.model import Delegation, Instance, Schedule, Visit
from scheduler.reasons import entry
from tracking.intake import record_intake
from tracking.session import database
from tracking.weeks import assemble_week
from visits.mail import load_index, read_sent
from visits.mail import publish as send_changes
from visits.options import search_options, with_option
from visits.recording import record_folder
from visits.replanning import with_travel
from visits.replies import read_recorded
from visits.web.auth import Access
from visits.web.jobs import Jobs
from visits.web.workspace import Conflict, Week, WeekState, Workspace
from visits.why import why_request
from visits.why import words as why_words

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Settings:
    workspace: Path
    catalog: Path
    db: str | None = None
    smtp: tuple[str, int] | None = None
    sender: str | None = None
    access: Access = field(default_factory=lambda: Access(None))
    secure_cookies: bool = False
    solver: str = "cpsat"
    time_limit: float = 30.0
    secret: str = ""


def _problems(exc: InputError) -> list[str]:
    return [str(p) for p in exc.problems]


def create_app(settings: Settings) -> FastAPI:
    """The app on one workspace folder (see module doc)."""
    app = FastAPI(title="visits", docs_url=None, redoc_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    space = Workspace(settings.workspace, settings.catalog)

    def recorded(week: Week, plan: str) -> None:
        with week.change(None) as state:
            week.save(state, plan=plan, note=f"plan {plan} made")
        folder = week.plan_folder(plan)
        if folder is not None and settings.db is not None:
            record_folder(settings.db, folder, week.instance())

    jobs = Jobs(recorded)

    # --- who, and the forms' token --------------------------------------

    def user(request: Request) -> dict[str, str] | None:
        if settings.access.users is None:
            return {"name": "local", "role": "coordinator"}
        found = request.session.get("user")
        return found if isinstance(found, dict) else None

    def token(request: Request) -> str:
        if "csrf" not in request.session:
            request.session["csrf"] = secrets.token_urlsafe(24)
        return str(request.session["csrf"])

    async def may_change(request: Request) -> dict[str, str]:
        """A coordinator, with the form's (or header's) CSRF token."""
        who = user(request)
        if who is None:
            raise HTTPException(401, "log in first")
        form = await request.form()
        sent = form.get("csrf") or request.headers.get("x-csrf-token")
        if not sent or not secrets.compare_digest(str(sent), token(request)):
            raise HTTPException(
                403, "the form is stale or forged; reload the page"
            )
        if who["role"] != "coordinator":
            raise HTTPException(403, "viewers may look but not change")
        return who

    def page(
        request: Request, name: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            name,
            {"user": user(request), "csrf": token(request), **context},
            status_code=status,
        )

    def problem_page(
        request: Request, title: str, messages: list[str], status: int = 422
    ) -> HTMLResponse:
        return page(
            request, "problem.html", status, title=title, messages=messages
        )

    def find(slug: str) -> Week:
        week = space.week(slug)
        if week is None:
            raise HTTPException(404, f"no week {slug}")
        return week

    @app.middleware("http")
    async def login_wall(request: Request, call_next: Any) -> Response:
        path = request.url.path
        open_paths = ("/login", "/static/")
        if (
            settings.access.users is not None
            and not path.startswith(open_paths)
            and not isinstance(request.session.get("user"), dict)
        ):
            return RedirectResponse("/login", status_code=303)
        response: Response = await call_next(request)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> HTMLResponse:
        return problem_page(
            request, "Someone else changed this week", [str(exc)], 409
        )

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> HTMLResponse:
        return problem_page(request, "That cannot be used", _problems(exc))

    # --- login ---------------------------------------------------------

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return page(request, "login.html", message="")

    @app.post("/login", response_model=None)
    async def login(request: Request) -> Response:
        form = await request.form()
        sent = str(form.get("csrf", ""))
        if not secrets.compare_digest(sent, token(request)):
            raise HTTPException(403, "the form is stale; reload the page")
        found = settings.access.login(
            str(form.get("name", "")), str(form.get("password", ""))
        )
        if found is None:
            return page(
                request, "login.html", 401, message="Wrong name or password."
            )
        request.session.clear()
        request.session["user"] = {"name": found.name, "role": found.role}
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    async def logout(request: Request) -> RedirectResponse:
        await may_change_or_view(request)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    async def may_change_or_view(request: Request) -> None:
        form = await request.form()
        if not secrets.compare_digest(
            str(form.get("csrf", "")), token(request)
        ):
            raise HTTPException(403, "the form is stale; reload the page")

    # --- weeks -----------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def weeks(request: Request) -> HTMLResponse:
        rows = []
        for week in space.weeks():
            state = week.state()
            schedule = week.schedule()
            rows.append(
                {
                    "slug": week.slug,
                    "state": state,
                    "delegations": len(
                        week.week_data().get("delegations", [])
                    ),
                    "kpis": schedule.kpis if schedule else None,
                }
            )
        return page(request, "weeks.html", weeks=rows)

    @app.post("/weeks", response_model=None)
    async def import_week(request: Request, file: UploadFile) -> Response:
        await may_change(request)
        name = file.filename or "week.yaml"
        text = (await file.read()).decode("utf-8", errors="replace")
        week = space.add(name, text)
        with week.change(None) as state:
            week.save(state, note=f"imported from {name}")
        return RedirectResponse(f"/weeks/{week.slug}", status_code=303)

    @app.post("/intake", response_class=HTMLResponse)
    async def intake(request: Request, file: UploadFile) -> HTMLResponse:
        await may_change(request)
        name = Path(file.filename or "requests.csv").name
        if Path(name).suffix.lower() not in (".csv", ".json"):
            raise InputError(
                [
                    Problem(
                        name,
                        "",
                        "give the portal's export: a .csv or .json file",
                    )
                ]
            )
        inbox = settings.workspace / "intake"
        inbox.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        path = inbox / f"{stamp}-{name}"
        path.write_bytes(await file.read())
        with database(settings.db) as session:
            result = record_intake(
                session,
                path,
                dt.datetime.now(dt.UTC),
                catalog_path=settings.catalog,
            )
        weeks_seen = sorted({d.week for d in result.decisions})
        return page(
            request, "intake.html", result=result, weeks_seen=weeks_seen
        )

    @app.post("/weeks/assemble", response_model=None)
    async def assemble(request: Request, week: str = Form(...)) -> Response:
        await may_change(request)
        staging = settings.workspace / "assembled"
        staging.mkdir(parents=True, exist_ok=True)
        out = staging / f"{week}-{secrets.token_hex(3)}.yaml"
        with database(settings.db) as session:
            assemble_week(
                session,
                week,
                out,
                dt.datetime.now(dt.UTC),
                catalog_path=settings.catalog,
            )
        data = yaml.safe_load(out.read_text(encoding="utf-8"))
        data["catalog"] = str(settings.catalog.resolve())
        made = space.add(f"{week}.yaml", yaml.safe_dump(data, sort_keys=False))
        with made.change(None) as state:
            made.save(state, note=f"assembled from the requests of {week}")
        return RedirectResponse(f"/weeks/{made.slug}", status_code=303)

    @app.get("/weeks/{slug}", response_class=HTMLResponse)
    def week_page(
        request: Request, slug: str, job: int | None = None
    ) -> HTMLResponse:
        week = find(slug)
        instance = week.instance()
        schedule = week.schedule()
        running = jobs.running(slug)
        return page(
            request,
            "week.html",
            week=week,
            state=week.state(),
            instance=instance,
            schedule=schedule,
            timeline=timeline(instance, schedule) if schedule else [],
            locked=locked_keys(instance),
            job=running or (jobs.get(job) if job else None),
            names=names(instance),
        )

    # --- solve -----------------------------------------------------------

    @app.post("/weeks/{slug}/solve")
    async def solve(request: Request, slug: str) -> RedirectResponse:
        await may_change(request)
        week = find(slug)
        form = await request.form()
        limit = float(str(form.get("time_limit") or settings.time_limit))
        if not 1 <= limit <= 600:
            raise InputError(
                [Problem("time_limit", "", "give 1 to 600 seconds")]
            )
        solver = str(form.get("solver") or settings.solver)
        if solver not in ("cpsat", "greedy"):
            raise InputError([Problem("solver", "", "cpsat or greedy")])
        job = jobs.start(week, solver, limit)
        return RedirectResponse(f"/weeks/{slug}?job={job.id}", status_code=303)

    @app.get("/jobs/{number}")
    def job_status(number: int) -> JSONResponse:
        job = jobs.get(number)
        if job is None:
            raise HTTPException(404, "no such job")
        return JSONResponse(job.view())

    @app.post("/jobs/{number}/cancel")
    async def cancel(request: Request, number: int) -> JSONResponse:
        await may_change(request)
        job = jobs.get(number)
        if job is None:
            raise HTTPException(404, "no such job")
        job.stop.set()
        return JSONResponse(job.view())

    # --- visits: lock, move, details ------------------------------------

    def current(week: Week) -> Schedule:
        schedule = week.schedule()
        if schedule is None:
            raise InputError(
                [Problem(week.slug, "", "plan the week first (Re-solve)")]
            )
        return schedule

    def visit_of(schedule: Schedule, visit_id: str) -> Visit:
        for v in schedule.visits:
            if v.id == visit_id:
                return v
        raise HTTPException(404, f"no visit {visit_id} in the current plan")

    def set_lock(week: Week, visit: Visit, on: bool) -> None:
        instance = week.instance()
        data = week.week_data()
        start = instance.local(visit.start).replace(tzinfo=None)
        locks = [
            item
            for item in data.get("locked", [])
            if not (
                item.get("delegation") == visit.delegation
                and item.get("site") == visit.site
            )
        ]
        if on:
            locks.append(
                {
                    "delegation": visit.delegation,
                    "site": visit.site,
                    "start": start.isoformat(timespec="minutes"),
                    **(
                        {"presenter": visit.presenter}
                        if visit.presenter
                        else {}
                    ),
                }
            )
        if locks:
            data["locked"] = locks
        else:
            data.pop("locked", None)
        week.write_week(data)

    @app.post("/weeks/{slug}/visits/{visit_id}/lock")
    async def lock(
        request: Request, slug: str, visit_id: str
    ) -> RedirectResponse:
        await may_change(request)
        week = find(slug)
        form = await request.form()
        on = str(form.get("on", "1")) == "1"
        with week.change(int(str(form.get("version", "-1")))) as state:
            visit = visit_of(current(week), visit_id)
            set_lock(week, visit, on)
            week.save(
                state, note=f"{'locked' if on else 'unlocked'} {visit_id}"
            )
        return RedirectResponse(f"/weeks/{slug}", status_code=303)

    def moved(
        week: Week, visit_id: str, form: Any
    ) -> tuple[Instance, Schedule, Visit, Visit]:
        """The week, the schedule with the visit moved as the form says,
        the visit before and after."""
        instance = week.instance()
        schedule = current(week)
        old = visit_of(schedule, visit_id)
        site_id = str(form.get("site") or old.site)
        sites = {s.id: s for s in instance.catalog.sites}
        if site_id not in sites:
            raise InputError(
                [Problem("site", "", f"no site {site_id} in the catalog")]
            )
        try:
            local = dt.datetime.fromisoformat(str(form.get("start")))
        except ValueError:
            raise InputError(
                [
                    Problem(
                        "start", "", "give a date and time, 2026-11-24T10:00"
                    )
                ]
            ) from None
        start = (
            local.replace(tzinfo=instance.catalog.zone)
            if local.tzinfo is None
            else local
        )
        length = old.end - old.start
        presenter = str(form.get("presenter") or "") or None
        try:
            new = Visit.model_validate(
                {
                    **old.model_dump(),
                    "site": site_id,
                    "start": start,
                    "end": start + length,
                    "presenter": presenter,
                }
            )
        except ValidationError as exc:
            raise InputError(problems_from(exc, "move", "")) from None
        others = [v for v in schedule.visits if v.id != visit_id]
        visits = with_travel(instance, [*others, new])
        new = next(
            v for v in visits if v.id == new.id and v.start == new.start
        )
        moved_schedule = schedule.model_copy(update={"visits": visits})
        return instance, moved_schedule, old, new

    def verdict(
        instance: Instance, schedule: Schedule, old: Visit, new: Visit
    ) -> list[str]:
        """The judge on the moved schedule; the visit's own lock (if any)
        moves with it, so it is not held to its old place."""
        freed = {(old.delegation, old.site), (new.delegation, new.site)}
        instance = instance.model_copy(
            update={
                "locked": [
                    lv
                    for lv in instance.locked
                    if (lv.delegation, lv.site) not in freed
                ]
            }
        )
        return [v.detail for v in violations(instance, schedule)]

    def save_plan(
        week: Week,
        state: WeekState,
        schedule: Schedule,
        reasons: dict[str, str],
        note: str,
    ) -> tuple[Path, Instance]:
        """A coordinator's change as the next plan folder (figures made
        again, invites against what was published), inside ``change``."""
        instance = week.instance()
        schedule = schedule.model_copy(
            update={"kpis": compute_kpis(instance, schedule)}
        )
        published = week.plan_folder(state.published or "")
        out = week.next_plan()
        write_folder(
            out,
            lambda folder: write_all(
                schedule,
                instance,
                folder,
                previous=folder_ledger(published) if published else None,
                reasons=reasons,
                source="the web app",
            ),
        )
        week.save(state, plan=out.name, note=note)
        return out, instance

    @app.post("/weeks/{slug}/visits/{visit_id}/verdict")
    async def move_verdict(
        request: Request, slug: str, visit_id: str
    ) -> JSONResponse:
        await may_change(request)
        week = find(slug)
        try:
            instance, schedule, old, new = moved(
                week, visit_id, await request.form()
            )
        except InputError as exc:
            return JSONResponse({"ok": False, "rules": _problems(exc)})
        rules = verdict(instance, schedule, old, new)
        return JSONResponse({"ok": not rules, "rules": rules})

    @app.post("/weeks/{slug}/visits/{visit_id}/move", response_model=None)
    async def move(request: Request, slug: str, visit_id: str) -> Response:
        await may_change(request)
        week = find(slug)
        form = await request.form()
        with week.change(int(str(form.get("version", "-1")))) as state:
            instance, schedule, old, new = moved(week, visit_id, form)
            rules = verdict(instance, schedule, old, new)
            if rules:
                return problem_page(
                    request,
                    "This move breaks a rule; nothing was saved",
                    rules,
                )
            set_lock(week, old, False)
            set_lock(week, new, True)
            out, instance = save_plan(
                week,
                state,
                schedule,
                {new.id: "moved by a coordinator"},
                f"moved {visit_id}; locked there",
            )
        if settings.db is not None:
            record_folder(settings.db, out, instance)
        return RedirectResponse(f"/weeks/{slug}", status_code=303)

    @app.get("/weeks/{slug}/visits/{visit_id}", response_class=HTMLResponse)
    def visit_page(request: Request, slug: str, visit_id: str) -> HTMLResponse:
        week = find(slug)
        instance = week.instance()
        schedule = current(week)
        visit = visit_of(schedule, visit_id)
        folder = week.plan_folder()
        replies = _replies(folder)
        delegation = next(
            d for d in instance.delegations if d.id == visit.delegation
        )
        return page(
            request,
            "visit.html",
            week=week,
            state=week.state(),
            visit=visit,
            instance=instance,
            delegation=delegation,
            local=lambda t: instance.local(t).strftime("%a %Y-%m-%d %H:%M"),
            start_value=instance.local(visit.start).strftime("%Y-%m-%dT%H:%M"),
            reply=replies.get(visit.id, ""),
            locked=(visit.delegation, visit.site) in locked_keys(instance),
            names=names(instance),
        )

    # --- add a delegation ---------------------------------------------------

    @app.post("/weeks/{slug}/delegations", response_model=None)
    async def add_delegation(request: Request, slug: str) -> Response:
        await may_change(request)
        week = find(slug)
        form = await request.form()
        with week.change(int(str(form.get("version", "-1")))) as state:
            fields = {
                "id": str(form.get("id", "")).strip(),
                "name": str(form.get("name", "")).strip(),
                "country": str(form.get("country", "")).strip().upper(),
                "size": str(form.get("size", "")),
                "languages": [
                    x.strip()
                    for x in str(form.get("languages", "")).split(",")
                    if x.strip()
                ],
                "arrival": str(form.get("arrival", "")),
                "departure": str(form.get("departure", "")),
                "lodging": {
                    "lat": str(form.get("lat") or "6.2442"),
                    "lon": str(form.get("lon") or "-75.5812"),
                },
                "requests": [
                    {"site": x.strip()[5:]}
                    if x.strip().startswith("site:")
                    else {"topic": x.strip().removeprefix("topic:")}
                    for x in str(form.get("requests", "")).split(",")
                    if x.strip()
                ],
            }
            try:
                delegation = Delegation.model_validate(fields)
            except ValidationError as exc:
                raise InputError(
                    problems_from(exc, "new delegation", "")
                ) from None
            data = week.week_data()
            if any(
                d.get("id") == delegation.id
                for d in data.get("delegations", [])
            ):
                raise InputError(
                    [
                        Problem(
                            "new delegation",
                            "id",
                            f"{delegation.id} is already in this week; choose another id",
                        )
                    ]
                )
            data.setdefault("delegations", []).append(
                delegation.model_dump(mode="json", exclude_defaults=True)
            )
            week.write_week(data)
            week.save(
                state, note=f"added {delegation.id}; re-solve to plan it"
            )
        return RedirectResponse(f"/weeks/{slug}", status_code=303)

    # --- why not? (the words of `visits why`) ------------------------------

    @app.get(
        "/weeks/{slug}/why/{delegation}/{request_index}",
        response_class=HTMLResponse,
    )
    def why_page(
        request: Request, slug: str, delegation: str, request_index: int
    ) -> HTMLResponse:
        week = find(slug)
        instance = week.instance()
        answer = why_request(
            instance, current(week), delegation, request_index
        )
        return page(
            request,
            "why.html",
            week=week,
            delegation=delegation,
            request_index=request_index,
            answer=why_words(answer),
        )

    # --- ranked options for one request ---------------------------------------

    @app.get(
        "/weeks/{slug}/options/{delegation}/{request_index}",
        response_class=HTMLResponse,
    )
    def options_page(
        request: Request, slug: str, delegation: str, request_index: int
    ) -> HTMLResponse:
        week = find(slug)
        instance = week.instance()
        found = search_options(
            instance, current(week), delegation, request_index
        )
        return page(
            request,
            "options.html",
            week=week,
            state=week.state(),
            found=found,
            local=lambda t: instance.local(t).strftime("%a %Y-%m-%d %H:%M"),
            names=names(instance),
        )

    @app.post(
        "/weeks/{slug}/options/{delegation}/{request_index}",
        response_model=None,
    )
    async def take_option(
        request: Request, slug: str, delegation: str, request_index: int
    ) -> Response:
        await may_change(request)
        week = find(slug)
        form = await request.form()
        choice = int(str(form.get("option", "-1")))
        with week.change(int(str(form.get("version", "-1")))) as state:
            instance = week.instance()
            schedule = current(week)
            found = search_options(
                instance, schedule, delegation, request_index
            )
            if not 0 <= choice < len(found.options):
                raise InputError(
                    [
                        Problem(
                            "option",
                            str(choice),
                            "that option is gone; reload the page",
                        )
                    ]
                )
            option = found.options[choice]
            taken = with_option(
                instance, schedule, delegation, request_index, option
            )
            kept = {(v.delegation, v.request) for v in taken.visits}
            unserved = [
                u
                for u in schedule.unserved
                if (u.delegation, u.request) not in kept
            ]
            for v in schedule.visits:
                if (
                    v.request is not None
                    and (v.delegation, v.request) not in kept
                ):
                    unserved.append(
                        entry(
                            v.delegation,
                            v.request,
                            Reason("gave_way", {"delegation": delegation}),
                        )
                    )
            taken = taken.model_copy(update={"unserved": unserved})
            new = next(
                v
                for v in taken.visits
                if v.delegation == delegation and v.request == request_index
            )
            if violations(instance, taken):
                raise InputError(
                    [
                        Problem(
                            "option",
                            str(choice),
                            "the judge refuses it now; reload the page",
                        )
                    ]
                )
            set_lock(week, new, True)
            out, instance = save_plan(
                week,
                state,
                taken,
                {new.id: "placed by a coordinator from the ranked options"},
                f"placed {new.id} (option {choice + 1}); locked there",
            )
        if settings.db is not None:
            record_folder(settings.db, out, instance)
        return RedirectResponse(f"/weeks/{slug}", status_code=303)

    # --- publish and downloads ----------------------------------------------

    @app.get("/weeks/{slug}/publish", response_class=HTMLResponse)
    def publish_preview(request: Request, slug: str) -> HTMLResponse:
        week = find(slug)
        folder = week.plan_folder()
        messages = _messages(folder)
        return page(
            request,
            "publish.html",
            week=week,
            state=week.state(),
            messages=messages,
            smtp=settings.smtp,
        )

    @app.post("/weeks/{slug}/publish", response_class=HTMLResponse)
    async def publish(request: Request, slug: str) -> HTMLResponse:
        await may_change(request)
        week = find(slug)
        form = await request.form()
        if settings.smtp is None:
            raise InputError(
                [
                    Problem(
                        "--smtp",
                        "",
                        "start the app with --smtp HOST:PORT to send invites",
                    )
                ]
            )
        with week.change(int(str(form.get("version", "-1")))) as state:
            folder = week.plan_folder()
            if folder is None:
                raise InputError([Problem(slug, "", "plan the week first")])
            lines: list[str] = []
            outcome = send_changes(
                folder,
                settings.smtp[0],
                settings.smtp[1],
                sender=settings.sender,
                dry_run=False,
                say=lines.append,
            )
            week.save(
                state,
                published=state.plan,
                note=f"published plan {state.plan}: {len(outcome.sent)} sent",
            )
        if settings.db is not None:
            record_folder(settings.db, folder)
        return page(
            request,
            "published.html",
            week=week,
            lines=lines,
            outcome=outcome,
        )

    @app.get("/weeks/{slug}/files/{name}", response_model=None)
    def download(slug: str, name: str) -> Response:
        week = find(slug)
        folder = week.plan_folder()
        if folder is None:
            raise HTTPException(404, "no plan yet")
        if name == "calendars.zip":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted((folder / "ics").rglob("*.ics")):
                    archive.write(path, path.relative_to(folder).as_posix())
            return Response(
                buffer.getvalue(),
                media_type="application/zip",
                headers={
                    "Content-Disposition": f'attachment; filename="{slug}-calendars.zip"'
                },
            )
        allowed = {
            "schedule.xlsx",
            "schedule.csv",
            "schedule.json",
            "report.html",
        }
        if name not in allowed:
            raise HTTPException(404, "no such file")
        return FileResponse(folder / name, filename=f"{slug}-{name}")

    # Outermost, so the login wall and every page see the session.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret or secrets.token_urlsafe(32),
        https_only=settings.secure_cookies,
        same_site="strict",
        session_cookie="visits_session",
    )
    return app


# --- what the pages draw ------------------------------------------------------


def names(instance: Any) -> dict[str, str]:
    out = {s.id: s.name for s in instance.catalog.sites}
    out.update({d.id: d.name for d in instance.delegations})
    out.update({p.id: p.name for p in instance.catalog.presenters})
    return out


def locked_keys(instance: Any) -> set[tuple[str, str]]:
    return {(lv.delegation, lv.site) for lv in instance.locked}


FIRST_HOUR, LAST_HOUR = 7, 20


def timeline(instance: Any, schedule: Schedule) -> list[dict[str, Any]]:
    """Per day, one lane per site, each visit placed by its local times."""
    span = (LAST_HOUR - FIRST_HOUR) * 60
    days: dict[dt.date, dict[str, list[dict[str, Any]]]] = {}
    for v in sorted(schedule.visits, key=lambda v: v.start):
        start, end = instance.local(v.start), instance.local(v.end)
        minutes = (start.hour - FIRST_HOUR) * 60 + start.minute
        length = (end - start).total_seconds() / 60
        days.setdefault(start.date(), {}).setdefault(v.site, []).append(
            {
                "visit": v,
                "left": round(100 * max(0, minutes) / span, 2),
                "width": round(100 * length / span, 2),
                "label": f"{start:%H:%M}-{end:%H:%M}",
            }
        )
    return [
        {"day": day, "sites": sorted(sites.items())}
        for day, sites in sorted(days.items())
    ]


def _messages(folder: Path | None) -> list[dict[str, Any]]:
    """The plan's messages (visits publish's index), each with "sent"."""
    if folder is None or not (folder / "changes" / "index.json").is_file():
        return []
    sent = read_sent(folder)
    return [
        {**m.model_dump(), "sent": m.id in sent}
        for m in load_index(folder).messages
    ]


def _replies(folder: Path | None) -> dict[str, str]:
    """Visit id -> the presenter's last answer (as replies.json holds it)."""
    if folder is None:
        return {}
    return {
        key: str(record.get("partstat", ""))
        for key, record in read_recorded(folder).items()
    }
