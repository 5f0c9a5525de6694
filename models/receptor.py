"""Insulin and its receptor: binding, autophosphorylation, endocytosis, recycling.

Binding and autophosphorylation after Sedaghat, Sherman and Quon 2002
(BIOMD0000000137): insulin binds a first receptor site; the bound receptor
autophosphorylates its beta-subunit tyrosines; a phosphorylated receptor can
bind a second insulin; dephosphorylation releases insulin from the receptor
(Sedaghat 2002: the dephosphorylated receptor returns to the free state).
Trafficking after Brännmark 2010 (receptor endocytosis is needed for the
overshoot of IR and IRS1 phosphorylation in human adipocytes): phosphorylated
receptor is internalised fast, dephosphorylated in endosomes (PTP1B, plus a
feedback from tyrosine-phosphorylated IRS1, their "X") and recycles to the
surface only once free of insulin and phosphate. Receptors are made into and
degraded from the endosomal pool (Reed and Lane 1980).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pysb import ANY, Expression

from .shared import add, initial, monomer, rule, scaled

if TYPE_CHECKING:
    from pysb import Model

    from .parameters import ParameterBook


def monomers(model: Model) -> None:
    monomer(model, "INS", ["ir"], {}, "insulin (extracellular, clamped at the input `insulin`)",
            uniprot=["P01308"])
    # a1/a2: the two insulin binding sites; y1150: activation-loop tyrosines
    # Y1146/Y1150/Y1151 (u/p); loc: plasma membrane or endosome
    monomer(model, "INSR", ["a1", "a2", "y1150", "loc"],
            {"y1150": ["u", "p"], "loc": ["pm", "endo"]}, "insulin receptor",
            uniprot=["P06213"])
    monomer(model, "PTPN1", [], {}, "PTP1B, tyrosine phosphatase of IR and IRS1",
            uniprot=["P18031"])


def initials(model: Model, p: ParameterBook) -> None:
    INS, INSR, PTPN1 = (model.monomers[n] for n in ("INS", "INSR", "PTPN1"))
    initial(model, INS(ir=None), p["insulin"], fixed=True)
    initial(model, INSR(a1=None, a2=None, y1150="u", loc="pm"),
            scaled(model, "INSR_surface_init", p["INSR_surface_0"], p["scale_INSR_total"]))
    initial(model, INSR(a1=None, a2=None, y1150="u", loc="endo"),
            scaled(model, "INSR_internal_init", p["INSR_internal_0"], p["scale_INSR_total"]))
    initial(model, PTPN1(), p["PTP1B_total"])


def rules(model: Model, p: ParameterBook) -> None:
    INS, INSR, PTPN1, IRS1 = (model.monomers[n] for n in ("INS", "INSR", "PTPN1", "IRS1"))
    kon1 = scaled(model, "kon_INS_site1_eff", p["kon_INS_site1"], p["scale_INSR_affinity"])
    kon2 = scaled(model, "kon_INS_site2_eff", p["kon_INS_site2"], p["scale_INSR_affinity"])
    kauto = scaled(model, "k_INSR_autophosphorylation_eff", p["k_INSR_autophosphorylation"],
                   p["scale_INSR_kinase"])
    kdephos = scaled(model, "k_INSR_dephosphorylation_eff", p["k_INSR_dephosphorylation"],
                     p["scale_PTP1B_activity"])
    kdephos_endo = scaled(model, "k_INSR_endosomal_dephosphorylation_eff",
                          p["k_INSR_endosomal_dephosphorylation"], p["scale_PTP1B_activity"])
    ksyn = scaled(model, "k_INSR_synthesis_eff", p["k_INSR_synthesis"], p["scale_INSR_total"])
    kdeg = scaled(model, "k_INSR_degradation_eff", p["k_INSR_degradation"],
                  p["scale_INSR_degradation"])
    # constitutive endocytosis set by the basal surface : internal ratio
    kendo = add(model, Expression(
        "k_INSR_endocytosis", p["k_INSR_recycling"] * p["INSR_internal_to_surface_basal"],
        _export=False))

    # INS + INSR(a1) <-> INS:INSR at the cell surface (first site)
    rule(model, "INS_binds_INSR_site1",
         INS(ir=None) + INSR(a1=None, a2=None, y1150="u", loc="pm")
         | INS(ir=1) % INSR(a1=1, a2=None, y1150="u", loc="pm"), kon1, p["koff_INS_site1"])
    # INS + INS:pINSR(a2) <-> INS:pINSR:INS (second site, phosphorylated receptor only)
    rule(model, "INS_binds_INSR_site2",
         INS(ir=None) + INSR(a1=ANY, a2=None, y1150="p", loc="pm")
         >> INS(ir=2) % INSR(a1=ANY, a2=2, y1150="p", loc="pm"), kon2)
    rule(model, "INS_unbinds_INSR_site2",
         INS(ir=2) % INSR(a2=2) >> INS(ir=None) + INSR(a2=None), p["koff_INS_site2"])
    # INS:INSR(y1150 u) -> INS:INSR(y1150 p)
    rule(model, "INSR_autophosphorylation",
         INSR(a1=ANY, y1150="u", loc="pm") >> INSR(a1=ANY, y1150="p", loc="pm"), kauto)
    # PTP1B + INS:pINSR -> PTP1B + INSR + (insulin released), at the surface
    rule(model, "PTP1B_dephosphorylates_INSR",
         PTPN1() + INS(ir=1) % INSR(a1=1, a2=None, y1150="p", loc="pm")
         >> PTPN1() + INSR(a1=None, a2=None, y1150="u", loc="pm"), kdephos,
         delete_molecules=True)
    # pINSR(pm) -> pINSR(endo): ligand-induced internalisation
    rule(model, "pINSR_endocytosis", INSR(y1150="p", loc="pm") >> INSR(y1150="p", loc="endo"),
         p["k_pINSR_endocytosis"])
    # PTP1B + INS:pINSR(endo) -> PTP1B + INSR(endo): endosomal dephosphorylation
    # releases (and degrades) insulin
    rule(model, "PTP1B_dephosphorylates_endosomal_INSR",
         PTPN1() + INS(ir=1) % INSR(a1=1, a2=None, y1150="p", loc="endo")
         >> PTPN1() + INSR(a1=None, a2=None, y1150="u", loc="endo"), kdephos_endo,
         delete_molecules=True)
    # pY-IRS1 + INS:pINSR(endo) -> pY-IRS1 + INSR(endo): the feedback of
    # Brännmark 2010 (their X, driven by IRS1), lumped onto pY-IRS1
    rule(model, "pIRS1_feedback_dephosphorylates_endosomal_INSR",
         IRS1(y612="p") + INS(ir=1) % INSR(a1=1, a2=None, y1150="p", loc="endo")
         >> IRS1(y612="p") + INSR(a1=None, a2=None, y1150="u", loc="endo"),
         p["k_INSR_endosomal_dephosphorylation_IRS1"], delete_molecules=True)
    # INSR(pm) <-> INSR(endo): constitutive cycling of free receptor
    rule(model, "INSR_endocytosis",
         INSR(a1=None, a2=None, y1150="u", loc="pm")
         | INSR(a1=None, a2=None, y1150="u", loc="endo"), kendo, p["k_INSR_recycling"])
    # 0 -> INSR(endo) -> 0
    rule(model, "INSR_synthesis",
         None >> INSR(a1=None, a2=None, y1150="u", loc="endo"), ksyn)
    rule(model, "INSR_degradation",
         INSR(a1=None, a2=None, y1150="u", loc="endo") >> None, kdeg)
