"""Rule 3: a lunch break free of visits and travel, every day out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from solvers.cpsat.variables import start_domain

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from scheduler.problem import DayData, ProblemData, Window
    from solvers.cpsat.variables import DayVars, Variables, VisitVars


def add_lunch(
    model: cp_model.CpModel, data: ProblemData, vars: Variables
) -> None:
    """Place lunch [a, a+m) ⊆ [L0, L1) of each day out, exactly as SPEC 3.

    b(v) = "v ends before its day's lunch". With the day's visits in order,
    b is 1…1 0…0 and lunch lies where it switches:

    b(v)                 ⇒ end(v) ≤ L1 − m          (v before lunch)
    present(v) ∧ ¬b(v)   ⇒ start(v) ≥ L0 + m        (v after lunch)
    move(v, w) ∧ b(w)    ⇒ b(v)                     (1…1 0…0 along the day)
    move(v, w)           ⇒ start(w) − end(v) ≥ travel(v, w) + m·(b(v) − b(w))
    leave(k, w) ∧ ¬b(w)  ⇒ start(w) ≥ L0 + m + travel(lodging, w)
    return(v, k) ∧ b(v)  ⇒ end(v) + travel(v, lodging) ≤ L1 − m

    Each line is necessary for some a, and together they give one: a =
    max(L0, end of the last visit before it) in the switching gap.
    """
    for route in vars.routes:
        for v in route.visits:
            if v.before_lunch is not None:
                _before_or_after(model, route.days, v)
        for move in route.moves:
            b_v, b_w = move.origin.before_lunch, move.target.before_lunch
            if b_v is None or b_w is None:
                continue
            model.add_bool_or([~move.literal, ~b_w, b_v])
            m = _minutes(route.days, move.origin)
            model.add(
                move.target.start - move.origin.end - m * b_v + m * b_w
                >= move.travel
            ).only_enforce_if(move.literal)
        for leave in route.leaves:
            b_w, day = leave.target.before_lunch, leave.day.day
            if b_w is None or day.lunch_minutes == 0:
                continue
            model.add(
                leave.target.start
                >= day.lunch[0] + day.lunch_minutes + leave.travel
            ).only_enforce_if([leave.literal, ~b_w])
        for back in route.returns:
            b_v, day = back.origin.before_lunch, back.day.day
            if b_v is None or day.lunch_minutes == 0:
                continue
            model.add(
                back.origin.end + back.travel
                <= day.lunch[1] - day.lunch_minutes
            ).only_enforce_if([back.literal, b_v])


def _minutes(days: tuple[DayVars, ...], v: VisitVars) -> int:
    """Lunch minutes on the visit's days (the same every day)."""
    return max(
        (d.day.lunch_minutes for d in days if d.day.index in v.days),
        default=0,
    )


def _before_or_after(
    model: cp_model.CpModel, days: tuple[DayVars, ...], v: VisitVars
) -> None:
    """b(v) ⇒ start(v) ∈ before-lunch starts; ¬b(v) ⇒ after-lunch starts."""
    b = v.before_lunch
    assert b is not None
    before: list[Window] = []
    after: list[Window] = []
    for day_vars in days:
        day: DayData = day_vars.day
        if day.index not in v.days:
            continue
        ranges = v.windows_on((day.lo, day.hi))
        if day.lunch_minutes == 0:
            before += ranges
            after += ranges
            continue
        latest = day.lunch[1] - day.lunch_minutes - v.duration
        earliest = day.lunch[0] + day.lunch_minutes
        before += [(lo, min(hi, latest)) for lo, hi in ranges if lo <= latest]
        after += [
            (max(lo, earliest), hi) for lo, hi in ranges if hi >= earliest
        ]
    model.add_implication(b, v.present)
    if before:
        model.add_linear_expression_in_domain(
            v.start, start_domain(before)
        ).only_enforce_if(b)
    else:
        model.add(b == 0)
    if after:
        model.add_linear_expression_in_domain(
            v.start, start_domain(after)
        ).only_enforce_if([v.present, ~b])
    else:
        model.add(b == v.present)
