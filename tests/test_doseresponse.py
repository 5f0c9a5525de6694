"""Dose-responses, Kahn's classes, compensatory insulin and scans: numbers."""
import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis import copasi
from analysis.catalogue import load_catalogue
from analysis.cli import main
from analysis.doseresponse import compensatory_dose, dose_response, log_doses
from analysis.engine import DEFAULT_SBML, Simulator
from analysis.results import read_table
from analysis.scans import scan_1d, scan_2d

DATA = __import__("pathlib").Path(__file__).parent / "data"
DOSES = log_doses()


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture(scope="module")
def fits(sim, cat):
    scenarios = {name: cat.scenario(**spec).parameters for name, spec in {
        "IR_50": {"mechanisms": {"IR_expression_down": 0.5}},
        "GLUT4_50": {"mechanisms": {"GLUT4_expression_down": 0.5}},
        "T2D": {"cause": "type2_diabetes_adipocyte"},
    }.items()}
    _, table = dose_response(sim, scenarios, DOSES)
    return table[table.readout == "glucose_uptake"].set_index("scenario")


def test_exact_ec50_of_a_hand_written_sbml_with_an_analytic_dose_response():
    sim = Simulator(DATA / "analytic_hill.xml", readouts=["R_obs"])
    _, table = dose_response(sim, {}, DOSES, time=10.0)
    fit = table.set_index("scenario").loc["healthy"]
    # R(10 min) = Emax (1 - e^-10) H(insulin): a Hill curve with EC50 0.5, n 1.5
    assert fit.ec50 == pytest.approx(0.5, rel=1e-4)
    assert fit.hill == pytest.approx(1.5, rel=1e-4)
    assert fit.emax == pytest.approx(2 * (1 - math.exp(-10)), rel=1e-4)
    assert fit.basal == pytest.approx(0.0, abs=1e-6)


def test_fewer_receptors_reduce_sensitivity_not_responsiveness(fits):
    # Kahn 1978: spare receptors, so losing half shifts the EC50, not the maximum
    row = fits.loc["IR_50"]
    assert row.kahn_class == "reduced_sensitivity"
    assert row.emax_ratio >= 0.85 and row.ec50_ratio > 1.25


def test_less_glut4_reduces_responsiveness(fits):
    row = fits.loc["GLUT4_50"]
    assert row.emax_ratio <= 0.7 and row.ec50_ratio <= 1.5
    assert row.kahn_class == "reduced_responsiveness"


def test_type2_diabetes_lowers_glucose_uptake_emax_as_in_human_adipocytes(fits):
    assert 0.4 <= fits.loc["T2D"].emax_ratio <= 0.8


def test_compensatory_insulin_of_an_affinity_defect_is_the_inverse_affinity(sim):
    # association 10-fold slower: ten times the insulin gives the same occupancy
    dose, status, _ = compensatory_dose(sim, {"scale_INSR_affinity": 0.1})
    assert status == "ok" and dose == pytest.approx(10.0, rel=1e-3)
    dose, status, _ = compensatory_dose(sim, {})
    assert dose == pytest.approx(1.0, rel=1e-4)
    dose, status, _ = compensatory_dose(sim, {"scale_GLUT4_total": 0.5})
    assert status == "not_reachable" and np.isnan(dose)


def test_scan_1d_moves_ec50_monotonically(sim, cat):
    values = [0.25, 0.5, 1.0]
    _, table = scan_1d(sim, cat, "IR_expression_down", values, log_doses(13))
    uptake = table[(table.readout == "glucose_uptake") & table.strength.notna()]
    ratios = uptake.sort_values("strength").ec50_ratio.to_numpy()
    assert ratios[0] > ratios[1] > ratios[2] == pytest.approx(1.0, rel=1e-6)
    assert set(uptake.columns) >= {"mechanism", "strength", "ec50", "emax", "kahn_class",
                                   "value_at_reference"}


def test_scan_2d_interaction_is_observed_over_the_product_of_single_effects(sim, cat):
    _, grid = scan_2d(sim, cat, "IR_expression_down", [0.3], "GLUT4_expression_down", [0.5],
                      log_doses(9))
    g = grid[grid.readout == "glucose_uptake"].set_index(["strength_a", "strength_b"])
    both = g.loc[(0.3, 0.5)]
    single_a = g.loc[(0.3, 1.0)].value_at_reference_fraction
    single_b = g.loc[(1.0, 0.5)].value_at_reference_fraction
    assert both.value_at_reference_expected == pytest.approx(single_a * single_b)
    assert both.value_at_reference_interaction == pytest.approx(
        both.value_at_reference_fraction / (single_a * single_b))
    assert g.loc[(1.0, 1.0)].value_at_reference_interaction == pytest.approx(1.0)
    assert set(grid.interaction) <= {"synergy", "masking", "independent"}


