"""Healthy behaviour against literature figures (DESIGN.md), on the committed SBML.

Protocol everywhere: settle at insulin 0, then step insulin at t = 0.
"""
import numpy as np
import pytest

from analysis.engine import DEFAULT_SBML
from analysis.fitting import fit_hill
from analysis.loader import Model
from analysis.readouts import summarise

DOSES = np.logspace(-3, 3, 25)


def values(sim, readout, dose, at, parameters=None):
    frame = sim.timecourse(parameters or {}, dose, np.array([0.0, at]))
    return frame[readout].iloc[0], frame[readout].iloc[-1]


def test_first_site_dissociation_constant_is_nanomolar_or_below(sim):
    # Sedaghat 2002 gives about 3 nM (k_on 0.06 /nM/min); the fit to the human-adipocyte
    # time courses and dose-response of Brännmark 2010 needs faster association
    # (k_on about 1.5 /nM/min; Brännmark 2013 fitted 0.63 /nM/min), so the human data
    # override the Sedaghat band here
    kd = sim.rr["koff_INS_site1"] / sim.rr["kon_INS_site1"]
    assert 0.05 <= kd <= 4.5
    # measured: occupancy of surface receptors at insulin = Kd (kinase off, so no
    # second site or internalisation of occupied receptors) is one half
    frame = sim.timecourse({"scale_INSR_kinase": 0}, kd, np.array([0.0, 60.0]))
    bound, surface = frame["IR_insulin_bound"].iloc[-1], frame["IR_surface"].iloc[-1]
    assert bound / surface == pytest.approx(0.5, abs=0.01)


def test_basal_surface_to_internal_receptor_is_90_to_10(sim):
    surface, _ = values(sim, "IR_surface", 0.0, 1.0)
    total, _ = values(sim, "IR_total", 0.0, 1.0)
    assert 0.85 <= surface / total <= 0.95


def test_glut4_at_the_membrane_4_percent_basal_40_percent_after_insulin(sim):
    basal, after = values(sim, "GLUT4_membrane_fraction", 100.0, 30.0)
    assert 0.02 <= basal <= 0.08
    assert 0.30 <= after <= 0.55


def test_glut4_endocytosis_half_time_is_about_4_min():
    # chase on a model of its own: stimulate 30 min, stop all exocytosis, follow
    # membrane GLUT4 as it is endocytosed
    rr = Model(DEFAULT_SBML).rr
    rr.simulate(0.0, 1e5, 2)
    rr["insulin"] = 100.0
    rr.simulate(0.0, 30.0, 2)
    rr["k_GLUT4_exocytosis_basal"] = 0.0
    rr["scale_GLUT4_translocation"] = 0.0
    start = rr["GLUT4_membrane"]
    chase = rr.simulate(0.0, 20.0, 2001, selections=["time", "GLUT4_membrane"])
    half = np.interp(start / 2, chase[::-1, 1], chase[::-1, 0])
    assert 3.0 <= half <= 5.5


@pytest.fixture(scope="module")
def dose_response(sim):
    return sim.response({}, DOSES, time=10.0)


def test_glucose_uptake_ec50_is_left_of_receptor_phosphorylation_ec50(dose_response):
    uptake = fit_hill(DOSES, dose_response["glucose_uptake"])
    receptor = fit_hill(DOSES, dose_response["pIR"])
    assert uptake["status"] == "ok" and receptor["status"] == "ok"
    assert 0.03 <= uptake["ec50"] <= 0.5
    assert 0.3 <= receptor["ec50"] <= 3.0
    assert uptake["ec50"] < receptor["ec50"] / 3   # spare receptors


def test_peaks_follow_the_cascade_after_100_nM(sim):
    # Sedaghat 2002 spaces the peaks (pIR 1-2 min, ..., GLUT4 10-20 min). Human adipocytes
    # override that: IR and IRS1 phosphorylation overshoot with peaks at or before the
    # first sample, 0.9 min (Brännmark 2010), and in the Brännmark 2013 model IR, IRS1,
    # PKB and AS160 all peak within 1.4 min (PKB before IRS1). So: pIR first, the
    # kinase cascade within 2 min, membrane GLUT4 (endocytosis t1/2 about 4 min) last.
    frame = sim.timecourse({}, 100.0, np.linspace(0, 60, 1201))
    summary = summarise(frame).set_index("readout")
    cascade = ["pIRS1_Y", "pAKT_T308", "pAS160"]
    peaks = summary["time_to_peak"]
    halves = summary["time_to_half_max"]
    assert peaks["pIR"] <= 1.0
    assert halves["pIR"] < halves[cascade].min()
    assert peaks[cascade].max() <= 2.0, dict(peaks[cascade])
    assert peaks["GLUT4_membrane_fraction"] > peaks[cascade].max()
    assert halves["GLUT4_membrane_fraction"] > halves[cascade].max()
    # membrane GLUT4 rises to a plateau (its exact peak time is a flat maximum)
    assert halves["GLUT4_membrane_fraction"] <= 15.0


