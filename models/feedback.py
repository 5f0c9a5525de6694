"""mTORC1 and S6K1: the two feedbacks to IRS1.

Active Akt activates mTORC1 (via TSC2 and PRAS40; S2448 as its marker),
mTORC1 phosphorylates S6K1-T389; in irs.py mTORC1 phosphorylates IRS1-S307
(positive feedback, Brännmark 2013) and S6K1 IRS1-S636 (negative feedback,
Um 2004). ``scale_mTORC1_activity`` = 0 mimics rapamycin (both feedbacks).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .shared import initial, monomer, rule, scaled

if TYPE_CHECKING:
    from pysb import Model

    from .parameters import ParameterBook


def monomers(model: Model) -> None:
    # s2448: activation marker (u/p)
    monomer(model, "MTORC1", ["s2448"], {"s2448": ["u", "p"]}, "mTORC1 (MTOR + RPTOR)",
            uniprot=["P42345", "Q8N122"])
    # t389: mTORC1 site (u/p)
    monomer(model, "RPS6KB1", ["t389"], {"t389": ["u", "p"]}, "S6K1", uniprot=["P23443"])


def initials(model: Model, p: ParameterBook) -> None:
    initial(model, model.monomers["MTORC1"](s2448="u"), p["mTORC1_total"])
    initial(model, model.monomers["RPS6KB1"](t389="u"), p["S6K1_total"])


def rules(model: Model, p: ParameterBook) -> None:
    MTORC1, RPS6KB1, AKT2 = (model.monomers[n] for n in ("MTORC1", "RPS6KB1", "AKT2"))
    ks6k = scaled(model, "k_S6K1_phosphorylation_eff", p["k_S6K1_phosphorylation"],
                  p["scale_mTORC1_activity"])
    # pAKT2 + mTORC1 -> pAKT2 + mTORC1*; mTORC1* -> mTORC1
    rule(model, "AKT2_activates_mTORC1",
         AKT2(t308="p") + MTORC1(s2448="u") >> AKT2(t308="p") + MTORC1(s2448="p"),
         p["k_mTORC1_activation"])
    rule(model, "mTORC1_inactivation", MTORC1(s2448="p") >> MTORC1(s2448="u"),
         p["k_mTORC1_inactivation"])
    # mTORC1* + S6K1 -> mTORC1* + pS6K1; pS6K1 -> S6K1
    rule(model, "mTORC1_phosphorylates_S6K1_T389",
         MTORC1(s2448="p") + RPS6KB1(t389="u") >> MTORC1(s2448="p") + RPS6KB1(t389="p"), ks6k)
    rule(model, "S6K1_T389_dephosphorylation", RPS6KB1(t389="p") >> RPS6KB1(t389="u"),
         p["k_S6K1_dephosphorylation"])
