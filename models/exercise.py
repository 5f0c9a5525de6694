"""Exercise: AMPK drives insulin-independent GLUT4 translocation.

Muscle contraction activates AMPK (T172), which moves GLUT4 to the membrane
without insulin (Hayashi 1998). Physical inactivity lowers GLUT4 expression
(a cause in the catalogue, through scale_GLUT4_total).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .shared import initial, monomer, rule, scaled

if TYPE_CHECKING:
    from pysb import Model

    from .parameters import ParameterBook


def monomers(model: Model) -> None:
    # t172: activation-loop site (u/p)
    monomer(model, "PRKAA2", ["t172"], {"t172": ["u", "p"]}, "AMPK alpha2", uniprot=["P54646"])


def initials(model: Model, p: ParameterBook) -> None:
    initial(model, model.monomers["PRKAA2"](t172="u"), p["PRKAA2_total"])


def rules(model: Model, p: ParameterBook) -> None:
    PRKAA2, GLUT4 = model.monomers["PRKAA2"], model.monomers["GLUT4"]
    kact = scaled(model, "k_AMPK_activation_eff", p["k_AMPK_activation"], p["AMPK_activity"])
    kexo = scaled(model, "k_GLUT4_exocytosis_AMPK_eff", p["k_GLUT4_exocytosis_AMPK"],
                  p["scale_GLUT4_translocation"])
    # AMPK <-> AMPK*, driven by AMPK_activity
    rule(model, "AMPK_activation", PRKAA2(t172="u") | PRKAA2(t172="p"), kact,
         p["k_AMPK_inactivation"])
    # AMPK* + GLUT4(gsv) -> AMPK* + GLUT4(pm)
    rule(model, "AMPK_drives_GLUT4_exocytosis",
         PRKAA2(t172="p") + GLUT4(loc="gsv") >> PRKAA2(t172="p") + GLUT4(loc="pm"), kexo)
