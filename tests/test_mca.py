"""Metabolic control analysis: analytic cases, COPASI's MCA task, brute-force
perturbation of every rate law, summation theorems, zero fluxes."""
from pathlib import Path

import libsbml
import numpy as np
import pandas as pd
import pytest
import roadrunner

from analysis import copasi
from analysis.cli import main
from analysis.engine import DEFAULT_SBML, SETTLE_TIME, Simulator
from analysis.mca import control_coefficients, steady_state_runner, summation_check

TWO_STATE = Path(__file__).parent / "data" / "two_state.xml"
MOIETY_CYCLE = Path(__file__).parent / "data" / "moiety_cycle.xml"
INPUT = '<parameter id="insulin" value="0" constant="true"/>\n      <parameter id="kf"'
OPEN_REACTIONS = """
      <reaction id="influx" reversible="false">
        <listOfProducts>
          <speciesReference species="A" stoichiometry="1" constant="true"/>
        </listOfProducts>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply><times/><ci> cell </ci><ci> k0 </ci></apply></math></kineticLaw>
      </reaction>
      <reaction id="efflux" reversible="false">
        <listOfReactants>
          <speciesReference species="B" stoichiometry="1" constant="true"/>
        </listOfReactants>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply><times/><ci> cell </ci><ci> k2 </ci><ci> B </ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>"""


def two_state(folder, open_chain=False):
    """two_state.xml with an unused 'insulin' parameter; ``open_chain`` adds
    influx (-> A, rate k0 = 1) and efflux (B ->, rate k2 B, k2 = 0.2)."""
    text = TWO_STATE.read_text().replace('<parameter id="kf"', INPUT)
    name = "two_state_input.xml"
    if open_chain:
        text = text.replace("</listOfReactions>", OPEN_REACTIONS).replace(
            '<parameter id="kf"', '<parameter id="k0" value="1" constant="true"/>\n'
                                  '      <parameter id="k2" value="0.2" constant="true"/>\n'
                                  '      <parameter id="kf"')
        name = "open_chain.xml"
    path = Path(folder) / name
    path.write_text(text)
    return path


def max_deviation(check, kind):
    return float(check[check.kind == kind].deviation.abs().max())


@pytest.fixture(scope="module")
def ours():
    sim = Simulator(DEFAULT_SBML, readouts=["glucose_uptake"])
    return sim, control_coefficients(sim, dose=1.0)


def test_summation_theorems_on_our_model(ours):
    _, (fcc, ccc, info) = ours
    assert np.isfinite(fcc.coefficient).all() and np.isfinite(ccc.coefficient).all()
    check = summation_check(fcc, ccc)
    assert (check.kind == "flux").sum() == fcc.flux.nunique() >= 100
    assert (check.kind == "species").sum() == ccc.species.nunique() >= 45
    assert max_deviation(check, "flux") < 1e-6
    assert max_deviation(check, "species") < 1e-6


def test_zero_fluxes_are_dropped_not_nan(ours):
    _, (fcc, ccc, info) = ours
    # AMPK_activity is 0: AMPK activation and AMPK-driven exocytosis carry no flux.
    assert {"AMPK_activation_1", "AMPK_drives_GLUT4_exocytosis_1"} <= set(info["dropped_fluxes"])
    assert "PRKAA2_pT172__cyt" in info["dropped_species"]
    assert not set(info["dropped_fluxes"]) & set(fcc.flux)
    assert not set(info["dropped_species"]) & set(ccc.species)


def test_steady_state_is_the_engines(ours):
    sim, (_, _, info) = ours
    assert info["dose"] == 1.0 and info["residual"] < 1e-9 and info["moved"] < 1e-6
    rr, _ = steady_state_runner(sim, dose=1.0)
    engine = sim.timecourse({}, 1.0, [0.0, SETTLE_TIME]).glucose_uptake.iloc[-1]
    assert rr["glucose_uptake"] == pytest.approx(engine, rel=1e-6)


def test_scenario_changes_the_steady_state(ours):
    sim, _ = ours
    healthy, _ = steady_state_runner(sim, dose=1.0)
    resistant, _ = steady_state_runner(sim, {"scale_GLUT4_total": 0.5}, dose=1.0)
    assert resistant["glucose_uptake"] < 0.8 * healthy["glucose_uptake"]


