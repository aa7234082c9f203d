"""The web app through FastAPI's test client: every action end to end on
the sample week, its safety rules (CSRF, roles, login, versions) and its
answers to bad input."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import socket
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from fastapi.testclient import TestClient

from scheduler.check import violations
from scheduler.errors import InputError
from scheduler.kpis import compute_kpis
from scheduler.loading import load_schedule
from tests.paths import CATALOG, MEDELLIN, WEEKS
from tests.visits.test_publish import Inbox
from visits.cli import main
from visits.web.app import Settings, create_app
from visits.web.auth import Access, User, hash_password, load_users, verify
from visits.why import why_request
from visits.why import words as why_words
from whatif.scenario import load_instance

PORTAL = MEDELLIN / "portal" / "requests-2026-W49.csv"


def csrf(client: TestClient, path: str = "/") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, "no CSRF token on the page"
    return found.group(1)


def settings(tmp_path: Path, **more: Any) -> Settings:
    return Settings(
        workspace=tmp_path / "space",
        catalog=CATALOG,
        db=str(tmp_path / "visits.db"),
        **more,
    )


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(settings(tmp_path)))


def import_week(
    client: TestClient, path: Path = WEEKS / "example.yaml"
) -> str:
    token = csrf(client)
    response = client.post(
        "/weeks",
        data={"csrf": token},
        files={"file": (path.name, path.read_bytes(), "application/yaml")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


def version(client: TestClient, slug: str) -> int:
    found = re.search(
        r'name="version" value="(\d+)"', client.get(f"/weeks/{slug}").text
    )
    assert found
    return int(found.group(1))


def solve(
    client: TestClient, slug: str, solver: str = "greedy"
) -> dict[str, Any]:
    token = csrf(client, f"/weeks/{slug}")
    response = client.post(
        f"/weeks/{slug}/solve",
        data={"csrf": token, "solver": solver, "time_limit": "5"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    job = int(str(response.headers["location"]).rsplit("=", 1)[-1])
    for _ in range(300):
        view = client.get(f"/jobs/{job}").json()
        if view["status"] != "running":
            return dict(view)
        time.sleep(0.1)
    raise AssertionError("the job never ended")


def plan_folder(tmp_path: Path, slug: str) -> Path:
    state = json.loads((tmp_path / "space" / slug / "state.json").read_text())
    return tmp_path / "space" / slug / "plans" / state["plan"]


def test_import_plan_lock_move_and_download(
    client: TestClient, tmp_path: Path
) -> None:
    slug = import_week(client)
    assert "Plan the week" in client.get(f"/weeks/{slug}").text
    job = solve(client, slug)
    assert job["status"] == "done", job
    folder = plan_folder(tmp_path, slug)
    instance = load_instance(tmp_path / "space" / slug / "week.yaml")
    schedule = load_schedule(folder / "schedule.json")
    assert violations(instance, schedule) == []
    page = client.get(f"/weeks/{slug}").text
    assert all(f"/weeks/{slug}/visits/{x.id}" in page for x in schedule.visits)
    assert str(schedule.kpis["served_value"]) in page

    # lock: the week file gains the visit, the page says so
    before = {(lv.delegation, lv.site) for lv in instance.locked}
    first = next(
        x for x in schedule.visits if (x.delegation, x.site) not in before
    )
    token = csrf(client, f"/weeks/{slug}")
    v = version(client, slug)
    response = client.post(
        f"/weeks/{slug}/visits/{first.id}/lock",
        data={"csrf": token, "version": str(v), "on": "1"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    week = yaml.safe_load(
        (tmp_path / "space" / slug / "week.yaml").read_text()
    )
    assert {
        (lv["delegation"], lv["site"]) for lv in week["locked"]
    } == before | {(first.delegation, first.site)}
    assert version(client, slug) == v + 1

    # a move the judge refuses: before the site opens
    local = instance.local(first.start)
    too_early = local.replace(hour=3, minute=0).strftime("%Y-%m-%dT%H:%M")
    form = {
        "csrf": token,
        "version": str(v + 1),
        "site": first.site,
        "start": too_early,
        "presenter": first.presenter or "",
    }
    verdict = client.post(
        f"/weeks/{slug}/visits/{first.id}/verdict", data=form
    ).json()
    assert verdict["ok"] is False and verdict["rules"]
    refused = client.post(f"/weeks/{slug}/visits/{first.id}/move", data=form)
    assert refused.status_code == 422
    assert "nothing was saved" in refused.text
    assert plan_folder(tmp_path, slug) == folder  # no new plan

    # a move the judge allows: find one by asking it, 15 minutes at a time
    allowed = None
    for minutes in range(-180, 181, 15):
        start = (local + dt.timedelta(minutes=minutes)).strftime(
            "%Y-%m-%dT%H:%M"
        )
        if minutes == 0:
            continue
        trial = {**form, "start": start}
        if client.post(
            f"/weeks/{slug}/visits/{first.id}/verdict", data=trial
        ).json()["ok"]:
            allowed = trial
            break
    assert allowed is not None, "no allowed move found for the first visit"
    response = client.post(
        f"/weeks/{slug}/visits/{first.id}/move",
        data=allowed,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    moved_folder = plan_folder(tmp_path, slug)
    assert moved_folder != folder and (folder / "schedule.json").is_file()
    after = load_schedule(moved_folder / "schedule.json")
    assert (
        violations(
            load_instance(tmp_path / "space" / slug / "week.yaml"), after
        )
        == []
    )
    moved = next(x for x in after.visits if x.id == first.id)
    assert (
        instance.local(moved.start).strftime("%Y-%m-%dT%H:%M")
        == allowed["start"]
    )

    # re-solve keeps the locked (moved) visit where the coordinator put it
    assert solve(client, slug)["status"] == "done"
    again = load_schedule(plan_folder(tmp_path, slug) / "schedule.json")
    kept = next(x for x in again.visits if x.id == first.id)
    assert kept.start == moved.start

    # downloads
    archive = client.get(f"/weeks/{slug}/files/calendars.zip")
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert any(n.startswith("ics/presenters/") for n in names)
    assert client.get(f"/weeks/{slug}/files/schedule.xlsx").status_code == 200
    assert client.get(f"/weeks/{slug}/files/../state.json").status_code == 404


def test_a_stale_version_is_a_conflict_not_an_overwrite(
    client: TestClient, tmp_path: Path
) -> None:
    slug = import_week(client)
    solve(client, slug)
    schedule = load_schedule(plan_folder(tmp_path, slug) / "schedule.json")
    token = csrf(client, f"/weeks/{slug}")
    seen = version(client, slug)
    instance = load_instance(tmp_path / "space" / slug / "week.yaml")
    before = {(lv.delegation, lv.site) for lv in instance.locked}
    a, b = [
        x for x in schedule.visits if (x.delegation, x.site) not in before
    ][:2]
    first = client.post(
        f"/weeks/{slug}/visits/{a.id}/lock",
        data={"csrf": token, "version": str(seen), "on": "1"},
        follow_redirects=False,
    )
    assert first.status_code == 303
    second = client.post(
        f"/weeks/{slug}/visits/{b.id}/lock",
        data={"csrf": token, "version": str(seen), "on": "1"},
    )
    assert second.status_code == 409
    assert "changed by someone else" in second.text
    week = yaml.safe_load(
        (tmp_path / "space" / slug / "week.yaml").read_text()
    )
    assert {
        (lv["delegation"], lv["site"]) for lv in week["locked"]
    } == before | {(a.delegation, a.site)}


def test_every_form_needs_its_csrf_token(client: TestClient) -> None:
    path = WEEKS / "example.yaml"
    response = client.post(
        "/weeks",
        files={"file": (path.name, path.read_bytes(), "application/yaml")},
    )
    assert response.status_code == 403
    response = client.post(
        "/weeks",
        data={"csrf": "forged"},
        files={"file": (path.name, path.read_bytes(), "application/yaml")},
    )
    assert response.status_code == 403


def test_add_a_delegation_validated_like_the_files(
    client: TestClient, tmp_path: Path
) -> None:
    slug = import_week(client)
    token = csrf(client, f"/weeks/{slug}")
    form = {
        "csrf": token,
        "version": str(version(client, slug)),
        "id": "ar-rosario",
        "name": "Municipalidad de Rosario",
        "country": "AR",
        "size": "6",
        "languages": "es",
        "arrival": "2026-11-24T08:00",
        "departure": "2026-11-25T18:00",
        "requests": "topic:mobility, site:ruta-n",
    }
    bad = client.post(
        f"/weeks/{slug}/delegations", data={**form, "country": "Argentina"}
    )
    assert bad.status_code == 422
    assert "country" in bad.text
    ok = client.post(
        f"/weeks/{slug}/delegations", data=form, follow_redirects=False
    )
    assert ok.status_code == 303, ok.text
    week = load_instance(tmp_path / "space" / slug / "week.yaml")
    added = next(d for d in week.delegations if d.id == "ar-rosario")
    assert [r.label for r in added.requests] == [
        "topic:mobility",
        "site:ruta-n",
    ]


def test_intake_then_assemble_a_week(client: TestClient) -> None:
    token = csrf(client)
    response = client.post(
        "/intake",
        data={"csrf": token},
        files={"file": (PORTAL.name, PORTAL.read_bytes(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert "4 accepted" in response.text and "1 duplicate" in response.text
    response = client.post(
        "/weeks/assemble",
        data={"csrf": token, "week": "2026-W49"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get(str(response.headers["location"])).text
    assert "4 delegations" in page


def test_a_bad_week_file_is_one_clear_message(client: TestClient) -> None:
    token = csrf(client)
    response = client.post(
        "/weeks",
        data={"csrf": token},
        files={
            "file": (
                "broken.yaml",
                b"delegations: [{id: x}]\n",
                "application/yaml",
            )
        },
    )
    assert response.status_code == 422
    assert "Traceback" not in response.text
    assert client.get("/").text.count("/weeks/broken") == 0


def test_off_loopback_a_login_and_roles(tmp_path: Path) -> None:
    users = {
        "ana": User(
            name="ana", role="coordinator", password=hash_password("s3cret")
        ),
        "leo": User(name="leo", role="viewer", password=hash_password("look")),
    }
    app = create_app(
        settings(tmp_path, access=Access(users), secure_cookies=False)
    )
    client = TestClient(app)
    assert client.get("/", follow_redirects=False).status_code == 303
    token = csrf(client, "/login")
    wrong = client.post(
        "/login", data={"csrf": token, "name": "ana", "password": "no"}
    )
    assert wrong.status_code == 401
    client.post(
        "/login", data={"csrf": token, "name": "leo", "password": "look"}
    )
    assert client.get("/").status_code == 200
    token = csrf(client)
    path = WEEKS / "example.yaml"
    viewer = client.post(
        "/weeks",
        data={"csrf": token},
        files={"file": (path.name, path.read_bytes(), "application/yaml")},
    )
    assert viewer.status_code == 403  # a viewer only looks
    assert "Import week" not in client.get("/").text


def test_the_host_off_loopback_needs_a_users_file() -> None:
    with pytest.raises(InputError, match="needs a login"):
        Access.for_host("0.0.0.0", None)
    assert Access.for_host("127.0.0.1", None).users is None


def test_publish_then_a_resolve_replans_from_what_was_sent(
    tmp_path: Path,
) -> None:
    inbox = Inbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        client = TestClient(
            create_app(settings(tmp_path, smtp=("127.0.0.1", port)))
        )
        slug = import_week(client)
        solve(client, slug)
        first = plan_folder(tmp_path, slug)
        preview = client.get(f"/weeks/{slug}/publish").text
        messages = json.loads((first / "changes" / "index.json").read_text())[
            "messages"
        ]
        with_address = [m for m in messages if m["recipient"]["email"]]
        assert f"Send {len(messages)} message(s)" in preview
        token = csrf(client, f"/weeks/{slug}/publish")
        sent = client.post(
            f"/weeks/{slug}/publish",
            data={"csrf": token, "version": str(version(client, slug))},
        )
        assert sent.status_code == 200, sent.text
        assert len(inbox.messages) == len(with_address)
        state = json.loads(
            (tmp_path / "space" / slug / "state.json").read_text()
        )
        assert state["published"] == first.name
        # after publishing, a re-solve is a re-plan: nothing changed, so
        # nothing new to send
        assert "fewest changes" in client.get(f"/weeks/{slug}").text
        job = solve(client, slug)
        assert job["status"] == "done", job
        assert job["message"] == "re-planned from the published plan"
        second = plan_folder(tmp_path, slug)
        assert (second / "replan.json").is_file()
        again = json.loads((second / "changes" / "index.json").read_text())
        assert again["messages"] == []
    finally:
        controller.stop()


def test_serve_off_loopback_without_users_is_refused() -> None:
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "needs a login" in result.output
    assert "Traceback" not in result.output


def test_password_prints_an_entry_the_users_file_reads(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["password", "--name", "ana", "--role", "coordinator"],
        input="pw1\npw1\n",
    )
    assert result.exit_code == 0, result.output
    entry = result.output.strip().splitlines()[-1]
    path = tmp_path / "users.yaml"
    path.write_text("users:\n" + entry + "\n")
    users = load_users(path)
    assert users["ana"].role == "coordinator"
    assert verify("pw1", users["ana"].password)
    assert not verify("pw2", users["ana"].password)


def test_ranked_options_for_an_unserved_request_and_taking_one(
    client: TestClient, tmp_path: Path
) -> None:
    slug = import_week(client, WEEKS / "peak.yaml")
    assert solve(client, slug)["status"] == "done"
    schedule = load_schedule(plan_folder(tmp_path, slug) / "schedule.json")
    assert schedule.unserved, "a poor fixture"
    page = client.get(f"/weeks/{slug}").text
    for u in schedule.unserved[:30]:
        url = f"/weeks/{slug}/options/{u.delegation}/{u.request}"
        assert url in page
        shown = client.get(url)
        assert shown.status_code == 200
        if "Use this slot" in shown.text:
            break
    else:
        pytest.fail("no unserved request with an option among the first 30")
    token = csrf(client, url)
    taken = client.post(
        url,
        data={
            "csrf": token,
            "version": str(version(client, slug)),
            "option": "0",
        },
        follow_redirects=False,
    )
    assert taken.status_code == 303, taken.text
    after = load_schedule(plan_folder(tmp_path, slug) / "schedule.json")
    instance = load_instance(tmp_path / "space" / slug / "week.yaml")
    assert violations(instance, after) == []
    assert any(
        v.delegation == u.delegation and v.request == u.request
        for v in after.visits
    )
    assert (u.delegation, u.request) not in {
        (x.delegation, x.request) for x in after.unserved
    }
    assert after.kpis == compute_kpis(instance, after)  # figures made again


def test_cancel_stops_the_search_and_keeps_the_best(
    client: TestClient, tmp_path: Path
) -> None:
    slug = import_week(client, WEEKS / "peak.yaml")
    token = csrf(client, f"/weeks/{slug}")
    response = client.post(
        f"/weeks/{slug}/solve",
        data={"csrf": token, "solver": "cpsat", "time_limit": "120"},
        follow_redirects=False,
    )
    job = int(str(response.headers["location"]).rsplit("=", 1)[-1])
    time.sleep(3)
    started = time.monotonic()
    assert (
        client.post(f"/jobs/{job}/cancel", data={"csrf": token}).status_code
        == 200
    )
    while client.get(f"/jobs/{job}").json()["status"] == "running":
        assert time.monotonic() - started < 60, (
            "cancel did not stop the search"
        )
        time.sleep(0.2)
    view = client.get(f"/jobs/{job}").json()
    assert view["status"] == "done" and view["cancelled"], view
    schedule = load_schedule(plan_folder(tmp_path, slug) / "schedule.json")
    assert schedule.visits  # the best found was kept
    assert view["elapsed"] < 100


def test_why_not_shows_the_words_of_visits_why(
    client: TestClient, tmp_path: Path
) -> None:
    slug = import_week(client, WEEKS / "normal.yaml")
    assert solve(client, slug)["status"] == "done"
    folder = plan_folder(tmp_path, slug)
    schedule = load_schedule(folder / "schedule.json")
    assert schedule.unserved, "a poor fixture"
    u = schedule.unserved[0]
    url = f"/weeks/{slug}/why/{u.delegation}/{u.request}"
    assert url in client.get(f"/weeks/{slug}").text
    shown = client.get(url)
    assert shown.status_code == 200
    instance = load_instance(tmp_path / "space" / slug / "week.yaml")
    expected = why_words(
        why_request(instance, schedule, u.delegation, u.request)
    )
    text = html.unescape(shown.text)
    assert expected in text
    assert u.reason in text
