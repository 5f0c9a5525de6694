"""Clean SBML from the PySB model: readable ids, compartments, units, annotations.

PySB's own export writes ``__sN`` ids, amounts, one compartment and no units.
Here the network that BioNetGen generates from the rules is written with
libSBML instead:

* species ids from the molecular pattern (``IRS1_pY612_PI3K__cyt``), placed in
  their compartment (compartments.py);
* names a modeler can type in COPASI, unique per element kind: species
  ``IRS1 pY612:PI3K (cytosol)``, parameters and reactions by their id,
  compartments in words; the long descriptions, units, sources and BioNetGen
  patterns go into each element's XHTML notes;
* concentrations in nM. The rules count every cell species per litre of
  cytosol, so a species in compartment C enters each rate law as
  ``[S] * C / cytosol`` and every kinetic law is ``cytosol * (PySB rate)``:
  the same ODEs, in SBML's amount-per-time semantics;
* observables and expressions as parameters with assignment rules under their
  PySB names; insulin as a boundary species that follows the input parameter;
* units on the model and on every parameter and species; SBO terms; MIRIAM
  annotations (UniProt, ChEBI, GO, PubMed).
"""
from __future__ import annotations

import html
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import libsbml
import sympy
from pysb.bng import generate_equations
from pysb.generator.bng import format_complexpattern, format_reactionpattern

from .bng import find_bng
from .compartments import COMPARTMENTS, REFERENCE, compartment_of, scale_to_reference
from .parameters import TABLE, load_table

if TYPE_CHECKING:
    from pysb import ComplexPattern, Model

SHORT = {"extracellular": "ec", "plasma_membrane": "pm", "cytosol": "cyt",
         "endosome": "endo", "glut4_storage_vesicle": "gsv"}
LIPIDS = {("u", "p"): ("PIP2", "18348"), ("p", "p"): ("PIP3", "16618"),
          ("p", "u"): ("PI34P2", "16152")}
UNITS = {  # id: (kind, exponent, scale, multiplier) factors
    "min": [(libsbml.UNIT_KIND_SECOND, 1, 0, 60.0)],
    "zmol": [(libsbml.UNIT_KIND_MOLE, 1, -21, 1.0)],
    "pL": [(libsbml.UNIT_KIND_LITRE, 1, -12, 1.0)],
    "nM": [(libsbml.UNIT_KIND_MOLE, 1, -9, 1.0), (libsbml.UNIT_KIND_LITRE, -1, 0, 1.0)],
    "mM": [(libsbml.UNIT_KIND_MOLE, 1, -3, 1.0), (libsbml.UNIT_KIND_LITRE, -1, 0, 1.0)],
    "per_min": [(libsbml.UNIT_KIND_SECOND, -1, 0, 60.0)],
    "nM_per_min": [(libsbml.UNIT_KIND_MOLE, 1, -9, 1.0), (libsbml.UNIT_KIND_LITRE, -1, 0, 1.0),
                   (libsbml.UNIT_KIND_SECOND, -1, 0, 60.0)],
    "per_nM_per_min": [(libsbml.UNIT_KIND_MOLE, -1, -9, 1.0), (libsbml.UNIT_KIND_LITRE, 1, 0, 1.0),
                       (libsbml.UNIT_KIND_SECOND, -1, 0, 60.0)],
}
TABLE_UNITS = {"nM": "nM", "mM": "mM", "1/min": "per_min", "nM/min": "nM_per_min",
               "1/(nM*min)": "per_nM_per_min", "dimensionless": "dimensionless"}
EXPRESSION_UNITS = {"GLUT4_membrane_fraction": "dimensionless", "glucose_uptake": "nM_per_min"}

