"""Metabolic control analysis: summation theorems, analytic values, zero fluxes."""
from pathlib import Path

import numpy as np
import pytest

from analysis.cli import main
from analysis.engine import DEFAULT_SBML, SETTLE_TIME, Simulator
from analysis.mca import control_coefficients, steady_state_runner, summation_check

TWO_STATE = Path(__file__).parent / "data" / "two_state.xml"
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
