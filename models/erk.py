"""The mitogenic branch: SHC1 and ERK, to show selective insulin resistance.

The active receptor phosphorylates SHC1 (Y317), which through GRB2, SOS, RAS,
RAF and MEK (lumped into one step) activates ERK2; dual-specificity
phosphatases inactivate it. The branch does not go through IRS1 or PI3K, so
defects there impair the metabolic branch and leave ERK intact: selective
insulin resistance (Cusi 2000; Nyman 2014 adds ERK to the adipocyte model).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .shared import initial, monomer, rule, scaled

if TYPE_CHECKING:
    from pysb import Model

    from .parameters import ParameterBook


def monomers(model: Model) -> None:
    # y317: GRB2-binding tyrosine (u/p)
    monomer(model, "SHC1", ["y317"], {"y317": ["u", "p"]}, "SHC1", uniprot=["P29353"])
    # t185: activation loop T185/Y187 (u/p, lumped)
    monomer(model, "MAPK1", ["t185"], {"t185": ["u", "p"]}, "ERK2", uniprot=["P28482"])


def initials(model: Model, p: ParameterBook) -> None:
    initial(model, model.monomers["SHC1"](y317="u"), p["SHC1_total"])
    initial(model, model.monomers["MAPK1"](t185="u"), p["MAPK1_total"])


def rules(model: Model, p: ParameterBook) -> None:
    SHC1, MAPK1, INSR = (model.monomers[n] for n in ("SHC1", "MAPK1", "INSR"))
    kshc = scaled(model, "k_SHC1_phosphorylation_eff", p["k_SHC1_phosphorylation"],
                  p["scale_INSR_kinase"])
    # pINSR + SHC1 -> pINSR + pSHC1; pSHC1 -> SHC1
    rule(model, "pINSR_phosphorylates_SHC1_Y317",
         INSR(y1150="p") + SHC1(y317="u") >> INSR(y1150="p") + SHC1(y317="p"), kshc)
    rule(model, "SHC1_Y317_dephosphorylation", SHC1(y317="p") >> SHC1(y317="u"),
         p["k_SHC1_dephosphorylation"])
    # pSHC1 + ERK -> pSHC1 + pERK (GRB2/SOS/RAS/RAF/MEK lumped); pERK -> ERK
    rule(model, "pSHC1_activates_ERK",
         SHC1(y317="p") + MAPK1(t185="u") >> SHC1(y317="p") + MAPK1(t185="p"),
         p["k_ERK_activation"])
    rule(model, "ERK_inactivation", MAPK1(t185="p") >> MAPK1(t185="u"),
         p["k_ERK_inactivation"])