def test_two_state_at_equilibrium_has_no_defined_flux_control(tmp_path):
    # A closed A <-> B system at equilibrium: the only net flux is 0.
    sim = Simulator(two_state(tmp_path), readouts=["B_frac"])
    fcc, ccc, info = control_coefficients(sim)
    assert fcc.empty and info["dropped_fluxes"] == ["isomerisation"]
    assert info["conserved_moieties"] == 1
    assert np.isfinite(ccc.coefficient).all()
    assert max_deviation(summation_check(fcc, ccc), "species") < 1e-6


def test_open_chain_is_analytic(tmp_path):
    # -> A <-> B ->, zero-order influx: every flux is controlled by the influx alone;
    # B = k0/k2, A = (k0 + kr B)/kf, so C^A = (1, -1/(1+r), -r/(1+r)) with r = kr/k2 = 0.5.
    sim = Simulator(two_state(tmp_path, open_chain=True), readouts=["B_frac"])
    fcc, ccc, info = control_coefficients(sim)
    assert info["dropped_fluxes"] == [] and info["dropped_species"] == []
    f = fcc.set_index(["flux", "reaction"]).coefficient
    for flux in ("influx", "isomerisation", "efflux"):
        assert f[flux, "influx"] == pytest.approx(1.0, abs=1e-6)
        assert f[flux, "isomerisation"] == pytest.approx(0.0, abs=1e-6)
        assert f[flux, "efflux"] == pytest.approx(0.0, abs=1e-6)
    c = ccc.set_index(["species", "reaction"]).coefficient
    expected = {("A", "influx"): 1.0, ("A", "isomerisation"): -2 / 3, ("A", "efflux"): -1 / 3,
                ("B", "influx"): 1.0, ("B", "isomerisation"): 0.0, ("B", "efflux"): -1.0}
    for key, value in expected.items():
        assert c[key] == pytest.approx(value, abs=1e-6), key
    check = summation_check(fcc, ccc)
    assert max_deviation(check, "flux") < 1e-6 and max_deviation(check, "species") < 1e-6


def test_cli_on_a_user_model(tmp_path, capsys):
    sbml = two_state(tmp_path, open_chain=True)
    out = tmp_path / "out"
    assert main(["mca", "--sbml", str(sbml), "--out", str(out)]) == 0
    for name in ("flux_control.parquet", "concentration_control.csv", "flux_control.png"):
        assert (out / name).is_file()
    printed = capsys.readouterr().out
    assert "max |sum FCC - 1|" in printed and "max |sum CCC|" in printed
    assert main(["mca", "--sbml", str(sbml), "--dose", "-1", "--out", str(out)]) == 2


def test_moiety_cycle_across_compartments_is_analytic():
    # libroadrunner 2.10's scaled coefficients give C^J(v1)_v1 = 0.055 here instead of 0.7.
    sim = Simulator(MOIETY_CYCLE, readouts=["S"])
    fcc, ccc, info = control_coefficients(sim)
    assert info["conserved_moieties"] == 1
    f, c = 0.3, ccc.set_index(["species", "reaction"]).coefficient
    expected = {("E", "v1"): -f, ("E", "v2"): f, ("EP", "v1"): 1 - f, ("EP", "v2"): -(1 - f),
                ("S", "influx"): 1, ("S", "removal"): -1, ("S", "v1"): f, ("S", "v2"): -f}
    for key, value in c.items():
        assert value == pytest.approx(expected.get(key, 0.0), abs=1e-8), key
    expected = {("v1", "v1"): 1 - f, ("v1", "v2"): f, ("v2", "v1"): 1 - f, ("v2", "v2"): f,
                ("influx", "influx"): 1, ("removal", "influx"): 1}
    for key, value in fcc.set_index(["flux", "reaction"]).coefficient.items():
        assert value == pytest.approx(expected.get(key, 0.0), abs=1e-8), key


def _largest_difference(ours, theirs, row):
    merged = ours.merge(theirs, on=[row, "reaction"], suffixes=("", "_other"))
    assert np.isfinite(merged.coefficient_other).all()
    return float((merged.coefficient - merged.coefficient_other).abs().max()), len(merged)


