"""Capture what native solvers print on the process' standard error.

libroadrunner (CVODE, NLEQ2) writes its failures straight to file descriptor 2,
as ANSI-coloured log lines, besides raising an exception. :func:`captured`
points fd 2 at a private temporary file for the duration of a solver call, so
nothing reaches the terminal; what was written is available (ANSI codes
stripped, one line) to be put into a row's status message or the one-line
error. The redirect costs a few system calls, not a file per call.
"""
from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SINK: list[int] = []          # one temporary file per process, reused
_DEPTH = [0]


class Captured:
    """What the native code wrote during the block (``text``, one line)."""

    def __init__(self) -> None:
        self.raw = ""

    @property
    def text(self) -> str:
        return clean(self.raw)


def clean(text: str, limit: int = 300) -> str:
    """ANSI codes removed, whitespace folded, at most ``limit`` characters."""
    return " ".join(_ANSI.sub("", text).split())[:limit]


def _sink() -> int:
    if not _SINK or _SINK[0] < 0:
        fd, path = tempfile.mkstemp(prefix=".solver-stderr-")
        os.unlink(path)
        _SINK[:] = [fd]
    return _SINK[0]


@contextlib.contextmanager
def captured() -> Iterator[Captured]:
    """Redirect fd 2 to a private file for the block; the text is on the result."""
    result = Captured()
    if _DEPTH[0]:              # already redirected by an enclosing block
        yield result
        return
    try:
        sys.stderr.flush()
    except (AttributeError, ValueError):
        pass
    try:
        sink = _sink()
        saved = os.dup(2)
    except OSError:            # no fd 2 (embedded use): nothing to capture
        yield result
        return
    os.lseek(sink, 0, os.SEEK_SET)
    os.ftruncate(sink, 0)
    os.dup2(sink, 2)
    _DEPTH[0] += 1
    try:
        yield result
    finally:
        _DEPTH[0] -= 1
        os.dup2(saved, 2)
        os.close(saved)
        size = os.lseek(sink, 0, os.SEEK_END)
        if size:
            os.lseek(sink, 0, os.SEEK_SET)
            result.raw = os.read(sink, min(size, 1 << 16)).decode("utf-8", "replace")


def quiet(method: F) -> F:
    """Decorator: the method's native solver output is captured, not printed."""
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with captured():
            return method(*args, **kwargs)
    return wrapper  # type: ignore[return-value]