def test_a_solver_failure_at_one_dose_is_a_row_and_the_run_goes_on():
    sim = Simulator(DATA / "fails_at_two.xml", readouts=["R_obs"])
    frame = sim.response({}, [1.0, 2.0, 3.0])
    assert list(frame.status) == ["ok", "solver_failure", "ok"]
    assert "CV_CONV_FAILURE" in frame.message[1] or frame.message[1]
    assert frame.R_obs[2] > frame.R_obs[0] > 0


def test_cli_dose_response_writes_tables_with_metadata(tmp_path, capsys):
    out = tmp_path / "dr"
    assert main(["dose-response", "--cause", "obesity", "--doses", "9", "--out", str(out)]) == 0
    fits, meta = read_table(out / "fits.parquet")
    assert {"scenario", "readout", "basal", "emax", "ec50", "hill", "r2", "ec50_ratio",
            "emax_ratio", "kahn_class"} <= set(fits.columns)
    assert set(fits.scenario) == {"healthy", "obesity"}
    assert meta["model_sha256"] and meta["settings"]["doses"][0] == pytest.approx(1e-3)
    assert "obesity" in meta["settings"]["scenarios"]
    assert json.loads((out / "metadata.json").read_text())["points"]["analysis"] == "dose-response"
    assert (out / "dose_response.png").stat().st_size > 10_000
    assert "Kahn classification" in capsys.readouterr().out


@pytest.mark.slow
def test_cli_runs_on_a_file_saved_by_copasi_by_its_ids(tmp_path):
    saved = tmp_path / "from_copasi.xml"
    copasi.edit_and_save(DEFAULT_SBML, saved, parameters={"scale_INSR_total": 0.5},
                         species_initial={})
    out = tmp_path / "dr"
    assert main(["dose-response", "--sbml", str(saved), "--readout", "glucose_uptake",
                 "--readout", "pIR", "--doses", "9", "--out", str(out)]) == 0
    fits, _ = read_table(out / "fits.parquet")
    ours = Simulator(DEFAULT_SBML, readouts=["glucose_uptake"])
    _, expected = dose_response(ours, {"IR_50": {"scale_INSR_total": 0.5}}, log_doses(9))
    theirs = fits[fits.readout == "glucose_uptake"].ec50.iloc[0]
    assert theirs == pytest.approx(expected.set_index("scenario").ec50["IR_50"], rel=1e-4)


@pytest.mark.parametrize("argv, message", [
    (["dose-response", "--doses", "0"], "at least 4 doses"),
    (["dose-response", "--dose-range", "10", "1"], "empty or inverted"),
    (["dose-response", "--dose-range", "-1", "10"], "must be > 0"),
    (["dose-response", "--readout", "glucose_uptak"], "closest: glucose_uptake"),
    (["dose-response", "--input", "insulim"], "closest: insulin"),
    (["dose-response", "--mechanism", "IR_expression_dwn=0.5"], "IR_expression_down"),
    (["dose-response", "--mechanism", "IR_expression_down=0.01"], "outside its plausible range"),
    (["scan", "PTEN_upp"], "closest: PTEN_up"),
    (["scan", "PTEN_up", "--points", "0"], "at least 2 points"),
    (["scan", "PTEN_up", "--range", "3", "1"], "empty or inverted"),
    (["simulate", "--dose", "-1"], "must be >= 0"),
    (["simulate", "--sbml", "nowhere.xml", "--readout", "x"], "SBML file not found"),
    (["dose-response", "--out", "/proc/forbidden"], "cannot write to"),
])
def test_bad_input_is_one_clear_line(argv, message, capsys, tmp_path):
    assert main(argv + (["--out", str(tmp_path / "o")] if "--out" not in argv else [])) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and "\n" not in err
    assert not list(tmp_path.glob("o/*.parquet"))


@pytest.mark.slow
def test_dose_response_on_two_workers_equals_serial(sim, cat):
    scenarios = {name: cat.scenario(mechanisms={name: cat.resistant_end(name)}).parameters
                 for name in list(cat.mechanisms)[:8]}
    serial = dose_response(sim, scenarios, log_doses(9), workers=1)
    parallel = dose_response(sim, scenarios, log_doses(9), workers=2)
    for a, b in zip(serial, parallel, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
