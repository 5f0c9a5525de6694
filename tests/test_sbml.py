"""The exported SBML: in sync with the rules, valid, readable, annotated, and the
same model in PySB, roadrunner and COPASI."""
import re
from pathlib import Path

import libsbml
import numpy as np
import pytest
import roadrunner
from pysb.simulator import ScipyOdeSimulator

from analysis import copasi
from analysis.loader import Model, consistency_report
from models.export import OUTPUTS, generate, to_sbml
from models.model import build_model

SBML_DIR = Path(__file__).resolve().parents[1] / "sbml"   # the committed files
FILES = [SBML_DIR / name for name in OUTPUTS]
TIMES = np.linspace(0.0, 60.0, 61)
SCENARIOS = {
    "healthy": {"insulin": 10.0},
    "two scale factors": {"insulin": 10.0, "scale_INSR_total": 0.5, "scale_PTEN_activity": 2.0},
    "stress": {"insulin": 10.0, "TNFa": 1.0},
}


@pytest.fixture(scope="module")
def pysb_model():
    return generate(build_model())


def _document(path):
    doc = libsbml.readSBMLFromFile(str(path))
    assert doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0
    return doc


def _canonical(text):
    return libsbml.writeSBMLToString(libsbml.readSBMLFromString(text))


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_committed_sbml_is_what_the_rules_export(pysb_model, name):
    level, version = OUTPUTS[name]
    fresh = _canonical(to_sbml(pysb_model, level, version))
    committed = _canonical((SBML_DIR / name).read_text())
    assert committed == fresh, f"sbml/{name} is stale: run `make sbml` and commit it"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_libsbml_finds_no_error_and_no_unit_warning(path):
    report = consistency_report(path, units=True)
    assert (report["errors"], report["warnings"], report["unit_warnings"]) == (0, 0, 0), \
        report["messages"][:3]


def test_levels_versions_and_units():
    assert [(d.getLevel(), d.getVersion()) for d in map(_document, FILES)] == [(3, 2), (2, 4)]
    model = _document(FILES[0]).getModel()
    assert (model.getTimeUnits(), model.getSubstanceUnits(), model.getVolumeUnits()) == \
        ("min", "zmol", "pL")
    for element in list(model.getListOfParameters()) + list(model.getListOfCompartments()):
        assert element.isSetUnits(), element.getId()
    for species in model.getListOfSpecies():
        assert species.getSubstanceUnits() == "zmol" and not species.getHasOnlySubstanceUnits()


def test_ids_are_readable_and_names_present():
    model = _document(FILES[0]).getModel()
    ids = [e.getId() for group in (model.getListOfCompartments(), model.getListOfSpecies(),
                                   model.getListOfParameters(), model.getListOfReactions(),
                                   model.getListOfUnitDefinitions()) for e in group]
    assert len(ids) == len(set(ids))
    assert not [i for i in ids if i.startswith("__")]
    for species in model.getListOfSpecies():
        assert re.fullmatch(r"[A-Za-z0-9]+(_[A-Za-z0-9]+)*__(ec|pm|cyt|endo|gsv)", species.getId())
        assert species.getName()
    assert model.getSpecies("IRS1_pY612_PI3K__cyt") is not None
    assert model.getSpecies("INS2_INSR_pY1150__pm") is not None
    rules = {r.getVariable() for r in model.getListOfRules()}
    for name in ("pIR", "pAKT_T308", "GLUT4_membrane_fraction", "glucose_uptake"):
        assert name in rules and not model.getParameter(name).getConstant()
    for name in ("insulin", "glucose", "TNFa", "FFA", "AMPK_activity", "scale_GLUT4_total"):
        assert model.getParameter(name).getConstant()
    reaction_ids = [r.getId() for r in model.getListOfReactions()]
    assert "INS_binds_INSR_site1_1" in reaction_ids


NAME_LENGTH = 48
PLACES = "extracellular|plasma membrane|cytosol|endosome|GLUT4 storage vesicle"
SPECIES_NAME = re.compile(r"[A-Za-z0-9]+( p[A-Z][0-9]+)*(:[A-Za-z0-9]+( p[A-Z][0-9]+)*)* "
                          rf"\(({PLACES})\)")


