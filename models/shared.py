"""Small builders so the pathway modules read like reaction lists.

Components are created unexported and added to the model explicitly (no
SelfExporter magic): ``add(model, X)`` returns X.
"""
from pysb import Annotation, Expression, Initial, Monomer, Observable, Rule

UNIPROT = "https://identifiers.org/uniprot:{}"
CHEBI = "https://identifiers.org/CHEBI:{}"


def add(model, component):
    model.add_component(component)
    return component


def monomer(model, name, sites, states, doc, uniprot=(), chebi=()):
    """A monomer with its identifiers: one accession -> ``is``, several -> ``hasPart``."""
    m = add(model, Monomer(name, sites, states, _export=False))
    m.__doc__ = doc
    uris = [UNIPROT.format(u) for u in uniprot] + [CHEBI.format(c) for c in chebi]
    predicate = "is" if len(uris) == 1 else "hasPart"
    for uri in uris:
        model.add_annotation(Annotation(m, uri, predicate, _export=False))
    return m


def rule(model, name, reaction, kf, kr=None, **options):
    """A rule; ``|`` reactions need ``kr``."""
    return add(model, Rule(name, reaction, kf, kr, _export=False, **options))


def scaled(model, name, *factors):
    """A constant expression: the product of parameters (a rate times its scale factors)."""
    value = factors[0]
    for factor in factors[1:]:
        value = value * factor
    return add(model, Expression(name, value, _export=False))


def initial(model, pattern, value, fixed=False):
    model.add_initial(Initial(pattern, value, fixed, _export=False))


def observable(model, name, pattern):
    return add(model, Observable(name, pattern, _export=False))
