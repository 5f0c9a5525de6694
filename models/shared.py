"""Small builders so the pathway modules read like reaction lists.

Components are created unexported and added to the model explicitly (no
SelfExporter magic): ``add(model, X)`` returns X.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pysb import Annotation, Expression, Initial, Monomer, Observable, Rule

if TYPE_CHECKING:
    from pysb import Model

UNIPROT = "https://identifiers.org/uniprot:{}"
CHEBI = "https://identifiers.org/CHEBI:{}"


def add(model: Model, component: Any) -> Any:
    model.add_component(component)
    return component


def monomer(model: Model, name: str, sites: Sequence[str], states: Mapping[str, Sequence[str]],
            doc: str, uniprot: Sequence[str] = (), chebi: Sequence[str] = ()) -> Monomer:
    """A monomer with its identifiers: one accession -> ``is``, several -> ``hasPart``."""
    m = add(model, Monomer(name, sites, states, _export=False))
    m.__doc__ = doc
    uris = [UNIPROT.format(u) for u in uniprot] + [CHEBI.format(c) for c in chebi]
    predicate = "is" if len(uris) == 1 else "hasPart"
    for uri in uris:
        model.add_annotation(Annotation(m, uri, predicate, _export=False))
    return m


def rule(model: Model, name: str, reaction: Any, kf: Any, kr: Any = None, **options: Any) -> Rule:
    """A rule; ``|`` reactions need ``kr``."""
    return add(model, Rule(name, reaction, kf, kr, _export=False, **options))


def scaled(model: Model, name: str, *factors: Any) -> Expression:
    """A constant expression: the product of parameters (a rate times its scale factors)."""
    value = factors[0]
    for factor in factors[1:]:
        value = value * factor
    return add(model, Expression(name, value, _export=False))


def initial(model: Model, pattern: Any, value: Any, fixed: bool = False) -> Initial:
    model.add_initial(Initial(pattern, value, fixed, _export=False))


def observable(model: Model, name: str, pattern: Any) -> Observable:
    return add(model, Observable(name, pattern, _export=False))