def test_names_are_short_unique_typeable_labels_with_notes():
    model = _document(FILES[0]).getModel()
    groups = {"species": model.getListOfSpecies(), "parameter": model.getListOfParameters(),
              "reaction": model.getListOfReactions(), "compartment": model.getListOfCompartments()}
    for kind, elements in groups.items():
        names = [e.getName() for e in elements]
        assert len(set(names)) == len(names), kind
        for e in elements:
            name = e.getName()
            assert 0 < len(name) <= NAME_LENGTH, (kind, name)
            assert not set(name) & set("~!.,="), (kind, name)  # no BioNetGen pattern syntax
            if kind == "species":
                assert SPECIES_NAME.fullmatch(name), name
            else:
                assert "(" not in name and ")" not in name, (kind, name)
    assert model.getSpecies("IRS1_pY612_PI3K__cyt").getName() == "IRS1 pY612:PI3K (cytosol)"
    assert model.getSpecies("INS2_INSR_pY1150__pm").getName() == \
        "INS:INS:INSR pY1150 (plasma membrane)"
    assert model.getParameter("scale_GLUT4_total").getName() == "scale_GLUT4_total"
    # the long descriptions and the BioNetGen patterns moved into the notes
    assert "IRS1(y612~p,s307~u,s636~u,p85!1).PI3K(irs!1)" in \
        model.getSpecies("IRS1_pY612_PI3K__cyt").getNotesString()
    assert "multiplies GLUT4 synthesis" in model.getParameter("scale_GLUT4_total").getNotesString()
    assert "IRS1(y612~p)" in model.getParameter("pIRS1_Y").getNotesString()
    assert "INS (extracellular) + INSR (plasma membrane) -&gt; INS:INSR (plasma membrane)" in \
        model.getReaction("INS_binds_INSR_site1_1").getNotesString()


def test_copasi_addresses_parameters_and_species_by_name():
    import basico
    dm = copasi.load(FILES[0])
    try:
        for display in ("Values[scale_GLUT4_total]", "[IRS1 pY612:PI3K (cytosol)]"):
            assert dm.findObjectByDisplayName(display).getObjectDisplayName() == display
        basico.set_parameters("scale_GLUT4_total", exact=True, model=dm, initial_value=0.5)
        basico.set_species("IRS1 pY612:PI3K (cytosol)", exact=True, model=dm,
                           initial_concentration=0.25)
        run = basico.run_time_course_with_output(
            ["Time", "[IRS1 pY612:PI3K (cytosol)]", "Values[scale_GLUT4_total]"],
            model=dm, duration=1e-6, intervals=1)
        assert run.iloc[0].tolist()[1:] == pytest.approx([0.25, 0.5])
        species = basico.get_species(model=dm)
        assert species.loc["IRS1 pY612:PI3K (cytosol)", "sbml_id"] == "IRS1_pY612_PI3K__cyt"
    finally:
        copasi.unload(dm)


def _resources(element):
    out = []
    for i in range(element.getNumCVTerms()):
        term = element.getCVTerm(i)
        out += [(term.getBiologicalQualifierType(), term.getResourceURI(j))
                for j in range(term.getNumResources())]
    return out


def test_annotations_sbo_and_miriam():
    model = _document(FILES[0]).getModel()
    for c in model.getListOfCompartments():
        assert c.getSBOTermID() == "SBO:0000290"
        assert re.fullmatch(r"https://identifiers\.org/GO:\d{7}", _resources(c)[0][1])
    for s in model.getListOfSpecies():
        resources = _resources(s)
        assert resources, s.getId()
        qualifiers = {q for q, _ in resources}
        complex_ = "_" in s.getId().split("__")[0] and s.getSBOTermID() == "SBO:0000253"
        assert qualifiers == ({libsbml.BQB_HAS_PART} if complex_ or len(resources) > 1
                              else {libsbml.BQB_IS}), s.getId()
        assert all(re.match(r"https://identifiers\.org/(uniprot|CHEBI):", uri)
                   for _, uri in resources)
        assert s.getSBOTermID() in ("SBO:0000245", "SBO:0000247", "SBO:0000253")
    assert _resources(model.getSpecies("INSR__pm")) == [
        (libsbml.BQB_IS, "https://identifiers.org/uniprot:P06213")]
    for r in model.getListOfReactions():
        assert r.isSetSBOTerm(), r.getId()
        assert r.getKineticLaw().getSBOTermID() == "SBO:0000012"
    assert "insulin signal transduction" in model.getNotesString()
    history = model.getCVTerm(0)
    assert history.getResourceURI(0).startswith("https://identifiers.org/pubmed:")