@pytest.fixture(scope="module")
def steady_state_sbml(ours, tmp_path_factory):
    """Our model at its stimulated steady state (1 nM) as SBML initial values."""
    sim, _ = ours
    rr, _ = steady_state_runner(sim, dose=1.0)
    doc = libsbml.readSBMLFromString(rr.getCurrentSBML())
    # Solver round-off around 0 (below the absolute tolerance, 1e-12 nM) is 0: pAMPK
    # is 1.6e-28 at AMPK_activity 0, and COPASI's steady-state search then fails in
    # about 1 run of 5 (nondeterministically; 0 of 20 with it at 0).
    for species in doc.getModel().getListOfSpecies():
        value = species.getInitialConcentration()
        species.setInitialConcentration(value if value > 1e-12 else 0.0)
    path = tmp_path_factory.mktemp("mca") / "steady_state.xml"
    libsbml.writeSBMLToFile(doc, str(path))
    return path


def test_agrees_with_copasi_mca_task(ours, steady_state_sbml):
    _, (fcc, ccc, _) = ours
    copasi_fcc, copasi_ccc = copasi.control_coefficients(steady_state_sbml)
    flux_difference, n_flux = _largest_difference(fcc, copasi_fcc, "flux")
    species_difference, n_species = _largest_difference(ccc, copasi_ccc, "species")
    assert n_flux == len(fcc) > 14000 and n_species > 6000
    print(f"COPASI: largest difference FCC {flux_difference:.2g}, CCC {species_difference:.2g}")
    assert flux_difference <= 1e-3 and species_difference <= 1e-3  # measured 3e-7, 2e-7


def _perturbable(path):
    """RoadRunner (conserved moieties) of ``path`` with every rate law multiplied by
    its own factor f_<reaction> = 1."""
    doc = libsbml.readSBMLFromFile(str(path))
    model = doc.getModel()
    for reaction in model.getListOfReactions():
        factor = model.createParameter()
        factor.setId(f"f_{reaction.getId()}")
        factor.setValue(1.0)
        factor.setConstant(True)
        factor.setUnits("dimensionless")
        law = reaction.getKineticLaw()
        law.setMath(libsbml.parseL3Formula(f"f_{reaction.getId()} * "
                                           f"({libsbml.formulaToL3String(law.getMath())})"))
    options = roadrunner.LoadSBMLOptions()
    options.conservedMoieties = True
    return roadrunner.RoadRunner(libsbml.writeSBMLToString(doc), options)


def test_agrees_with_brute_force_perturbation(ours, steady_state_sbml):
    # Multiply one rate law by 1 +- h, resettle (same conserved totals), difference
    # ln J and ln [S]; every reaction of the model.
    _, (fcc, ccc, _) = ours
    rr, h = _perturbable(steady_state_sbml), 1e-3
    reactions = list(rr.model.getReactionIds())
    species = list(rr.model.getFloatingSpeciesIds())

    def settle(reaction, factor):
        rr.reset()
        rr[f"f_{reaction}"] = factor
        rr.steadyState()
        with np.errstate(divide="ignore"):  # ln 0 on zero fluxes, which MCA leaves out
            values = (np.log(np.abs(rr.model.getReactionRates())),
                      np.log(np.abs(rr.model.getFloatingSpeciesConcentrations())))
        rr[f"f_{reaction}"] = 1.0
        return values

    rows = {"flux": [], "species": []}
    for reaction in reactions:
        (j_up, s_up), (j_down, s_down) = settle(reaction, 1 + h), settle(reaction, 1 - h)
        scale = np.log(1 + h) - np.log(1 - h)
        with np.errstate(invalid="ignore"):  # inf - inf on the zero fluxes
            flux, concentration = (j_up - j_down) / scale, (s_up - s_down) / scale
        rows["flux"] += zip(reactions, [reaction] * len(reactions), flux, strict=True)
        rows["species"] += zip(species, [reaction] * len(species), concentration,
                               strict=True)
    brute_fcc = pd.DataFrame(rows["flux"], columns=["flux", "reaction", "coefficient"])
    brute_ccc = pd.DataFrame(rows["species"], columns=["species", "reaction", "coefficient"])
    flux_difference, n_flux = _largest_difference(fcc, brute_fcc, "flux")
    species_difference, n_species = _largest_difference(ccc, brute_ccc, "species")
    assert n_flux == len(fcc) and n_species == len(ccc)
    print(f"brute force: largest difference FCC {flux_difference:.2g}, "
          f"CCC {species_difference:.2g}")
    assert flux_difference <= 1e-3 and species_difference <= 1e-3  # measured 3e-7
