"""IRS1: tyrosine phosphorylation by the active receptor; two regulatory serines.

Active (tyrosine-phosphorylated) receptor, at the surface or in endosomes,
phosphorylates IRS1 on its PI3K-binding tyrosine (Y612); PTP1B removes it
(Sedaghat 2002). Two serine sites regulate it:

- s307 (rodent numbering; S312 in human): phosphorylated by mTORC1. In human
  adipocytes this feedback is *positive*: S307-phosphorylated IRS1 keeps its
  tyrosine phosphate longer (Brännmark 2013, whose model has
  IRS1-pY-pS307 dephosphorylated about 1000-fold slower than IRS1-pY).
  ``scale_mTORC1_IRS1_S307`` sets its strength (0 = no feedback).
- s636 (S636/S639): phosphorylated by S6K1, JNK1, IKKbeta and PKCtheta
  (Um 2004, Aguirre 2000, Yuan 2001, Kim 2004); S636-phosphorylated IRS1 is
  not tyrosine-phosphorylated and does not bind PI3K (the negative feedback
  and the stress inputs). Each kinase has its own scale factor.

IRS1 is made and degraded, so its expression can be scaled.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .shared import initial, monomer, rule, scaled

if TYPE_CHECKING:
    from pysb import Model

    from .parameters import ParameterBook

SERINE_636_KINASES = (
    # (monomer, active site, rate parameter, scale factor)
    ("RPS6KB1", "t389", "k_IRS1_S636_by_S6K1", "scale_S6K1_IRS1"),
    ("MAPK8", "t183", "k_IRS1_S636_by_JNK1", "scale_JNK_IRS1"),
    ("IKBKB", "s177", "k_IRS1_S636_by_IKBKB", "scale_IKK_IRS1"),
    ("PRKCQ", "t538", "k_IRS1_S636_by_PRKCQ", "scale_PKCtheta_IRS1"),
)


def monomers(model: Model) -> None:
    # y612: PI3K-binding tyrosine (u/p); s307: mTORC1 site, protects Y612 (u/p);
    # s636: inhibitory serine (u/p); p85: PI3K site
    monomer(model, "IRS1", ["y612", "s307", "s636", "p85"],
            {"y612": ["u", "p"], "s307": ["u", "p"], "s636": ["u", "p"]},
            "insulin receptor substrate 1", uniprot=["P35568"])


def initials(model: Model, p: ParameterBook) -> None:
    IRS1 = model.monomers["IRS1"]
    initial(model, IRS1(y612="u", s307="u", s636="u", p85=None),
            scaled(model, "IRS1_init", p["IRS1_total_0"], p["scale_IRS1_total"]))


def rules(model: Model, p: ParameterBook) -> None:
    IRS1, INSR, PTPN1, MTORC1 = (model.monomers[n] for n in ("IRS1", "INSR", "PTPN1", "MTORC1"))
    kphos = scaled(model, "k_IRS1_Y_phosphorylation_eff", p["k_IRS1_Y_phosphorylation"],
                   p["scale_INSR_kinase"])
    kdephos = scaled(model, "k_IRS1_Y_dephosphorylation_eff", p["k_IRS1_Y_dephosphorylation"],
                     p["scale_PTP1B_activity"])
    kdephos307 = scaled(model, "k_IRS1_Y_dephosphorylation_S307_eff",
                        p["k_IRS1_Y_dephosphorylation"], p["f_IRS1_Y_dephosphorylation_S307"],
                        p["scale_PTP1B_activity"])
    ksyn = scaled(model, "k_IRS1_synthesis_eff", p["k_IRS1_synthesis"], p["scale_IRS1_total"])
    k307 = scaled(model, "k_IRS1_S307_by_mTORC1_eff", p["k_IRS1_S307_by_mTORC1"],
                  p["scale_mTORC1_IRS1_S307"], p["scale_mTORC1_activity"])

    # 0 -> IRS1 -> 0 (free IRS1 only)
    rule(model, "IRS1_synthesis", None >> IRS1(y612="u", s307="u", s636="u", p85=None), ksyn)
    rule(model, "IRS1_degradation", IRS1(p85=None) >> None, p["k_IRS1_degradation"])
    # pINSR + IRS1(Y612 u, S636 u) -> pINSR + IRS1(Y612 p)
    rule(model, "pINSR_phosphorylates_IRS1_Y612",
         INSR(y1150="p") + IRS1(y612="u", s636="u")
         >> INSR(y1150="p") + IRS1(y612="p", s636="u"), kphos)
    # IRS1(Y612 u, S636 u) -> IRS1(Y612 p): insulin-independent basal phosphorylation
    # (IRS1-pY is about 20 % of its maximum at insulin 0 in human adipocytes, Brännmark 2010)
    rule(model, "IRS1_Y612_basal_phosphorylation",
         IRS1(y612="u", s636="u") >> IRS1(y612="p", s636="u"),
         p["k_IRS1_Y_phosphorylation_basal"])
    # PTP1B + pY-IRS1 (not bound to PI3K) -> PTP1B + IRS1; slower when S307 is phosphorylated
    rule(model, "PTP1B_dephosphorylates_IRS1_Y612",
         PTPN1() + IRS1(y612="p", s307="u", p85=None)
         >> PTPN1() + IRS1(y612="u", s307="u", p85=None), kdephos)
    rule(model, "PTP1B_dephosphorylates_IRS1_Y612_pS307",
         PTPN1() + IRS1(y612="p", s307="p", p85=None)
         >> PTPN1() + IRS1(y612="u", s307="p", p85=None), kdephos307)
    # mTORC1* + pY-IRS1(S307 u) -> mTORC1* + pY-IRS1(S307 p): the positive feedback
    rule(model, "mTORC1_phosphorylates_IRS1_S307",
         MTORC1(s2448="p") + IRS1(y612="p", s307="u")
         >> MTORC1(s2448="p") + IRS1(y612="p", s307="p"), k307)
    # IRS1(S307 p) -> IRS1(S307 u)
    rule(model, "IRS1_S307_dephosphorylation", IRS1(s307="p") >> IRS1(s307="u"),
         p["k_IRS1_S307_dephosphorylation"])
    # kinase* + IRS1(S636 u) -> kinase* + IRS1(S636 p): the inhibitory serine
    for kinase, site, rate, scale in SERINE_636_KINASES:
        active = model.monomers[kinase](**{site: "p"})
        rule(model, f"{kinase}_phosphorylates_IRS1_S636",
             active + IRS1(s636="u") >> active + IRS1(s636="p"),
             scaled(model, f"{rate}_eff", p[rate], p[scale]))
    # IRS1(S636 p) -> IRS1(S636 u)
    rule(model, "IRS1_S636_dephosphorylation", IRS1(s636="p") >> IRS1(s636="u"),
         p["k_IRS1_S636_dephosphorylation"])
