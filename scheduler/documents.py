"""The files a user gives: text, YAML or JSON, and pydantic's errors.

Every problem names the file, the field path, what is wrong and how to fix
it (``InputError``); ``scheduler.loading`` and ``scheduler.portal_csv``
read through these.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from scheduler.errors import InputError, Problem

if TYPE_CHECKING:
    from pathlib import Path

M = TypeVar("M", bound=BaseModel)


MAX_BYTES = 20_000_000
"""The largest file read: a year of requests is far below; more is a mistake."""

MAX_NODES = 2_000_000
"""Values a document may expand to once YAML aliases are followed."""


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters (all but tab and line breaks): no spreadsheet cell,
invite or page can hold them, so a file carrying one is refused on reading
rather than failing an export later."""


def _control_message(text: str) -> str:
    char = CONTROL.search(text)
    code = f"U+{ord(char.group()):04X}" if char else "?"
    return (
        f"holds the control character {code}, which no spreadsheet or "
        "invite can hold; remove it"
    )


def _refuse(path: Path, message: str) -> InputError:
    return InputError([Problem(str(path), "", message)])


def is_file(path: Path) -> bool:
    """Whether a file is there; a name the system cannot hold (too long,
    a NUL in it) is no file either, never an ``OSError``."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def read_text(path: Path) -> str:
    """The text of a UTF-8 file, or ``InputError`` naming the file."""
    if not is_file(path):
        raise _refuse(path, "file not found; check the path")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _refuse(
            path,
            f"file is {size:,} bytes, more than the {MAX_BYTES:,} read; "
            "split it or check that it is the right file",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(
            path, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    found = CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise InputError(
            [
                Problem(
                    str(path), f"line {line}", _control_message(found.group())
                )
            ]
        )
    return text


def _line(mark: yaml.Mark | None) -> str:
    return f"line {mark.line + 1}" if mark is not None else "somewhere"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, strict where it is lenient: a key written
    twice (the later would silently win), an impossible date (Feb 30) and
    an alias bomb are errors with their line."""

    def construct_mapping(
        self, node: yaml.MappingNode, deep: bool = False
    ) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                earlier = seen.get(key)
            except TypeError:
                continue
            if earlier is not None:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f'"{key}" is written twice (first on '
                    f"{_line(earlier.start_mark)}); keep one",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f'"{node.value}" is not a real date or time ({exc}); '
                "correct it",
                node.start_mark,
            ) from None

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None:
            _expanded_size(node)
        return node


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp
)


def _expanded_size(root: yaml.Node) -> int:
    """Values in the document with every alias followed, refused past
    ``MAX_NODES``: a few lines of nested aliases can stand for billions."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise yaml.composer.ComposerError(
                None,
                None,
                "an alias refers to the value that holds it; remove it",
                node.start_mark,
            )
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        open_nodes.discard(key)
        if total > MAX_NODES:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"the aliases (*name) expand to more than {MAX_NODES:,} "
                "values; write the values out or use fewer aliases",
                node.start_mark,
            )
        sizes[key] = total
        return total

    return size(root)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(
                f'"{key}" is written twice in one object; keep one'
            )
        out[key] = value
    return out


def _json_constant(name: str) -> Any:
    raise ValueError(
        f"{name} is not a number a schedule can hold; write a number"
    )


def _yaml_message(exc: yaml.YAMLError) -> str:
    """PyYAML's message with its line, without its "<unicode string>"."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return str(exc)
    mark = exc.problem_mark or exc.context_mark
    parts = [p for p in (exc.context, exc.problem) if p]
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    return where + "; ".join(parts)


def _control_characters(path: Path, document: Any) -> None:
    """Refuse a text in ``document`` with a control character written as an
    escape (``"\\x17"`` in YAML, ``"\\u0017"`` in JSON), naming its field."""
    stack: list[tuple[str, Any]] = [("", document)]
    seen: set[int] = set()
    problems = []
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if CONTROL.search(value):
                problems.append(
                    Problem(str(path), where, _control_message(value))
                )
            continue
        if not isinstance(value, dict | list) or id(value) in seen:
            continue
        seen.add(id(value))  # an alias's value is walked once
        if isinstance(value, list):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(value))
            continue
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and CONTROL.search(key):
                problems.append(
                    Problem(str(path), name, _control_message(key))
                )
            stack.append((name, item))
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.path)[:20])


def read_document(path: Path) -> Any:
    """Parse a YAML or JSON file, or raise ``InputError`` naming the file."""
    text = read_text(path)
    is_json = path.suffix.lower() == ".json"
    try:
        if is_json:
            document = json.loads(
                text,
                object_pairs_hook=_json_object,
                parse_constant=_json_constant,
            )
        else:
            document = yaml.load(text, Loader=_Loader)  # a safe loader
    except json.JSONDecodeError as exc:
        raise _refuse(path, f"not valid JSON: {exc}") from None
    except yaml.YAMLError as exc:
        raise _refuse(path, f"not valid YAML: {_yaml_message(exc)}") from None
    except ValueError as exc:
        raise _refuse(path, f"not valid JSON: {exc}") from None
    except RecursionError:
        raise _refuse(
            path, "values are nested too deeply to read; check the brackets"
        ) from None
    _control_characters(path, document)
    return document


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
        elif err["type"] == "string_type" and isinstance(
            err.get("input"), bool
        ):
            message = (
                "YAML read this as a yes/no value (unquoted yes, no, on, "
                'off, true, false); put the text in quotes, e.g. "NO"'
            )
        problems.append(Problem(file, path, message))
    return problems


def validate(model: type[M], data: Any, file: str, prefix: str = "") -> M:
    """``model`` from ``data``, or ``InputError`` with each problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, file, prefix)) from None
