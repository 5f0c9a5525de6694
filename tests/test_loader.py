"""analysis.loader on the two hand-written models with closed-form answers."""

from pathlib import Path

import numpy as np
import pytest

from analysis.errors import UserError
from analysis.loader import Model, check_sbml, consistency_report

DATA = Path(__file__).parent / "data"
HILL = DATA / "analytic_hill.xml"
TWO = DATA / "two_state.xml"


def b_closed_form(t, kf=0.3, kr=0.1, a0=10.0):
    return kf * a0 / (kf + kr) * (1.0 - np.exp(-(kf + kr) * np.asarray(t, dtype=float)))


def tight(model):
    model.rr.integrator.relative_tolerance = 1e-12
    model.rr.integrator.absolute_tolerance = 1e-14
    return model


def test_ids_analytic_hill():
    m = Model(HILL)
    assert m.species() == ["R"]
    assert m.boundary_species() == []
    assert m.parameters() == ["insulin", "k", "Emax", "EC50", "n", "R0", "R_obs"]
    assert m.constant_parameters() == ["insulin", "k", "Emax", "EC50", "n", "R0"]
    assert m.observables() == ["R_obs"]
    assert m.compartments() == ["cell"]
    assert m.inputs() == ["insulin"]
    assert len(m.sha256) == 64 and m.path == str(HILL)


def test_ids_two_state():
    m = Model(TWO)
    assert m.species() == ["A", "B"]
    assert m.parameters() == ["kf", "kr", "B_frac"]
    assert m.constant_parameters() == ["kf", "kr"]
    assert m.observables() == ["B_frac"]
    assert m.compartments() == ["cell"]
    assert m.inputs() == []
    for i in ("A", "kf", "B_frac", "cell"):
        assert m.resolve(i) == i


def test_describe():
    d = Model(TWO).describe().set_index("id")
    assert list(d.columns) == ["kind", "name", "value", "units"]
    assert d.loc["A"].tolist() == ["species", "A", 10.0, "nM"]
    assert d.loc["kf"].tolist() == ["parameter", "forward rate", 0.3, "per_min"]
    assert d.loc["B_frac"].tolist() == ["observable", "fraction in B", 0.0, "dimensionless"]
    assert d.loc["cell"].tolist() == ["compartment", "cell", 1.0, "litre"]


def test_hill_steady_state_is_exact_at_ec50():
    m = Model(HILL)
    m.set_values({"insulin": 0.5})
    m.reset()
    m.rr.steadyState()
    assert m.rr["[R]"] == pytest.approx(1.0, abs=1e-8)
    assert m.rr["R_obs"] == pytest.approx(1.0, abs=1e-8)
    # and by integration: R -> Emax*H(insulin) = 1 (transient decays as exp(-k t))
    m.reset()
    tight(m)
    r = m.rr.simulate(0, 60, 7, selections=["time", "[R]", "R_obs"])
    assert r[-1, 1] == pytest.approx(1.0, abs=1e-8)
    assert r[-1, 2] == pytest.approx(1.0, abs=1e-8)


@pytest.mark.parametrize("insulin", [0.1, 2.0, 10.0])
def test_hill_steady_state_other_doses(insulin):
    m = Model(HILL)
    m.set_values({"insulin": insulin})
    m.reset()
    m.rr.steadyState()
    x = (insulin / 0.5) ** 1.5
    assert m.rr["[R]"] == pytest.approx(2.0 * x / (1.0 + x), abs=1e-8)


