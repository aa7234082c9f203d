"""The what-if files: whatif.csv, the advice CSV, the page, each plan."""

from __future__ import annotations

import csv
import re
from typing import TYPE_CHECKING, Any

from exports.whatif.common import FIGURES, count_keys
from exports.whatif.page import write_html

if TYPE_CHECKING:
    from pathlib import Path

    from whatif.report import WhatIf


def write_csv(report: WhatIf, path: Path) -> Path:
    """One row a plan: figures, ``<figure>_vs_base``, unserved by reason
    (``unserved:<reason>``) and by topic (``topic:<topic>``)."""
    reasons = count_keys(report, "unserved_by_reason")
    topics = count_keys(report, "unserved_by_topic")
    pools = sorted({p for r in report.rows for p in r.figures["vans_by_pool"]})
    header = ["plan", "kind", "description", "knob", "knob_value", "status"]
    for key, _, _ in FIGURES:
        header += [key, f"{key}_vs_base"]
    header += [f"unserved:{r}" for r in reasons]
    header += [f"topic:{t}" for t in topics]
    header += [f"vehicles:{p}" for p in pools]
    header += ["conflicts"]
    knob = report.sweep.knob.label if report.sweep else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in report.rows:
            f = row.figures
            line: list[Any] = [
                row.label,
                row.kind,
                row.description,
                knob if row.kind == "sweep" else "",
                "" if row.knob_value is None else f"{row.knob_value:g}",
                f["status"],
            ]
            for key, _, _ in FIGURES:
                value = f.get(key)
                line += [
                    "" if value is None else value,
                    row.delta.get(key, ""),
                ]
            by_reason = f.get("unserved_by_reason") or {}
            by_topic = f.get("unserved_by_topic") or {}
            line += [by_reason.get(r, 0) for r in reasons]
            line += [by_topic.get(t, 0) for t in topics]
            line += [f["vans_by_pool"].get(p, "") for p in pools]
            line += ["; ".join(row.conflicts)]
            writer.writerow(line)
    return path


def write_advice_csv(report: WhatIf, path: Path) -> Path:
    """What to add first, one row a plan and resource."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "plan",
                "resource_kind",
                "resource",
                "label",
                "outcompeted_requests",
                "value_lost",
                "one_more",
                "served_value_gain",
            ]
        )
        for label, items in report.advice.items():
            for b in items:
                writer.writerow(
                    [
                        label,
                        b.kind,
                        b.target,
                        b.label,
                        b.requests,
                        b.value,
                        b.remedy,
                        "" if b.gain is None else f"{b.gain:g}",
                    ]
                )
    return path


def _file_name(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=\-]+", "_", label) or "plan"


def write_whatif(report: WhatIf, out: Path) -> list[Path]:
    """whatif.csv, whatif.html, advice CSV, and each plan's schedule."""
    paths = [
        write_csv(report, out / "whatif.csv"),
        write_html(report, out / "whatif.html"),
    ]
    if report.advice:
        paths.append(write_advice_csv(report, out / "whatif-advice.csv"))
    for label, schedule in report.schedules.items():
        path = out / "plans" / f"{_file_name(label)}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schedule.model_dump_json(indent=2), encoding="utf-8")
        paths.append(path)
    return paths
