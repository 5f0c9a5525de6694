"""AS160 and GLUT4 traffic; glucose uptake.

Active Akt phosphorylates AS160 (TBC1D4) on T642, inhibiting its Rab-GAP
activity, which raises GLUT4 exocytosis from storage vesicles (Sano 2003).
GLUT4 is endocytosed with a half-time of about 4 min, 4 % sits at the
membrane at basal and about 40 % after insulin (Sedaghat 2002). Active AMPK
also drives exocytosis (exercise.py). GLUT4 is made into and degraded from
the vesicles (Sedaghat 2002 k14, k-14). Glucose uptake (expression in
model.py) is Michaelis-Menten in glucose through membrane GLUT4 plus GLUT1.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .shared import initial, monomer, rule, scaled

if TYPE_CHECKING:
    from pysb import Model

    from .parameters import ParameterBook


def monomers(model: Model) -> None:
    # t642: Akt site (u/p)
    monomer(model, "TBC1D4", ["t642"], {"t642": ["u", "p"]}, "AS160", uniprot=["O60343"])
    # loc: storage vesicle or plasma membrane
    monomer(model, "GLUT4", ["loc"], {"loc": ["gsv", "pm"]}, "GLUT4 (SLC2A4)",
            uniprot=["P14672"])


def initials(model: Model, p: ParameterBook) -> None:
    initial(model, model.monomers["TBC1D4"](t642="u"), p["TBC1D4_total"])
    initial(model, model.monomers["GLUT4"](loc="gsv"),
            scaled(model, "GLUT4_init", p["GLUT4_total_0"], p["scale_GLUT4_total"]))


def rules(model: Model, p: ParameterBook) -> None:
    TBC1D4, GLUT4, AKT2 = (model.monomers[n] for n in ("TBC1D4", "GLUT4", "AKT2"))
    kas160 = scaled(model, "k_AS160_phosphorylation_eff", p["k_AS160_phosphorylation"],
                    p["scale_AS160_phosphorylation"])
    kexo = scaled(model, "k_GLUT4_exocytosis_AS160_eff", p["k_GLUT4_exocytosis_AS160"],
                  p["scale_GLUT4_translocation"])
    ksyn = scaled(model, "k_GLUT4_synthesis_eff", p["k_GLUT4_synthesis"],
                  p["scale_GLUT4_total"])

    # pAKT2 + AS160 -> pAKT2 + pAS160; pAS160 -> AS160
    rule(model, "AKT2_phosphorylates_AS160_T642",
         AKT2(t308="p") + TBC1D4(t642="u") >> AKT2(t308="p") + TBC1D4(t642="p"), kas160)
    rule(model, "AS160_T642_dephosphorylation", TBC1D4(t642="p") >> TBC1D4(t642="u"),
         p["k_AS160_dephosphorylation"])
    # GLUT4(gsv) <-> GLUT4(pm): basal exocytosis and endocytosis
    rule(model, "GLUT4_basal_exocytosis", GLUT4(loc="gsv") | GLUT4(loc="pm"),
         p["k_GLUT4_exocytosis_basal"], p["k_GLUT4_endocytosis"])
    # pAS160 + GLUT4(gsv) -> pAS160 + GLUT4(pm)
    rule(model, "pAS160_drives_GLUT4_exocytosis",
         TBC1D4(t642="p") + GLUT4(loc="gsv") >> TBC1D4(t642="p") + GLUT4(loc="pm"), kexo)
    # 0 -> GLUT4(gsv) -> 0
    rule(model, "GLUT4_synthesis", None >> GLUT4(loc="gsv"), ksyn)
    rule(model, "GLUT4_degradation", GLUT4(loc="gsv") >> None, p["k_GLUT4_degradation"])