def test_two_state_closed_form():
    m = tight(Model(TWO))
    times = [0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
    r = m.rr.simulate(times=times, selections=["time", "[A]", "[B]", "B_frac"])
    exact = b_closed_form(times)
    assert r[0, 2] == 0.0
    np.testing.assert_allclose(r[1:, 2], exact[1:], rtol=1e-8)
    np.testing.assert_allclose(r[:, 1] + r[:, 2], 10.0, rtol=1e-8)
    np.testing.assert_allclose(r[1:, 3], exact[1:] / 10.0, rtol=1e-8)


def test_set_values_then_reset_keeps_changes():
    m = tight(Model(TWO))
    m.set_values({"kf": 1.0, "A": 4.0})
    m.rr.simulate(0, 5, 6)
    m.reset()
    assert m.rr.model.getTime() == 0.0
    assert m.rr["kf"] == 1.0 and m.rr["[A]"] == 4.0 and m.rr["[B]"] == 0.0
    r = m.rr.simulate(times=[0.0, 1.0, 3.0], selections=["time", "[B]"])
    np.testing.assert_allclose(r[1:, 1], b_closed_form([1.0, 3.0], kf=1.0, a0=4.0), rtol=1e-8)
    m.reset()  # a second reset changes nothing
    assert m.rr["kf"] == 1.0 and m.rr["[A]"] == 4.0
    d = m.describe().set_index("id")["value"]
    assert d["kf"] == 1.0 and d["A"] == 4.0


def test_reset_recomputes_initial_assignment():
    m = Model(HILL)  # R has the initial assignment R = R0
    m.set_values({"R0": 0.3, "insulin": 0.5})
    m.rr.simulate(0, 5, 6)
    m.reset()
    assert m.rr["R0"] == 0.3 and m.rr["insulin"] == 0.5
    assert m.rr["[R]"] == 0.3


def test_roadrunner_reset_semantics():
    """Pins the libroadrunner 2.10 behaviour Model.reset relies on (see Model docstring)."""
    m = Model(HILL)
    rr = m.rr
    rr.simulate(0, 5, 6)
    rr["insulin"] = 0.5  # current value only
    rr["R0"] = 0.3
    assert rr["init(insulin)"] == 1.0
    rr.reset()  # keeps global parameters, recomputes R = R0
    assert rr.model.getTime() == 0.0 and rr["insulin"] == 0.5 and rr["[R]"] == 0.3
    rr.resetAll()  # parameters back to init(): plain assignments lost
    assert rr["insulin"] == 1.0 and rr["R0"] == 0.0 and rr["[R]"] == 0.0
    rr.simulate(0, 5, 6)
    rr["init(insulin)"] = 0.5  # sets the reset value and resets at once
    assert rr.model.getTime() == 0.0 and rr["insulin"] == 0.5
    rr.resetAll()
    assert rr["insulin"] == 0.5


def test_set_values_rejects_bad_input():
    m = Model(TWO)
    with pytest.raises(UserError, match="assignment rule"):
        m.set_values({"B_frac": 0.5})
    with pytest.raises(UserError, match="must be a number"):
        m.set_values({"kf": "fast"})
    with pytest.raises(UserError, match="closest: kf"):
        m.set_values({"kf_": 1.0})


def one_line(exc_info):
    msg = str(exc_info.value)
    assert msg and "\n" not in msg
    return msg


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.xml"
    for call in (check_sbml, Model, consistency_report):
        with pytest.raises(UserError) as e:
            call(missing)
        assert one_line(e) == f"SBML file not found: {missing}"


def test_malformed_xml(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text(HILL.read_text().replace("</listOfSpecies>", "", 1))
    for call in (check_sbml, Model):
        with pytest.raises(UserError) as e:
            call(broken)
        msg = one_line(e)
        assert msg.startswith(f"not valid SBML: {broken}: 1 error; first: line ")
    assert consistency_report(broken)["errors"] >= 1


def test_invalid_reference_is_one_line_error(tmp_path):
    # Well-formed SBML whose species sits in an undefined compartment: the read
    # is clean (check_sbml does not run the consistency checks), the full check
    # reports it, and Model turns roadrunner's refusal into one line.
    bad = tmp_path / "bad_ref.xml"
    bad.write_text(TWO.read_text().replace('compartment="cell" initialConcentration="10"',
                                           'compartment="nucleus" initialConcentration="10"'))
    check_sbml(bad)
    assert consistency_report(bad)["errors"] >= 1
    with pytest.raises(UserError) as e:
        Model(bad)
    assert "nucleus" in one_line(e)


def test_unknown_id_names_closest():
    m = Model(HILL)
    with pytest.raises(UserError) as e:
        m.resolve("insulin_x")
    assert one_line(e) == "unknown id 'insulin_x'; closest: insulin"


@pytest.mark.parametrize("path", [HILL, TWO], ids=["analytic_hill", "two_state"])
def test_consistency_report_clean(path):
    r = consistency_report(path)
    assert (r["errors"], r["warnings"], r["unit_warnings"]) == (0, 0, 0), r["messages"]
    assert isinstance(check_sbml(path).getModel().getId(), str)


def test_consistency_report_counts_unit_warnings(tmp_path):
    wrong = tmp_path / "wrong_units.xml"  # k in nM instead of 1/min
    wrong.write_text(HILL.read_text().replace('value="1" units="per_min"', 'value="1" units="nM"'))
    r = consistency_report(wrong)
    assert r["errors"] == 0 and r["unit_warnings"] >= 1 and r["warnings"] >= 1
    assert all("\n" not in m for m in r["messages"])
    assert consistency_report(wrong, units=False)["unit_warnings"] == 0
