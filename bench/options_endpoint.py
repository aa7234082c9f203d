"""The web app's options page timed on the peak week, as a browser asks it.

The peak week is imported and planned (greedy) through the app, then
``GET /weeks/<week>/options/<delegation>/<request>`` is asked once for
every unserved request: the whole request, week file and schedule read
from disk, options searched and judged, page rendered.

    python -m bench.options_endpoint [--week peak]
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path

import click
from fastapi.testclient import TestClient

from bench.orienteering.tables import machine
from scheduler.loading import load_schedule
from visits.web.app import Settings, create_app

ROOT = Path(__file__).resolve().parents[1]
WEEKS = ROOT / "instances" / "medellin" / "weeks"
CATALOG = ROOT / "instances" / "medellin" / "catalog.yaml"
RESULTS = ROOT / "bench" / "results" / "options-endpoint.md"


@click.command()
@click.option("--week", default="peak", show_default=True)
def main(week: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        space = Path(folder)
        client = TestClient(
            create_app(
                Settings(
                    workspace=space / "w",
                    catalog=CATALOG,
                    db=str(space / "v.db"),
                )
            )
        )
        page = client.get("/").text
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        path = WEEKS / f"{week}.yaml"
        made = client.post(
            "/weeks",
            data={"csrf": token},
            files={"file": (path.name, path.read_bytes(), "application/yaml")},
            follow_redirects=False,
        )
        slug = str(made.headers["location"]).rsplit("/", 1)[-1]
        job = client.post(
            f"/weeks/{slug}/solve",
            data={"csrf": token, "solver": "greedy", "time_limit": "10"},
            follow_redirects=False,
        )
        number = str(job.headers["location"]).rsplit("=", 1)[-1]
        while client.get(f"/jobs/{number}").json()["status"] == "running":
            time.sleep(0.1)
        plans = sorted((space / "w" / slug / "plans").iterdir())
        schedule = load_schedule(plans[-1] / "schedule.json")
        times, with_options = [], 0
        for u in schedule.unserved:
            started = time.perf_counter()
            answer = client.get(
                f"/weeks/{slug}/options/{u.delegation}/{u.request}"
            )
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.text
            with_options += "Use this slot" in answer.text
    times.sort()
    p90 = times[int(0.9 * (len(times) - 1))]
    table = (
        "| requests | median_ms | p90_ms | worst_ms | with_options |\n"
        "|---|---|---|---|---|\n"
        f"| {len(times)} | {statistics.median(times):.1f} | {p90:.1f} | "
        f"{times[-1]:.1f} | {with_options} |\n"
    )
    text = (
        f"# The web app's options page on the {week} week ({machine()})\n\n"
        f"`python -m bench.options_endpoint --week {week}`: every unserved "
        "request of the greedy plan, one GET each (read, search, judge, "
        "render).\n\n" + table
    )
    RESULTS.write_text(text, encoding="utf-8")
    click.echo(text)


if __name__ == "__main__":
    main()
