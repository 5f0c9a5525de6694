"""Insulin and its receptor: binding, autophosphorylation, trafficking, turnover.

After Sedaghat, Sherman and Quon 2002 (BIOMD0000000137): insulin binds a first
receptor site (Kd about 3 nM); the bound receptor autophosphorylates its
beta-subunit tyrosines; a phosphorylated receptor can bind a second insulin;
PTP1B dephosphorylates; occupied receptors are internalised faster than free
ones, lose insulin in acidic endosomes and recycle; receptors are made into
and degraded from the endosomal pool (Reed and Lane 1980).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pysb import ANY

from .shared import initial, monomer, rule, scaled

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
    INS, INSR, PTPN1 = (model.monomers[n] for n in ("INS", "INSR", "PTPN1"))
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

    # INS + INSR(a1) <-> INS:INSR at the cell surface (first site)
    rule(model, "INS_binds_INSR_site1",
         INS(ir=None) + INSR(a1=None, a2=None, loc="pm")
         | INS(ir=1) % INSR(a1=1, a2=None, loc="pm"), kon1, p["koff_INS_site1"])
    # INS + INS:pINSR(a2) -> INS:pINSR:INS (second site, phosphorylated receptor only)
    rule(model, "INS_binds_INSR_site2",
         INS(ir=None) + INSR(a1=ANY, a2=None, y1150="p", loc="pm")
         >> INS(ir=2) % INSR(a1=ANY, a2=2, y1150="p", loc="pm"), kon2)
    rule(model, "INS_unbinds_INSR_site2",
         INS(ir=2) % INSR(a2=2, loc="pm") >> INS(ir=None) + INSR(a2=None, loc="pm"),
         p["koff_INS_site2"])
    # INS:INSR(y1150 u) -> INS:INSR(y1150 p)
    rule(model, "INSR_autophosphorylation",
         INSR(a1=ANY, y1150="u") >> INSR(a1=ANY, y1150="p"), kauto)
    # PTP1B: pINSR -> INSR, at the surface and (faster) in endosomes
    rule(model, "PTP1B_dephosphorylates_INSR",
         PTPN1() + INSR(y1150="p", loc="pm") >> PTPN1() + INSR(y1150="u", loc="pm"), kdephos)
    rule(model, "PTP1B_dephosphorylates_endosomal_INSR",
         PTPN1() + INSR(y1150="p", loc="endo") >> PTPN1() + INSR(y1150="u", loc="endo"),
         kdephos_endo)
    # INS:INSR(endo) -> INSR(endo): acidic endosomes release insulin (second site
    # first), which is degraded
    rule(model, "INS_released_in_endosome_site1",
         INS(ir=1) % INSR(a1=1, a2=None, loc="endo") >> INSR(a1=None, a2=None, loc="endo"),
         p["k_INS_endosomal_release"], delete_molecules=True)
    rule(model, "INS_released_in_endosome_site2",
         INS(ir=1) % INSR(a2=1, loc="endo") >> INSR(a2=None, loc="endo"),
         p["k_INS_endosomal_release"], delete_molecules=True)
    # INSR(pm) <-> INSR(endo): constitutive cycling of free receptor
    rule(model, "INSR_endocytosis",
         INSR(a1=None, a2=None, y1150="u", loc="pm")
         | INSR(a1=None, a2=None, y1150="u", loc="endo"),
         p["k_INSR_endocytosis"], p["k_INSR_recycling"])
    # pINSR(pm) <-> pINSR(endo): ligand-induced internalisation
    rule(model, "pINSR_endocytosis",
         INSR(y1150="p", loc="pm") | INSR(y1150="p", loc="endo"),
         p["k_pINSR_endocytosis"], p["k_pINSR_recycling"])
    # 0 -> INSR(endo) -> 0
    rule(model, "INSR_synthesis",
         None >> INSR(a1=None, a2=None, y1150="u", loc="endo"), ksyn)
    rule(model, "INSR_degradation",
         INSR(a1=None, a2=None, y1150="u", loc="endo") >> None, kdeg)
