"""Akt: recruitment to PIP3 and phosphorylation by PDK1 (T308) and mTORC2 (S473).

Akt2 binds PIP3 through its PH domain; at the membrane PDK1 phosphorylates
T308 and mTORC2 S473 (Alessi 1997, Sarbassov 2005); phosphatases (PP2A,
PHLPP) remove both in the cytosol or at the membrane. Dephosphorylation as in
Sedaghat 2002 (half-life 0.1 min).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pysb import ANY

from .pi3k import PIP3
from .shared import initial, monomer, rule, scaled

if TYPE_CHECKING:
    from pysb import Model

    from .parameters import ParameterBook


def monomers(model: Model) -> None:
    # ph: PH domain (binds PIP3); t308, s473: activating phosphosites (u/p)
    monomer(model, "AKT2", ["ph", "t308", "s473"], {"t308": ["u", "p"], "s473": ["u", "p"]},
            "Akt2 (PKB beta)", uniprot=["P31751"])
    monomer(model, "PDPK1", [], {}, "PDK1", uniprot=["O15530"])
    monomer(model, "MTORC2", [], {}, "mTORC2 (MTOR + RICTOR)", uniprot=["P42345", "Q6R327"])


def initials(model: Model, p: ParameterBook) -> None:
    AKT2, PDPK1, MTORC2 = (model.monomers[n] for n in ("AKT2", "PDPK1", "MTORC2"))
    initial(model, AKT2(ph=None, t308="u", s473="u"), p["AKT2_total"])
    initial(model, PDPK1(), p["PDK1_total"])
    initial(model, MTORC2(), p["mTORC2_total"])


def rules(model: Model, p: ParameterBook) -> None:
    AKT2, PDPK1, MTORC2, PtdIns = (
        model.monomers[n] for n in ("AKT2", "PDPK1", "MTORC2", "PtdIns"))
    kpdk1 = scaled(model, "k_PDK1_AKT_T308_eff", p["k_PDK1_AKT_T308"], p["scale_AKT_activation"])
    kmtorc2 = scaled(model, "k_mTORC2_AKT_S473_eff", p["k_mTORC2_AKT_S473"],
                     p["scale_AKT_activation"])

    # AKT2 + PIP3 <-> AKT2:PIP3
    rule(model, "AKT2_binds_PIP3",
         AKT2(ph=None) + PtdIns(akt=None, **PIP3) | AKT2(ph=1) % PtdIns(akt=1, **PIP3),
         p["kon_AKT_PIP3"], p["koff_AKT_PIP3"])
    # PDK1 + AKT2:PIP3(T308 u) -> PDK1 + AKT2:PIP3(T308 p)
    rule(model, "PDK1_phosphorylates_AKT2_T308",
         PDPK1() + AKT2(ph=ANY, t308="u") >> PDPK1() + AKT2(ph=ANY, t308="p"), kpdk1)
    # mTORC2 + AKT2:PIP3(S473 u) -> mTORC2 + AKT2:PIP3(S473 p)
    rule(model, "mTORC2_phosphorylates_AKT2_S473",
         MTORC2() + AKT2(ph=ANY, s473="u") >> MTORC2() + AKT2(ph=ANY, s473="p"), kmtorc2)
    # AKT2(T308 p) -> AKT2(T308 u); AKT2(S473 p) -> AKT2(S473 u)
    rule(model, "AKT2_T308_dephosphorylation", AKT2(t308="p") >> AKT2(t308="u"),
         p["k_AKT_T308_dephosphorylation"])
    rule(model, "AKT2_S473_dephosphorylation", AKT2(s473="p") >> AKT2(s473="u"),
         p["k_AKT_S473_dephosphorylation"])