def test_feedback_s6k1_and_irs1_s307_rise_after_insulin(sim):
    for readout in ("pS6K1", "pIRS1_S307"):
        basal, after = values(sim, readout, 100.0, 30.0)
        assert after > 2 * basal, readout


def test_blocking_mtorc1_lowers_irs1_tyrosine_phosphorylation_and_uptake(sim):
    # human adipocytes: the mTORC1 -> IRS1 feedback is positive, and rapamycin makes
    # non-diabetic cells insulin resistant (Brännmark 2013; Nyman 2014). This replaces
    # the rodent-based expectation (rapamycin raises pIRS1-Y) that DESIGN.md listed first.
    # At 0.1 nM (about twice the uptake EC50 of human adipocytes, 0.05 nM in Brännmark
    # 2013); at 100 nM uptake is saturated and falls by 3 % only.
    for readout, most in (("pIRS1_Y", 0.9), ("glucose_uptake", 0.95)):
        _, healthy = values(sim, readout, 0.1, 10.0)
        _, rapamycin = values(sim, readout, 0.1, 10.0, {"scale_mTORC1_activity": 0.0})
        assert rapamycin < most * healthy, (readout, healthy, rapamycin)


def test_ir_and_irs1_phosphorylation_overshoot_as_in_human_adipocytes(sim):
    # Brännmark 2010: after 100 nM both peak at or before the first sample (0.9 min)
    # and are at 35-45 % of the peak at 30 min
    times = np.linspace(0, 30, 3001)
    frame = sim.timecourse({}, 100.0, times)
    for readout in ("pIR", "pIRS1_Y"):
        trace = frame[readout].to_numpy()
        peak = int(np.argmax(trace))
        assert times[peak] <= 1.0, (readout, times[peak])
        assert 0.30 <= trace[-1] / trace[peak] <= 0.50, (readout, trace[-1] / trace[peak])


@pytest.mark.parametrize("stress", ["TNFa", "FFA"])
def test_stress_raises_irs1_s636_and_lowers_akt_and_uptake(sim, stress):
    # inflammation (JNK1, IKKbeta) and lipids (PKCtheta) act through the inhibitory
    # serine S636/S639 (the rodent literature's Ser307); at 0.1 nM, about twice the
    # uptake EC50 of human adipocytes (0.05 nM, Brännmark 2013), since at 1 nM S6K1
    # already phosphorylates most S636 and uptake is near its maximum
    for readout, direction in (("pIRS1_S636", +1), ("pIRS1_Y", -1), ("pAKT_T308", -1),
                               ("glucose_uptake", -1)):
        _, healthy = values(sim, readout, 0.1, 10.0)
        _, stressed = values(sim, readout, 0.1, 10.0, {stress: 1.0})
        assert direction * (stressed - healthy) > 0.1 * healthy, (readout, healthy, stressed)


def test_ampk_raises_membrane_glut4_without_insulin(sim):
    rest, _ = values(sim, "GLUT4_membrane_fraction", 0.0, 10.0)
    exercise, _ = values(sim, "GLUT4_membrane_fraction", 0.0, 10.0, {"AMPK_activity": 1.0})
    assert exercise > 3 * rest


def test_selective_insulin_resistance_spares_the_erk_branch(sim):
    # defects below the receptor impair the metabolic branch only (Cusi 2000). At 0.1 nM:
    # human adipocytes take up glucose with an EC50 of 0.05 nM (Brännmark 2013), so 1 nM
    # saturates uptake. pERK is spared (not lowered); it even rises a little, since
    # pY-IRS1 drives the endosomal dephosphorylation of the receptor (Brännmark 2010's
    # feedback), so less IRS1 signaling leaves more active receptor.
    healthy = sim.response({}, [0.1]).iloc[0]
    for defect in ({"scale_IRS1_total": 0.3}, {"scale_PI3K_activity": 0.3}, {"TNFa": 1.0}):
        row = sim.response(defect, [0.1]).iloc[0]
        assert row.glucose_uptake < 0.8 * healthy.glucose_uptake, defect
        assert row.pERK >= 0.999 * healthy.pERK, defect
    fewer_receptors = sim.response({"scale_INSR_total": 0.2}, [0.1]).iloc[0]
    assert fewer_receptors.pERK < 0.6 * healthy.pERK
    assert fewer_receptors.glucose_uptake < 0.9 * healthy.glucose_uptake
