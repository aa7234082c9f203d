"""Reading a scenario file: its base, then its changes in order.

``load_instance`` takes a week file or a scenario file alike.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from scheduler.documents import is_file
from scheduler.errors import InputError, Problem
from scheduler.loading import (
    catalog_problems,
    instance_problems,
    problems_from,
    read_document,
    week_from_document,
)
from whatif.scenario.apply import apply_change
from whatif.scenario.schema import CHANGES, ScenarioFile, Source

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scheduler.model import Instance
    from whatif.scenario.schema import Change


_LOADING: list[Path] = []


@contextmanager
def _loading(path: Path) -> Iterator[None]:
    """Guard against a scenario that is (indirectly) its own base."""
    resolved = path.resolve()
    if resolved in _LOADING:
        chain = " -> ".join(p.name for p in [*_LOADING, resolved])
        raise InputError(
            [
                Problem(
                    str(path),
                    "base",
                    f"scenarios form a loop ({chain}); "
                    "a scenario's base must be a week or another scenario",
                )
            ]
        )
    _LOADING.append(resolved)
    try:
        yield
    finally:
        _LOADING.pop()


def load_instance(path: str | Path) -> Instance:
    """A week file, or a scenario file (``base:`` and ``changes:``)."""
    path = Path(path)
    data = read_document(path)
    if isinstance(data, dict) and "base" in data and "changes" in data:
        return load_scenario(path, data)
    return week_from_document(data, path)


def load_scenario(path: Path, data: dict[str, Any]) -> Instance:
    """The instance a scenario file describes: its base with the changes."""
    file = str(path)
    try:
        top = ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, file)) from None
    base_path = path.parent / top.base
    with _loading(path):
        if not is_file(base_path):
            raise InputError(
                [
                    Problem(
                        file,
                        "base",
                        f'base file "{base_path}" not found; '
                        "give the week file's path relative to this file",
                    )
                ]
            )
        instance = load_instance(base_path)
        changes = [
            parse_change(raw, Source(file, f"changes[{i}]"))
            for i, raw in enumerate(top.changes)
        ]
        for i, change in enumerate(changes):
            source = Source(file, f"changes[{i}]", base_path, top.seed)
            instance = apply_change(instance, change, source)
    instance = instance.model_copy(update={"name": top.name or path.stem})
    check_result(instance, file)
    return instance


def parse_change(raw: Any, source: Source) -> Change:
    """One entry of ``changes:`` as a typed change, or a clear error."""
    kinds = ", ".join(CHANGES)
    if not isinstance(raw, dict) or "change" not in raw:
        raise source.problem(
            "change", f"each change is a mapping with `change:` one of {kinds}"
        )
    kind = raw["change"]
    model = CHANGES.get(str(kind))
    if model is None:
        raise source.problem(
            "change", f'unknown change "{kind}"; choose one of {kinds}'
        )
    try:
        change: Change = model.model_validate(raw)  # type: ignore[assignment]
    except ValidationError as exc:
        raise InputError(
            problems_from(exc, source.file, source.where)
        ) from None
    return change


def check_result(instance: Instance, file: str) -> None:
    """The loading cross-checks, run again on the changed instance."""
    problems = catalog_problems(instance.catalog, file) + instance_problems(
        instance, file
    )
    if problems:
        raise InputError(
            [
                Problem(p.file, p.path, f"{p.message} (after the changes)")
                for p in problems
            ]
        )
