"""Exceptions whose message is the one line the user sees: bad input, solver failure."""
from __future__ import annotations

from collections.abc import Iterable


class UserError(Exception):
    """Bad input from the user (file, id, option, range).

    The message is a single line naming what is wrong and what would be right.
    The CLI prints it as ``error: <message>`` and exits with status 2, never a
    traceback.
    """


class SimulationError(RuntimeError):
    """The solver failed. Analyses over many points record it in a row's status;
    a command about one simulation ends with one line (exit status 2)."""


def closest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates that look like ``name`` (for 'did you mean')."""
    import difflib

    candidates = list(candidates)
    hits = difflib.get_close_matches(name, candidates, n=n, cutoff=0.5)
    if not hits:
        low = name.lower()
        hits = [c for c in candidates if low in c.lower() or c.lower() in low][:n]
    return hits


def unknown(kind: str, name: str, candidates: Iterable[str]) -> UserError:
    """A UserError for an unknown id, naming the closest known ones."""
    candidates = list(candidates)
    hits = closest(name, candidates)
    if hits:
        hint = f"; closest: {', '.join(hits)}"
    elif candidates:
        more = f", ... ({len(candidates)} in all)" if len(candidates) > 8 else ""
        hint = f"; known: {', '.join(candidates[:8])}{more}"
    else:
        hint = ""
    return UserError(f"unknown {kind} '{name}'{hint}")