def _roadrunner(path, parameters):
    rr = roadrunner.RoadRunner(str(path))
    rr.integrator.relative_tolerance = 1e-12
    rr.integrator.absolute_tolerance = 1e-16
    for key, value in parameters.items():
        rr[key] = value
    rr.reset()
    return rr


def _relative_difference(a, b):
    """Largest |a - b| relative to the largest |a| of the series (floor 1e-9 nM, for
    series that stay at zero, such as pAMPK without exercise)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)), 1e-9))


@pytest.mark.parametrize("scenario", ["healthy", "two scale factors"])
def test_clean_sbml_reproduces_pysb_ode_trajectories(pysb_model, scenario):
    parameters = SCENARIOS[scenario]
    names = [o.name for o in pysb_model.observables] + ["glucose_uptake",
                                                         "GLUT4_membrane_fraction"]
    pysb = ScipyOdeSimulator(pysb_model, tspan=TIMES, compiler="python", integrator="lsoda",
                             integrator_options={"rtol": 1e-12, "atol": 1e-14}
                             ).run(param_values=parameters)
    rr = _roadrunner(FILES[0], parameters)
    ours = rr.simulate(0.0, 60.0, len(TIMES), selections=["time"] + names)
    worst = max(_relative_difference(pysb.all[n], ours[n]) for n in names)
    assert worst < 1e-6


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_copasi_simulates_what_roadrunner_simulates(path, scenario):
    parameters = SCENARIOS[scenario]
    model = Model(path)
    names = model.observables()
    ours = _roadrunner(path, parameters).simulate(0.0, 60.0, len(TIMES),
                                                  selections=["time"] + names)
    theirs = copasi.timecourse(path, TIMES, parameters=parameters, selections=names)
    worst = max(_relative_difference(ours[n], theirs[n]) for n in names)
    assert worst < 1e-4


@pytest.mark.slow
def test_round_trip_through_copasi_keeps_edits_by_id(tmp_path):
    saved = tmp_path / "edited_in_copasi.xml"
    copasi.edit_and_save(FILES[0], saved, parameters={"k_PTEN": 84.3},
                         species_initial={"IRS1__cyt": 0.5})
    model = Model(saved)
    assert model.rr["k_PTEN"] == pytest.approx(84.3)
    assert model.rr["init([IRS1__cyt])"] == pytest.approx(0.5)
    original = Model(FILES[0])
    for m in (model, original):
        m.rr["insulin"] = 1.0
    edited = model.rr.simulate(0, 10, 11, selections=["time", "PIP3", "IRS1_total"])
    before = original.rr.simulate(0, 10, 11, selections=["time", "PIP3", "IRS1_total"])
    assert edited["IRS1_total"][0] == pytest.approx(0.5)
    assert edited["PIP3"][-1] < 0.8 * before["PIP3"][-1]


def test_names_and_units_come_from_the_parameter_table_used(tmp_path):
    # a copy of the table with k_PTEN described and valued differently
    from models.parameters import TABLE
    lines = TABLE.read_text().splitlines()
    lines = [line if not line.startswith("k_PTEN,") else
             "k_PTEN,33,1/min,test table,PTEN rate from the custom table" for line in lines]
    custom = tmp_path / "custom.csv"
    custom.write_text("\n".join(lines) + "\n")
    doc = libsbml.readSBMLFromString(to_sbml(generate(build_model(parameter_table=custom))))
    parameter = doc.getModel().getParameter("k_PTEN")
    assert parameter.getName() == "k_PTEN"  # names are typeable ids; descriptions in notes
    notes = parameter.getNotesString()
    assert "PTEN rate from the custom table" in notes and "source: test table" in notes
    assert parameter.getValue() == 33.0 and parameter.getUnits() == "per_min"
