"""Scenario sets: named parameter sets built from the catalogue, the same for every
analysis (healthy, every mechanism at a chosen strength, every cause)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import unknown

if TYPE_CHECKING:
    from .catalogue import Catalogue, Mechanism

STRENGTHS = ("resistant_end", "mid")


def mechanism_strength(catalogue: Catalogue, mechanism: Mechanism,
                       where: str = "resistant_end") -> float:
    """Strength of a mechanism at the end of its plausible range farthest from healthy
    (``resistant_end``) or half-way to it (``mid``; geometric for fold changes)."""
    if where not in STRENGTHS:
        raise unknown("strength position", where, STRENGTHS)
    end = catalogue.resistant_end(mechanism.name)
    if where == "resistant_end":
        return end
    if mechanism.kind == "fold" and end > 0:
        return float((mechanism.healthy * end) ** 0.5)
    return (mechanism.healthy + end) / 2


def scenario_set(catalogue: Catalogue, mechanisms: bool | Iterable[str] = False,
                 causes: bool | Iterable[str] = False, strength_at: str = "resistant_end",
                 settable: Iterable[str] | None = None) -> dict[str, dict[str, float]]:
    """name -> parameters: healthy, then each mechanism (all if ``True``, or those
    named) at ``strength_at``, then each cause (all if ``True``, or those named).
    ``settable``: the model's settable ids, checked against the catalogue's targets."""
    names = list(catalogue.mechanisms) if mechanisms is True else list(mechanisms or [])
    cause_names = list(catalogue.causes) if causes is True else list(causes or [])
    if settable is not None:
        if mechanisms is True or causes is True:   # "all": those that act on this model
            usable_m, usable_c = catalogue.applicable(settable)
            skipped = ([n for n in names if n not in usable_m] if mechanisms is True else []) + \
                      ([n for n in cause_names if n not in usable_c] if causes is True else [])
            if skipped:
                import sys
                print(f"note: {len(skipped)} catalogue entr{'y' if len(skipped) == 1 else 'ies'} "
                      f"act on parameters this model lacks and are left out: "
                      f"{', '.join(skipped)}", file=sys.stderr)
            names = [n for n in names if n in usable_m] if mechanisms is True else names
            cause_names = ([n for n in cause_names if n in usable_c] if causes is True
                           else cause_names)
            if not names and not cause_names:
                from .errors import UserError
                raise UserError("no mechanism or cause of the catalogue acts on this model's "
                                "parameters; give a catalogue of your own (--catalogue) whose "
                                "mechanisms target them")
        catalogue.check_targets(settable, names, cause_names)
    out: dict[str, dict[str, float]] = {"healthy": {}}
    for name in names:
        mech = catalogue.mechanism(name)
        s = catalogue.scenario(mechanisms={name: mechanism_strength(catalogue, mech, strength_at)})
        out[s.name] = dict(s.parameters)
    for cause in cause_names:
        s = catalogue.scenario(cause=cause)
        out[s.name] = dict(s.parameters)
    return out