SBO_MACROMOLECULE, SBO_SIMPLE_CHEMICAL, SBO_COMPLEX = 245, 247, 253
SBO_MASS_ACTION, SBO_COMPARTMENT = 12, 290
SBO_PARAMETER = {"per_min": 9, "per_nM_per_min": 9, "nM_per_min": 9, "nM": 196, "mM": 196}
SBO_REACTION = (  # first keyword found in the rule name (reverse direction after '|')
    ("binds", 177, 180), ("unbinds", 180, 177), ("released", 180, 177),
    ("dephosphorylat", 330, 216), ("inactivation", 330, 216), ("phosphorylat", 216, 330),
    ("activat", 216, 330), ("PI34P2_to_PIP2", 330, 216), ("cytosis", 185, 185),
    ("recycling", 185, 185), ("drives", 185, 185), ("synthesis", 393, 179),
    ("degradation", 179, 393),
)
PUBMED = {"Sedaghat 2002": "12376338", "Brannmark 2013": "23400783", "Kahn 1978": "723640"}
DESCRIPTION = (
    "Rule-based (PySB) model of insulin signal transduction in an insulin-responsive cell and "
    "of the ways it breaks in insulin resistance: insulin binding and receptor "
    "autophosphorylation, internalisation and turnover; IRS1 tyrosine and serine-307 "
    "phosphorylation; PI3K, PIP3, PTEN and SHIP2; Akt activation by PDK1 and mTORC2; the "
    "mTORC1/S6K1 feedback; AS160 and GLUT4 translocation; glucose uptake; stress kinases "
    "(JNK1, IKKbeta, PKCtheta) driven by TNF-alpha and free fatty acids; AMPK. Time in "
    "minutes, concentrations in nM. Inputs: insulin, glucose, TNFa, FFA, AMPK_activity. "
    "Parameters named scale_* are resistance-mechanism scale factors (healthy = 1). "
    "Observables (pIR, pAKT_T308, ...) are per litre of cytosol.")


class ExportError(RuntimeError):
    """The network cannot be written as SBML (a bug, not a user error)."""


def generate(model: Model) -> Model:
    """Let BioNetGen expand the rules into species and reactions (once)."""
    if not model.species:
        find_bng()
        generate_equations(model)
    return model


# ---------------------------------------------------------------- identifiers
def _token(mp):
    """One molecule of a species: name plus its phosphorylated sites."""
    name = mp.monomer.name
    states = mp.site_conditions
    if name == "PtdIns":
        return LIPIDS[(states["p3"], states["p5"])][0]
    marks = [f"p{site.upper()}" for site in mp.monomer.sites
             if site != "loc" and states.get(site) == "p"]
    return "_".join([name] + marks)


def species_id(species: ComplexPattern) -> str:
    """Readable SBML id of a concrete species, e.g. ``INS2_INSR_pY1150__pm``."""
    tokens = Counter(_token(mp) for mp in species.monomer_patterns)
    order = [_token(mp) for mp in species.monomer_patterns]
    parts = []
    for token in dict.fromkeys(order):
        count = tokens[token]
        parts.append(token if count == 1 else f"{token.split('_')[0]}{count}"
                     + token[len(token.split('_')[0]):])
    return f"{'_'.join(parts)}__{SHORT[compartment_of(species)]}"


def _label(mp):
    """One molecule of a species in words: name plus phosphosites, ``IRS1 pY612``."""
    return _token(mp).replace("_", " ")


def compartment_name(place: str) -> str:
    """A compartment in words: ``plasma membrane``, ``GLUT4 storage vesicle``."""
    return place.replace("_", " ").replace("glut4", "GLUT4")


def species_name(species: ComplexPattern) -> str:
    """Short readable name, e.g. ``INS:INSR pY1150 (plasma membrane)``: molecules
    joined by ':', each with its phosphosites, then the compartment."""
    molecules = ":".join(_label(mp) for mp in species.monomer_patterns)
    return f"{molecules} ({compartment_name(compartment_of(species))})"


def bng_pattern(pattern: ComplexPattern) -> str:
    """BioNetGen notation, e.g. ``INS(ir!1).INSR(a1!1,a2,y1150~u,loc~pm)``."""
    return format_complexpattern(pattern)


