"""IRS1: tyrosine phosphorylation by the active receptor, serine-307 inhibition.

Active (tyrosine-phosphorylated) receptor, at the surface or in endosomes,
phosphorylates IRS1 on its PI3K-binding tyrosine (Y612); PTP1B removes it
(Sedaghat 2002). Serine 307 (rodent numbering; S312 in human) is phosphorylated
by S6K1, JNK1, IKKbeta and PKCtheta (Aguirre 2000, Yuan 2001, Um 2004,
Kim 2004); S307-phosphorylated IRS1 is not tyrosine-phosphorylated and does
not bind PI3K. IRS1 is made and degraded, so its expression can be scaled.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .shared import initial, monomer, rule, scaled

if TYPE_CHECKING:
    from pysb import Model

    from .parameters import ParameterBook

SERINE_KINASES = (
    # (monomer, active pattern site, state, rate parameter, scale factor)
    ("RPS6KB1", "t389", "k_IRS1_S307_by_S6K1", "scale_S6K1_IRS1"),
    ("MAPK8", "t183", "k_IRS1_S307_by_JNK1", "scale_JNK_IRS1"),
    ("IKBKB", "s177", "k_IRS1_S307_by_IKBKB", "scale_IKK_IRS1"),
    ("PRKCQ", "t538", "k_IRS1_S307_by_PRKCQ", "scale_PKCtheta_IRS1"),
)


def monomers(model: Model) -> None:
    # y612: PI3K-binding tyrosine (u/p); s307: inhibitory serine (u/p); p85: PI3K site
    monomer(model, "IRS1", ["y612", "s307", "p85"], {"y612": ["u", "p"], "s307": ["u", "p"]},
            "insulin receptor substrate 1", uniprot=["P35568"])


def initials(model: Model, p: ParameterBook) -> None:
    IRS1 = model.monomers["IRS1"]
    initial(model, IRS1(y612="u", s307="u", p85=None),
            scaled(model, "IRS1_init", p["IRS1_total_0"], p["scale_IRS1_total"]))


def rules(model: Model, p: ParameterBook) -> None:
    IRS1, INSR, PTPN1 = (model.monomers[n] for n in ("IRS1", "INSR", "PTPN1"))
    kphos = scaled(model, "k_IRS1_Y_phosphorylation_eff", p["k_IRS1_Y_phosphorylation"],
                   p["scale_INSR_kinase"])
    kdephos = scaled(model, "k_IRS1_Y_dephosphorylation_eff", p["k_IRS1_Y_dephosphorylation"],
                     p["scale_PTP1B_activity"])
    ksyn = scaled(model, "k_IRS1_synthesis_eff", p["k_IRS1_synthesis"], p["scale_IRS1_total"])

    # 0 -> IRS1 -> 0 (free IRS1 only)
    rule(model, "IRS1_synthesis", None >> IRS1(y612="u", s307="u", p85=None), ksyn)
    rule(model, "IRS1_degradation", IRS1(p85=None) >> None, p["k_IRS1_degradation"])
    # pINSR + IRS1(Y612 u, S307 u) -> pINSR + IRS1(Y612 p)
    rule(model, "pINSR_phosphorylates_IRS1_Y612",
         INSR(y1150="p") + IRS1(y612="u", s307="u")
         >> INSR(y1150="p") + IRS1(y612="p", s307="u"), kphos)
    # PTP1B + pY-IRS1 (not bound to PI3K) -> PTP1B + IRS1
    rule(model, "PTP1B_dephosphorylates_IRS1_Y612",
         PTPN1() + IRS1(y612="p", p85=None) >> PTPN1() + IRS1(y612="u", p85=None), kdephos)
    # kinase* + IRS1(S307 u) -> kinase* + IRS1(S307 p)
    for kinase, site, rate, scale in SERINE_KINASES:
        active = model.monomers[kinase](**{site: "p"})
        rule(model, f"{kinase}_phosphorylates_IRS1_S307",
             active + IRS1(s307="u") >> active + IRS1(s307="p"),
             scaled(model, f"{rate}_eff", p[rate], p[scale]))
    # IRS1(S307 p) -> IRS1(S307 u)
    rule(model, "IRS1_S307_dephosphorylation", IRS1(s307="p") >> IRS1(s307="u"),
         p["k_IRS1_S307_dephosphorylation"])
