"""What a sweep means, in one sentence a planner can repeat."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whatif.scenario import (
        Knob,
    )


def sweep_sentence(
    knob: Knob,
    points: list[tuple[float, float]],
    target: float = 0.9,
    usual: float | None = None,
) -> str:
    """What the sweep means, in one sentence, from its rows.

    Demand: the largest factor up to which every point serves ≥ target of
    the requested value. A resource: the smallest amount that does.
    """
    if not points:
        return "No plan of the sweep produced a schedule."
    points = sorted(points)
    pct = _pct
    if knob.kind == "demand":
        ok = None
        for value, share in points:
            if share < target:
                break
            ok = (value, share)
        if ok is None:
            return _demand_below_target(points, target)
        value, share = ok
        text = (
            f"Up to {value:g}× the usual demand we still serve "
            f"{pct(share)} of the requested value (target {pct(target)})"
        )
        after = [p for p in points if p[0] > value]
        if after:
            text += f"; at {after[0][0]:g}× it falls to {pct(after[0][1])}"
        return text + "."
    name = _knob_words(knob)
    usual_text = f" (now {usual:g})" if usual is not None else ""
    best = max(p[1] for p in points)
    plateau = min(p[0] for p in points if p[1] >= best - 1e-9)
    if plateau < points[-1][0]:
        limit = (
            f"; beyond {plateau:g} more adds nothing: another resource binds"
        )
    elif len(points) > 1 and points[-1][1] > points[-2][1]:
        limit = f"; it still rises at {points[-1][0]:g}: try more"
    else:
        limit = ""
    reach = [p for p in points if p[1] >= target]
    if not reach:
        return (
            f"No value of {name} tried reaches {pct(target)}; the best is "
            f"{pct(best)} at {plateau:g}{usual_text}{limit}."
        )
    value, share = reach[0]
    text = f"With {name} at {value:g}{usual_text} we serve {pct(share)}"
    below = [p for p in points if p[0] < value]
    if below:
        text += f"; at {below[-1][0]:g}, {pct(below[-1][1])}"
    return text + limit + "."


def _demand_below_target(
    points: list[tuple[float, float]], target: float, slack: float = 0.05
) -> str:
    """The first point already misses the target: say how far the share
    holds near its level (within ``slack``) as demand grows."""
    value, share = points[0]
    text = (
        f"Even at {value:g}× the usual demand we serve only {_pct(share)} "
        f"of the requested value (target {_pct(target)})"
    )
    holds = None
    for v, s in points[1:]:
        if s < share - slack:
            break
        holds = (v, s)
    if holds is not None:
        text += (
            f"; up to {holds[0]:g}× it stays within {slack * 100:g} points "
            f"of that ({_pct(holds[1])})"
        )
    after = [p for p in points[1:] if holds is None or p[0] > holds[0]]
    if after:
        text += f"; at {after[0][0]:g}× it falls to {_pct(after[0][1])}"
    return text + "."


def _knob_words(knob: Knob) -> str:
    return {
        "capacity": f"the capacity of {knob.target}",
        "groups": f"the groups at once at {knob.target}",
        "presenters": f"the presenters of {knob.target}",
        "vehicles": f"the vehicles of {knob.target}",
    }.get(knob.kind, knob.label)


def _pct(share: float) -> str:
    """81.3 %, 90 %, 100 %: rounded as in the tables."""
    return f"{round(share * 100, 1):g} %"