def notes(*paragraphs: str) -> str:
    """XHTML notes: one paragraph per text (escaped)."""
    body = "".join(f"<p>{html.escape(text, quote=False)}</p>" for text in paragraphs if text)
    return f'<body xmlns="http://www.w3.org/1999/xhtml">{body}</body>'


# ---------------------------------------------------------------- math
def _formula(expr):
    """A sympy expression as an SBML L3 infix formula."""
    text = sympy.sstr(expr, full_prec=False).replace("**", "^")
    return text


def _math(expr):
    ast = libsbml.parseL3Formula(_formula(expr))
    if ast is None:
        raise ExportError(f"cannot parse formula {_formula(expr)}: {libsbml.getLastParseL3Error()}")
    return ast


# ---------------------------------------------------------------- builder
class _Writer:
    def __init__(self, model, level, version):
        self.pysb = generate(model)
        # names and units from the table the model was built with
        self.records = load_table(getattr(model, "parameter_table", TABLE))
        self.doc = libsbml.SBMLDocument(3, 2)
        self.sbml = self.doc.createModel()
        self.level, self.version = level, version
        self.ids = [species_id(s) for s in model.species]
        self.names = [species_name(s) for s in model.species]
        for what, values in (("ids", self.ids), ("names", self.names)):
            dup = [i for i, n in Counter(values).items() if n > 1]
            if dup:
                raise ExportError(f"species {what} not unique: {dup}")
        self.places = [compartment_of(s) for s in model.species]
        self.symbols = {}  # __sN -> sympy expression in SBML concentrations
        cyt = sympy.Symbol(REFERENCE)
        for i, place in enumerate(self.places):
            conc = sympy.Symbol(self.ids[i])
            self.symbols[sympy.Symbol(f"__s{i}")] = (
                conc if place == "extracellular" else conc * sympy.Symbol(place) / cyt)
        self._meta = 0

    def check(self, code, what):
        if code != libsbml.LIBSBML_OPERATION_SUCCESS:
            raise ExportError(f"libSBML failed on {what}: "
                              f"{libsbml.OperationReturnValue_toString(code)}")

    def metaid(self, element):
        self._meta += 1
        element.setMetaId(f"meta_{element.getId() or 'model'}_{self._meta}")

    def annotate(self, element, qualifier, uris, model_qualifier=False):
        if not element.isSetMetaId():
            self.metaid(element)
        cv = libsbml.CVTerm(libsbml.MODEL_QUALIFIER if model_qualifier
                            else libsbml.BIOLOGICAL_QUALIFIER)
        if model_qualifier:
            cv.setModelQualifierType(qualifier)
        else:
            cv.setBiologicalQualifierType(qualifier)
        for uri in uris:
            cv.addResource(uri)
        self.check(element.addCVTerm(cv), f"annotation of {element.getId()}")

    # -- parts
    def header(self):
        m = self.sbml
        m.setId(self.pysb.name)
        m.setName("Insulin signaling and insulin resistance (rule-based)")
        self.metaid(m)
        m.setNotes(notes(DESCRIPTION))
        self.annotate(m, libsbml.BQM_IS_DESCRIBED_BY,
                      [f"https://identifiers.org/pubmed:{p}" for p in PUBMED.values()], True)
        self.annotate(m, libsbml.BQM_IS_DERIVED_FROM,
                      ["https://identifiers.org/biomodels.db:BIOMD0000000137"], True)
        self.annotate(m, libsbml.BQB_HAS_TAXON, ["https://identifiers.org/taxonomy:9606"])
        for uid, factors in UNITS.items():
            ud = m.createUnitDefinition()
            ud.setId(uid)
            for kind, exponent, scale, multiplier in factors:
                u = ud.createUnit()
                u.setKind(kind)
                u.setExponent(exponent)
                u.setScale(scale)
                u.setMultiplier(multiplier)
        m.setTimeUnits("min")
        m.setSubstanceUnits("zmol")
        m.setExtentUnits("zmol")
        m.setVolumeUnits("pL")

    def compartments(self):
        for c in COMPARTMENTS:
            comp = self.sbml.createCompartment()
            comp.setId(c.name)
            comp.setName(compartment_name(c.name))
            comp.setNotes(notes(c.description))
            comp.setSpatialDimensions(3)
            comp.setSize(c.size)
            comp.setUnits("pL")
            comp.setConstant(True)
            comp.setSBOTerm(SBO_COMPARTMENT)
            self.annotate(comp, libsbml.BQB_IS, [f"https://identifiers.org/{c.go}"])

    def parameters(self):
        for p in self.pysb.parameters:
            par = self.sbml.createParameter()
            par.setId(p.name)
            record = self.records.get(p.name)
            unit = TABLE_UNITS[record.unit] if record else "dimensionless"
            par.setValue(p.value)
            par.setUnits(unit)
            par.setConstant(True)
            par.setName(p.name)
            if record:
                par.setNotes(notes(record.description, f"unit: {record.unit}",
                                   f"source: {record.source}"))
            if unit in SBO_PARAMETER:
                par.setSBOTerm(SBO_PARAMETER[unit])
        for e in self.pysb.expressions:
            par = self.sbml.createParameter()
            par.setId(e.name)
            par.setConstant(False)
            par.setUnits(EXPRESSION_UNITS.get(e.name) or self._unit_of(e.expr))
            par.setName(e.name)
            par.setNotes(notes(f"{e.name} = {_formula(e.expr)}"))
            rule = self.sbml.createAssignmentRule()
            rule.setVariable(e.name)
            rule.setMath(_math(e.expr))
        for o in self.pysb.observables:
            par = self.sbml.createParameter()
            par.setId(o.name)
            par.setConstant(False)
            par.setUnits("nM")
            par.setName(o.name)
            par.setNotes(notes(f"observable: every species matching "
                               f"{format_reactionpattern(o.reaction_pattern)}, "
                               "in nM per litre of cytosol"))
            par.setSBOTerm(196)
            terms = [c * self.symbols[sympy.Symbol(f"__s{s}")]
                     for s, c in zip(o.species, o.coefficients, strict=True)]
            rule = self.sbml.createAssignmentRule()
            rule.setVariable(o.name)
            rule.setMath(_math(sympy.Add(*terms) if terms else sympy.Integer(0)))

    def _unit_of(self, expr):
        """Unit of a constant expression: that of its first dimensioned parameter."""
        for sym in sorted(expr.free_symbols, key=lambda s: str(expr).find(s.name)):
            record = self.records.get(sym.name)
            if record and record.unit != "dimensionless":
                return TABLE_UNITS[record.unit]
        return "dimensionless"

    def species(self):
        initials = {str(ic.pattern): ic for ic in self.pysb.initials}
        for i, s in enumerate(self.pysb.species):
            sp = self.sbml.createSpecies()
            sid, place = self.ids[i], self.places[i]
            sp.setId(sid)
            sp.setName(self.names[i])
            sp.setNotes(notes(f"BioNetGen species: {bng_pattern(s)}"))
            sp.setCompartment(place)
            sp.setHasOnlySubstanceUnits(False)
            sp.setSubstanceUnits("zmol")
            ic = initials.get(str(s))
            fixed = bool(ic and ic.fixed)
            sp.setBoundaryCondition(fixed)
            sp.setConstant(False)
            sp.setInitialConcentration(0.0)
            if ic is not None:
                factor = scale_to_reference(place)
                value = ic.value
                if fixed:
                    if place != "extracellular":
                        raise ExportError(f"fixed species {sid} must be extracellular")
                    rule = self.sbml.createAssignmentRule()
                    rule.setVariable(sid)
                    rule.setMath(_math(sympy.Symbol(value.name)))
                else:
                    conv = sympy.Symbol(value.name) if factor == 1 else (
                        sympy.Symbol(value.name) * sympy.Symbol(REFERENCE) / sympy.Symbol(place))
                    ia = self.sbml.createInitialAssignment()
                    ia.setSymbol(sid)
                    ia.setMath(_math(conv))
                    sp.setInitialConcentration(float(value.get_value()) / factor)
            elif place == "extracellular":
                raise ExportError(f"extracellular species {sid} must be a clamped input")
            self._annotate_species(sp, s)

    def _annotate_species(self, sp, s):
        uris, molecules = [], 0
        for mp in s.monomer_patterns:
            molecules += 1
            if mp.monomer.name == "PtdIns":
                st = mp.site_conditions
                uris.append(f"https://identifiers.org/CHEBI:{LIPIDS[(st['p3'], st['p5'])][1]}")
                continue
            uris += [a.object for a in self.pysb.annotations if a.subject is mp.monomer]
        uris = list(dict.fromkeys(uris))
        single = molecules == 1 and len(uris) == 1
        if molecules > 1:
            sp.setSBOTerm(SBO_COMPLEX)
        elif uris and "CHEBI" in uris[0]:
            sp.setSBOTerm(SBO_SIMPLE_CHEMICAL)
        else:
            sp.setSBOTerm(SBO_MACROMOLECULE)
        if uris:
            self.annotate(sp, libsbml.BQB_IS if single else libsbml.BQB_HAS_PART, uris)

    def reactions(self):
        cyt = sympy.Symbol(REFERENCE)
        counts = Counter()
        for rxn in self.pysb.reactions:
            rule_name, reverse = rxn["rule"][0], rxn["reverse"][0]
            base = f"{rule_name}_rev" if reverse else rule_name
            counts[base] += 1
            r = self.sbml.createReaction()
            r.setId(f"{base}_{counts[base]}")
            r.setName(r.getId())
            r.setNotes(notes(f"rule {rule_name}{' (reverse)' if reverse else ''}: "
                             f"{self._side(rxn['reactants'])} -> {self._side(rxn['products'])}"))
            r.setReversible(False)
            sbo = self._reaction_sbo(rule_name, reverse)
            if sbo:
                r.setSBOTerm(sbo)
            for index, n in Counter(rxn["reactants"]).items():
                ref = r.createReactant()
                ref.setSpecies(self.ids[index])
                ref.setStoichiometry(n)
                ref.setConstant(True)
            for index, n in Counter(rxn["products"]).items():
                ref = r.createProduct()
                ref.setSpecies(self.ids[index])
                ref.setStoichiometry(n)
                ref.setConstant(True)
            law = r.createKineticLaw()
            law.setMath(_math(cyt * rxn["rate"].xreplace(self.symbols)))
            law.setSBOTerm(SBO_MASS_ACTION)

    def _side(self, indices):
        return " + ".join(self.names[i] for i in indices) or "nothing"

    @staticmethod
    def _reaction_sbo(rule_name, reverse):
        for key, forward, backward in SBO_REACTION:
            if key in rule_name:
                return backward if reverse else forward
        return None

    def write(self):
        self.header()
        self.compartments()
        self.parameters()
        self.species()
        self.reactions()
        doc = self.doc
        if (self.level, self.version) != (3, 2):
            props = libsbml.ConversionProperties()
            props.addOption("setLevelAndVersion", True)
            props.addOption("strict", True)
            props.setTargetNamespaces(libsbml.SBMLNamespaces(self.level, self.version))
            if doc.convert(props) != libsbml.LIBSBML_OPERATION_SUCCESS:
                raise ExportError(f"conversion to L{self.level}V{self.version} failed: "
                                  f"{doc.getErrorLog().toString()}")
        return libsbml.writeSBMLToString(doc)


def to_sbml(model: Model, level: int = 3, version: int = 2) -> str:
    """The model as an SBML string (Level 3 Version 2 unless asked otherwise)."""
    return _Writer(model, level, version).write()


OUTPUTS = {"insulin_signaling.xml": (3, 2), "insulin_signaling_l2v4.xml": (2, 4)}


def write_sbml(model: Model, folder: str | os.PathLike) -> list[Path]:
    """Write both SBML files into ``folder``; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (level, version) in OUTPUTS.items():
        path = folder / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(to_sbml(model, level, version), encoding="utf-8")
        tmp.replace(path)
        paths.append(path)
    return paths
