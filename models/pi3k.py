"""PI3K and the phosphoinositides: PIP2 -> PIP3 -> PI(3,4)P2.

After Sedaghat 2002: PI3K bound to pY-IRS1 makes PIP3 from PIP2 on top of a
basal synthesis; PTEN (3-phosphatase) returns PIP3 to PIP2; SHIP2
(5-phosphatase) turns PIP3 into PI(3,4)P2, which 3-/4-phosphatases and PIP5K
(lumped) return to PIP2. Unlike Sedaghat 2002, where PI(3,4)P2 went back to
PIP3 and SHIP2 had almost no effect, SHIP2 here takes 40 % of PIP3
turnover, as SHIP2 knockout and overexpression studies require (Clement 2001).
Lipids carry ChEBI identifiers (no UniProt accession). Akt bound to PIP3
protects it from the phosphatases.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pysb import ANY

from .shared import initial, monomer, rule, scaled

if TYPE_CHECKING:
    from pysb import Model

    from .parameters import ParameterBook

PIP2 = {"p3": "u", "p5": "p"}
PIP3 = {"p3": "p", "p5": "p"}
PI34P2 = {"p3": "p", "p5": "u"}


def monomers(model: Model) -> None:
    monomer(model, "PI3K", ["irs"], {}, "class IA PI3K, p85 alpha (PIK3R1) + p110 alpha (PIK3CA)",
            uniprot=["P27986", "P42336"])
    # p3/p5: phosphate at inositol position 3 / 5 (u/p); akt: Akt PH-domain site
    monomer(model, "PtdIns", ["p3", "p5", "akt"], {"p3": ["u", "p"], "p5": ["u", "p"]},
            "phosphatidylinositol phosphates: PI(4,5)P2, PI(3,4,5)P3, PI(3,4)P2",
            chebi=["18348", "16618", "16152"])
    monomer(model, "PTEN", [], {}, "PTEN, PIP3 3-phosphatase", uniprot=["P60484"])
    monomer(model, "INPPL1", [], {}, "SHIP2, PIP3 5-phosphatase", uniprot=["O15357"])


def initials(model: Model, p: ParameterBook) -> None:
    PI3K, PtdIns, PTEN, INPPL1 = (model.monomers[n] for n in ("PI3K", "PtdIns", "PTEN", "INPPL1"))
    initial(model, PI3K(irs=None), p["PI3K_total"])
    initial(model, PtdIns(akt=None, **PIP2), p["PIP_total"])
    initial(model, PTEN(), p["PTEN_total"])
    initial(model, INPPL1(), p["SHIP2_total"])


def rules(model: Model, p: ParameterBook) -> None:
    PI3K, PtdIns, PTEN, INPPL1, IRS1 = (
        model.monomers[n] for n in ("PI3K", "PtdIns", "PTEN", "INPPL1", "IRS1"))
    kcat = scaled(model, "k_PI3K_catalysis_eff", p["k_PI3K_catalysis"], p["scale_PI3K_activity"])
    kbasal = scaled(model, "k_PIP3_basal_synthesis_eff", p["k_PIP3_basal_synthesis"],
                    p["scale_PI3K_activity"])
    kpten = scaled(model, "k_PTEN_eff", p["k_PTEN"], p["scale_PTEN_activity"])
    kship = scaled(model, "k_SHIP2_eff", p["k_SHIP2"], p["scale_SHIP2_activity"])

    # PI3K + pY-IRS1 <-> PI3K:IRS1 (S636-phosphorylated IRS1 does not bind)
    rule(model, "PI3K_binds_IRS1",
         PI3K(irs=None) + IRS1(y612="p", s636="u", p85=None)
         >> PI3K(irs=1) % IRS1(y612="p", s636="u", p85=1), p["kon_PI3K_IRS1"])
    rule(model, "PI3K_unbinds_IRS1",
         PI3K(irs=1) % IRS1(p85=1) >> PI3K(irs=None) + IRS1(p85=None), p["koff_PI3K_IRS1"])
    # PI3K:IRS1 + PIP2 -> PI3K:IRS1 + PIP3, and basal PIP2 -> PIP3
    rule(model, "PI3K_phosphorylates_PIP2",
         PI3K(irs=ANY) + PtdIns(**PIP2) >> PI3K(irs=ANY) + PtdIns(**PIP3), kcat)
    rule(model, "PIP3_basal_synthesis", PtdIns(**PIP2) >> PtdIns(**PIP3), kbasal)
    # PTEN + PIP3 -> PTEN + PIP2 (free PIP3 only)
    rule(model, "PTEN_dephosphorylates_PIP3",
         PTEN() + PtdIns(akt=None, **PIP3) >> PTEN() + PtdIns(akt=None, **PIP2), kpten)
    # SHIP2 + PIP3 -> SHIP2 + PI(3,4)P2 -> PIP2
    rule(model, "SHIP2_dephosphorylates_PIP3",
         INPPL1() + PtdIns(akt=None, **PIP3) >> INPPL1() + PtdIns(akt=None, **PI34P2), kship)
    rule(model, "PI34P2_to_PIP2", PtdIns(**PI34P2) >> PtdIns(**PIP2), p["k_PI34P2_to_PIP2"])
