"""Random damage to a valid document, the way careless hands do it.

``documents`` draws a mutated copy of a parsed file (a tree of dicts and
lists): a value replaced by one of another type or out of range, a key
deleted or renamed, a list item duplicated, two values swapped.
``damaged_text`` then may cut the serialized text short or insert a
line of YAML specials (aliases, tags, tabs, a repeated key).
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

Path = tuple[Any, ...]

ODD_VALUES: list[Any] = [
    True,
    False,
    None,
    "",
    "yes",
    "x",
    0,
    -1,
    1,
    10**30,
    1e30,
    -1e30,
    float("inf"),
    float("-inf"),
    float("nan"),
    [],
    {},
    [1, 2],
    {"a": 1},
    "a" * 70,
    "é" * 5000,
    "2026-02-30",
    "2026-13-01T25:61",
    "25:99-08:00",
    "08:00-07:00",
    "../../../../etc/passwd",
    "con",
]

YAML_SPECIALS = [
    "\t",
    "&a [1, 2]",
    "*nowhere",
    "!!python/object/apply:os.system ['true']",
    "name: again",
    "? [a, b]",
    "%YAML 9.9",
    "---",
    "...",
    "key: : value",
    "a: &x [*x]",
]


def paths(node: Any, prefix: Path = ()) -> list[Path]:
    """Every place in the tree, the root's children first."""
    out: list[Path] = []
    items: list[tuple[Any, Any]] = (
        list(node.items())
        if isinstance(node, dict)
        else list(enumerate(node))
        if isinstance(node, list)
        else []
    )
    for key, child in items:
        out.append((*prefix, key))
        out += paths(child, (*prefix, key))
    return out


def _parent(doc: Any, path: Path) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


@st.composite
def documents(draw: st.DrawFn, original: Any) -> tuple[Any, str]:
    """A mutated deep copy of ``original`` and what was done, in words."""
    doc = copy.deepcopy(original)
    places = paths(doc)
    if not places:
        return doc, "unchanged"
    path = draw(st.sampled_from(places))
    parent = _parent(doc, path)
    key = path[-1]
    op = draw(
        st.sampled_from(
            [
                "replace",
                "replace",
                "replace",
                "delete",
                "duplicate",
                "rename",
                "swap",
            ]
        )
    )
    where = ".".join(str(p) for p in path)
    if op == "replace":
        value = draw(st.sampled_from(ODD_VALUES))
        parent[key] = copy.deepcopy(value)
        return doc, f"{where} = {value!r:.40}"
    if op == "delete":
        del parent[key]
        return doc, f"del {where}"
    if op == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
        return doc, f"duplicate {where}"
    if op == "rename" and isinstance(parent, dict):
        value = parent.pop(key)
        parent[f"{key}_x" if draw(st.booleans()) else str(key).upper()] = value
        return doc, f"rename {where}"
    other = draw(st.sampled_from(places))
    try:
        other_parent = _parent(doc, other)
        parent[key], other_parent[other[-1]] = (
            other_parent[other[-1]],
            parent[key],
        )
    except (KeyError, IndexError, TypeError):
        return doc, f"swap {where} (no-op)"
    return doc, f"swap {where} with {'.'.join(map(str, other))}"


@st.composite
def damaged_text(
    draw: st.DrawFn, text: str, yaml: bool = True
) -> tuple[str, str]:
    """The text whole (most often), cut short, or with a special line."""
    op = draw(
        st.sampled_from(["whole", "whole", "whole", "truncate", "special"])
    )
    if op == "truncate" and text:
        at = draw(st.integers(0, len(text) - 1))
        return text[:at], f"cut at {at}"
    if op == "special":
        lines = text.splitlines()
        at = draw(st.integers(0, len(lines)))
        special = draw(
            st.sampled_from(
                YAML_SPECIALS if yaml else ["\x00", "{", "]", '"', "NaN"]
            )
        )
        lines.insert(at, special)
        return "\n".join(lines) + "\n", f"line {at}: {special!r}"
    return text, ""
