"""Stress kinases: inflammation (TNF-alpha) and lipid excess (FFA) act on IRS1.

TNF-alpha activates JNK1 and IKKbeta (Hotamisligil 1996, Yuan 2001); free
fatty acids, through DAG, activate PKCtheta (Griffin 1999, Kim 2004). Each
has a small basal activity. Their phosphorylation of IRS1-S636 is in irs.py.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pysb import Expression

from .shared import add, initial, monomer, rule

if TYPE_CHECKING:
    from pysb import Model

    from .parameters import ParameterBook

KINASES = (
    # (monomer, activation site, input, UniProt, description)
    ("MAPK8", "t183", "TNFa", "P45983", "JNK1"),
    ("IKBKB", "s177", "TNFa", "O14920", "IKKbeta"),
    ("PRKCQ", "t538", "FFA", "Q04759", "PKCtheta"),
)


def monomers(model: Model) -> None:
    for name, site, _, uniprot, doc in KINASES:
        # activation-loop site (u/p)
        monomer(model, name, [site], {site: ["u", "p"]}, doc, uniprot=[uniprot])


def initials(model: Model, p: ParameterBook) -> None:
    for name, site, *_ in KINASES:
        initial(model, model.monomers[name](**{site: "u"}), p[f"{name}_total"])


def rules(model: Model, p: ParameterBook) -> None:
    for name, site, driver, *_ in KINASES:
        kinase = model.monomers[name]
        # kinase <-> kinase*, activation = basal + per unit of its input
        kact = add(model, Expression(
            f"k_{name}_activation", p[f"k_{name}_activation_basal"]
            + p[f"k_{name}_activation_{driver}"] * p[driver], _export=False))
        rule(model, f"{name}_activation", kinase(**{site: "u"}) | kinase(**{site: "p"}),
             kact, p[f"k_{name}_inactivation"])
