"""Writing outputs so that nothing is half-written and nothing is lost.

A folder of outputs is written into a temporary folder beside the target
and moved into place when every file is on disk: a crash, a full disk or a
kill leaves the earlier folder as it was, never a truncated schedule.json
or a mix of old and new files. An existing non-empty folder (an earlier
plan, perhaps hand-edited) or file is replaced only with ``force``, and
even then it is kept beside, renamed ``<name>.replaced-<stamp>``.
Single files (a generated week) go the same way through a temporary file.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scheduler.errors import InputError, Problem

if TYPE_CHECKING:
    from collections.abc import Callable, Collection


@dataclass(frozen=True)
class Written:
    """What was written, and where the replaced output was kept (if any)."""

    paths: list[Path]
    kept: Path | None = None


def _refuse(path: Path, option: str, message: str) -> InputError:
    return InputError([Problem(str(path), option, message)])


def _os_message(exc: OSError) -> str:
    """An operating-system error in a coordinator's words, with a fix."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full; free some space or write elsewhere"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "no permission to write here; choose a folder you can write to"
    if exc.errno == errno.EROFS:
        return "the file system is read-only; write elsewhere"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder; fix the path"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long for the file system; use a shorter one"
    return f"cannot write: {exc.strerror or exc}; check the path"


def _aside(path: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.replaced-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.replaced-{stamp}-{n}")
    return candidate


def _sync_tree(folder: Path) -> None:
    """Flush every file to disk before the folder is moved into place."""
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def check_folder(out: Path, *, force: bool, option: str = "--out") -> bool:
    """Refuse an output folder before any work is done; True if it holds
    files (which ``force`` allows to replace)."""
    if out.exists() and not out.is_dir():
        raise _refuse(
            out,
            option,
            "is a file, not a folder; give a folder for the outputs",
        )
    occupied = out.is_dir() and any(out.iterdir())
    if occupied and not force:
        raise _refuse(
            out,
            option,
            "already holds files (an earlier plan, perhaps edited by hand); "
            "give a new folder, or add --force to replace it (the old "
            "folder is then kept as "
            f"{out.name}.replaced-<date>)",
        )
    return occupied


def write_folder(
    out: Path,
    write: Callable[[Path], list[Path]],
    *,
    force: bool = False,
    option: str = "--out",
) -> Written:
    """Run ``write`` into a temporary folder, then move it to ``out``.

    Raises ``InputError`` (the CLI's exit 2) when ``out`` is a file, holds
    files and ``force`` is not given, or cannot be written.
    """
    occupied = check_folder(out, force=force, option=option)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{out.name}.writing-", dir=out.parent)
        )
    except OSError as exc:
        raise _refuse(out, option, _os_message(exc)) from None
    try:
        paths = write(staging)
        _sync_tree(staging)
        kept = None
        if occupied:
            kept = _aside(out)
            out.rename(kept)
        elif out.is_dir():
            out.rmdir()
        staging.rename(out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _refuse(out, option, _os_message(exc)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Written([out / p.relative_to(staging) for p in paths], kept)


def write_file(
    out: Path,
    text: str,
    *,
    force: bool = False,
    inputs: Collection[Path] = (),
    option: str = "--out",
) -> Written:
    """Write ``text`` to ``out`` through a temporary file beside it.

    An input (``inputs``) is never written over, even with ``force``; an
    existing file is replaced only with ``force`` and kept beside.
    """
    if out.exists() and not out.is_file():
        raise _refuse(out, option, "is a folder; give a file name")
    target = out.resolve()
    if any(target == Path(p).resolve() for p in inputs):
        raise _refuse(
            out,
            option,
            "is one of this command's inputs; it is never written over, "
            "give another file name",
        )
    if out.exists() and not force:
        raise _refuse(
            out,
            option,
            "already exists; give a new file name, or add --force to "
            f"replace it (the old file is then kept as "
            f"{out.name}.replaced-<date>)",
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    except OSError as exc:
        raise _refuse(out, option, _os_message(exc)) from None
    staging = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        staging.chmod(0o644)
        kept = None
        if out.exists():
            kept = _aside(out)
            out.rename(kept)
        staging.rename(out)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise _refuse(out, option, _os_message(exc)) from None
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return Written([out], kept)
