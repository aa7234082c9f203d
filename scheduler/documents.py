"""The files a user gives: text, YAML or JSON, and pydantic's errors.

Every problem names the file, the field path, what is wrong and how to fix
it (``InputError``); ``scheduler.loading`` and ``scheduler.portal_csv``
read through these.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from scheduler.errors import InputError, Problem

if TYPE_CHECKING:
    from pathlib import Path

M = TypeVar("M", bound=BaseModel)


def read_text(path: Path) -> str:
    """The text of a UTF-8 file, or ``InputError`` naming the file."""
    if not path.is_file():
        raise InputError(
            [Problem(str(path), "", "file not found; check the path")]
        )
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    f"not UTF-8 text (byte {exc.start}); save the file as UTF-8",
                )
            ]
        ) from None


def read_document(path: Path) -> Any:
    """Parse a YAML or JSON file, or raise ``InputError`` naming the file."""
    text = read_text(path)
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        kind = "JSON" if path.suffix.lower() == ".json" else "YAML"
        raise InputError(
            [Problem(str(path), "", f"not valid {kind}: {exc}")]
        ) from None


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-before", "function-after", "tagged-union"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def problems_from(
    exc: ValidationError, file: str, prefix: str = ""
) -> list[Problem]:
    problems = []
    for err in exc.errors():
        path = _loc(tuple(err["loc"]))
        if prefix:
            path = (
                f"{prefix}.{path}"
                if path and not path.startswith("[")
                else prefix + path
            )
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field; check its spelling against the docs"
        elif err["type"] == "missing":
            message = "required field is missing"
        problems.append(Problem(file, path, message))
    return problems


def validate(model: type[M], data: Any, file: str, prefix: str = "") -> M:
    """``model`` from ``data``, or ``InputError`` with each problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, file, prefix)) from None
