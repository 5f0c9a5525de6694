"""The Protocol: one definition of the experiment, plain data, checked."""
import json

import numpy as np
import pytest

from analysis.backends import create
from analysis.errors import UserError
from analysis.protocol import DEFAULT, Protocol, log_spaced


def test_defaults_are_the_published_protocol():
    p = DEFAULT
    assert (p.input_id, p.settle_time, p.settle_rate) == ("insulin", 1e5, 1e-7)
    assert p.readout_time == 10.0
    assert (p.reference_dose, p.stimulus_dose) == (1.0, 100.0)
    assert p.kahn_thresholds == {"ec50_threshold": 1.25, "emax_threshold": 0.8}
    assert len(p.doses) == 25 and p.doses[0] == pytest.approx(1e-3) and p.doses[-1] == 1e3
    assert np.allclose(p.doses, np.logspace(-3, 3, 25), rtol=1e-14)


def test_plain_data_round_trip():
    p = DEFAULT.replace(settle_values={"glucose": 5.0}, readout_time=15.0).with_doses(9, 0.01)
    data = json.loads(json.dumps(p.to_dict()))
    assert Protocol.from_dict(data) == p
    assert data["doses"] == list(p.doses) and data["settle_values"] == {"glucose": 5.0}
    assert hash(p) != hash(DEFAULT)            # frozen: usable as a key


def test_log_spaced_includes_both_ends():
    assert log_spaced(5, 0.01, 100.0) == (0.01, 0.1, 1.0, 10.0, 100.0)


@pytest.mark.parametrize("changes, message", [
    ({"dose_count": 3}, "at least 4 doses"),
    ({"dose_low": 10.0, "dose_high": 1.0}, "empty or inverted"),
    ({"dose_low": -1.0}, "must be > 0"),
    ({"readout_time": 0.0}, "readout time must be > 0"),
    ({"settle_values": {"insulin": 1.0}}, "must not hold the input"),
    ({"readout_time": 2e5}, "below the settle time"),
    ({"scan_points": 1}, "at least 2 points"),
    ({"doses_count": 3}, "unknown protocol field(s) doses_count"),
])
def test_bad_values_are_one_line(changes, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        DEFAULT.replace(**changes)


def test_settle_values_hold_while_settling_and_return_at_the_step():
    # TNFa held at 1 while settling: the basal state is the inflamed one, and after
    # the step TNFa is back to the scenario's 0, so IRS1-S636 (the site of the stress
    # kinases) relaxes.
    sim = create("roadrunner", readouts=["pIRS1_S636"])
    inflamed = sim.response({"TNFa": 1.0}, [0.0]).pIRS1_S636_basal.iloc[0]
    held = create("roadrunner", readouts=["pIRS1_S636"],
                  protocol=DEFAULT.replace(settle_values={"TNFa": 1.0}))
    frame = held.response({}, [0.0], time=60.0)
    assert frame.pIRS1_S636_basal.iloc[0] == pytest.approx(inflamed, rel=1e-9)
    assert held.rr["TNFa"] == 0.0
    assert frame.pIRS1_S636.iloc[0] < 0.9 * inflamed


def test_the_backend_uses_its_protocol():
    sim = create("roadrunner", readouts=["glucose_uptake"],
                 protocol=DEFAULT.with_doses(5, 0.01, 100.0).replace(readout_time=5.0))
    frame = sim.response({})
    assert list(frame.dose) == [0.01, 0.1, 1.0, 10.0, 100.0]
    at_five = sim.timecourse({}, 100.0, [0.0, 5.0]).glucose_uptake.iloc[-1]
    assert frame.glucose_uptake.iloc[-1] == pytest.approx(at_five, rel=1e-9)
