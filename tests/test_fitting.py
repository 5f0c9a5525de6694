import math

import numpy as np
import pandas as pd
import pytest

from analysis.errors import UserError
from analysis.fitting import (
    compare_fits,
    dose_for_response,
    dose_for_response_fit,
    fit_hill,
    hill,
    kahn_class,
)

DOSES = np.logspace(-3, 3, 25)

CASES = [
    # basal, emax, ec50, hill
    (1.0, 10.0, 0.1, 0.7),
    (1.0, 10.0, 10.0, 1.0),
    (1.0, 10.0, 0.1, 2.5),
    (10.0, 2.0, 0.1, 1.0),
    (10.0, 2.0, 10.0, 0.7),
    (10.0, 2.0, 10.0, 2.5),
    (0.0, 1e-3, 1.0, 1.0),
    (-3.0, -50.0, 0.1, 2.5),
]


def test_hill_values():
    assert hill(0.0, 2.0, 8.0, 1.5, 2.0) == pytest.approx(2.0)
    assert hill(1.5, 2.0, 8.0, 1.5, 2.0) == pytest.approx(5.0)
    assert hill(3.0, 2.0, 8.0, 1.5, 2.0) == pytest.approx(2.0 + 6.0 * 4 / 5)
    assert hill(1e12, 2.0, 8.0, 1.5, 2.0) == pytest.approx(8.0)


@pytest.mark.parametrize("basal,emax,ec50,h", CASES)
def test_fit_recovers_noiseless(basal, emax, ec50, h):
    fit = fit_hill(DOSES, hill(DOSES, basal, emax, ec50, h))
    assert fit["status"] == "ok"
    assert fit["basal"] == pytest.approx(basal, rel=0.01, abs=1e-9)
    assert fit["emax"] == pytest.approx(emax, rel=0.01)
    assert fit["ec50"] == pytest.approx(ec50, rel=0.01)
    assert fit["hill"] == pytest.approx(h, rel=0.01)
    assert fit["r2"] > 0.9999
    assert fit["rmse"] < 1e-6 * abs(emax - basal)


@pytest.mark.parametrize("basal,emax,ec50,h", [(1.0, 10.0, 0.1, 2.5), (10.0, 2.0, 10.0, 2.5),
                                               (1.0, 10.0, 1.0, 1.0)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_with_one_percent_noise(basal, emax, ec50, h, seed):
    rng = np.random.default_rng(seed)
    values = hill(DOSES, basal, emax, ec50, h) * (1 + 0.01 * rng.standard_normal(DOSES.size))
    fit = fit_hill(DOSES, values)
    assert fit["status"] == "ok"
    assert fit["ec50"] == pytest.approx(ec50, rel=0.05)
    assert fit["r2"] > 0.99


def test_fit_with_replicates_in_any_order():
    doses = np.repeat(np.logspace(-2, 2, 6), 3)
    order = np.random.default_rng(0).permutation(doses.size)
    fit = fit_hill(doses[order], hill(doses, 2.0, 8.0, 1.5, 1.5)[order])
    assert fit["status"] == "ok"
    assert fit["ec50"] == pytest.approx(1.5, rel=1e-4)
    assert fit["hill"] == pytest.approx(1.5, rel=1e-4)


@pytest.mark.parametrize("values", [np.full(25, 3.0), 1e6 + 1e-3 * np.sin(np.arange(25)),
                                    np.zeros(25)])
def test_flat_curve(values):
    fit = fit_hill(DOSES, values)
    assert fit["status"] == "flat"
    assert math.isnan(fit["ec50"]) and math.isnan(fit["hill"])
    assert fit["basal"] == pytest.approx(values.mean())


def test_extrapolated_ec50():
    fit = fit_hill(DOSES, hill(DOSES, 1.0, 10.0, 1e4, 1.0))
    assert fit["status"] == "extrapolated"
    assert fit["ec50"] == pytest.approx(1e4, rel=0.01)


def test_poor_fit_and_failed():
    noise = np.random.default_rng(1).standard_normal(DOSES.size)
    assert fit_hill(DOSES, noise)["status"] == "poor_fit"
    bad = hill(DOSES, 1.0, 10.0, 1.0, 1.0)
    bad[3] = np.nan
    fit = fit_hill(DOSES, bad)
    assert fit["status"] == "failed" and fit["message"]


@pytest.mark.parametrize(
    "doses",
    [[1, 2, 3], [0, 1, 2, 3, 4], [-1, 1, 2, 3, 4], [1, 1, 2, 2, 3, 3], [1, 2, np.nan, 4, 5]],
)
def test_bad_doses_raise(doses):
    with pytest.raises(UserError):
        fit_hill(doses, np.arange(len(doses), dtype=float))


def test_length_mismatch_raises():
    with pytest.raises(UserError):
        fit_hill([1, 2, 3, 4], [1, 2, 3])


@pytest.mark.parametrize(
    "ec50_ratio,emax_ratio,expected",
    [
        (1.0, 1.0, "none"),
        (1.25, 0.8, "none"),
        (1.3, 1.0, "reduced_sensitivity"),
        (1.0, 0.79, "reduced_responsiveness"),
        (2.0, 0.5, "both"),
        (float("nan"), 0.5, "undetermined"),
        (2.0, float("nan"), "undetermined"),
        (None, 1.0, "undetermined"),
    ],
)
def test_kahn_class_truth_table(ec50_ratio, emax_ratio, expected):
    assert kahn_class(ec50_ratio, emax_ratio) == expected


def test_kahn_class_thresholds():
    assert kahn_class(1.2, 0.9, ec50_threshold=1.1) == "reduced_sensitivity"
    assert kahn_class(1.2, 0.9, emax_threshold=0.95) == "reduced_responsiveness"
    assert kahn_class(1.2, 0.9, ec50_threshold=1.1, emax_threshold=0.95) == "both"


def _fits():
    return pd.DataFrame(
        {
            "scenario": ["healthy", "ir", "healthy", "ir", "weak"],
            "readout": ["pAKT", "pAKT", "GLUT4", "GLUT4", "pAKT"],
            "basal": [1.0, 1.0, 2.0, 2.0, 1.0],
            "emax": [11.0, 6.0, 10.0, 10.0, float("nan")],
            "ec50": [1.0, 3.0, 2.0, 2.0, float("nan")],
            "hill": [1.0, 1.0, 1.0, 1.0, float("nan")],
            "r2": [1.0, 1.0, 1.0, 1.0, float("nan")],
            "status": ["ok", "ok", "ok", "ok", "flat"],
            "note": ["a", "b", "c", "d", "e"],
        }
    )


def test_compare_fits_ratios():
    out = compare_fits(_fits())
    assert list(out.columns[-4:]) == ["ec50_ratio", "emax_ratio", "delta_ratio", "kahn_class"]
    assert list(out["note"]) == ["a", "b", "c", "d", "e"]
    ir_akt = out.iloc[1]
    assert ir_akt["ec50_ratio"] == pytest.approx(3.0)
    assert ir_akt["emax_ratio"] == pytest.approx(6.0 / 11.0)
    assert ir_akt["delta_ratio"] == pytest.approx(5.0 / 10.0)
    assert ir_akt["kahn_class"] == "both"
    assert out.iloc[0]["ec50_ratio"] == 1.0 and out.iloc[0]["kahn_class"] == "none"
    assert out.iloc[3]["kahn_class"] == "none"
    assert out.iloc[4]["kahn_class"] == "undetermined"


def test_compare_fits_missing_reference():
    with pytest.raises(UserError, match="healty"):
        compare_fits(_fits(), reference="healty")
    fits = _fits()
    with pytest.raises(UserError, match="GLUT4"):
        compare_fits(fits.drop(index=2))


def test_dose_for_response_matches_analytic_inverse():
    params = {"basal": 1.0, "emax": 10.0, "ec50": 0.5, "hill": 1.5}
    doses = np.logspace(-3, 3, 301)
    values = hill(doses, **params)
    for target in (2.0, 5.5, 9.0):
        exact = dose_for_response_fit(params, target)
        assert exact == pytest.approx(0.5 * ((target - 1.0) / (10.0 - target)) ** (1 / 1.5))
        assert dose_for_response(doses, values, target) == pytest.approx(exact, rel=0.005)
    assert hill(dose_for_response_fit(params, 5.5), **params) == pytest.approx(5.5)


def test_dose_for_response_decreasing_and_unreachable():
    params = {"basal": 10.0, "emax": 2.0, "ec50": 3.0, "hill": 1.0}
    doses = np.logspace(-3, 3, 301)
    values = hill(doses, **params)
    assert dose_for_response(doses, values, 6.0) == pytest.approx(3.0, rel=0.005)
    assert dose_for_response(doses, values, 1.0) is None
    assert dose_for_response_fit(params, 1.0) is None
    assert dose_for_response_fit(params, 10.0) is None
    assert dose_for_response_fit({**params, "ec50": float("nan")}, 6.0) is None


def test_dose_for_response_exact_interpolation():
    assert dose_for_response([1, 10, 100], [0.0, 1.0, 2.0], 1.5) == pytest.approx(10**1.5)
    assert dose_for_response([1, 10, 100], [0.0, 1.0, 2.0], 0.0) == 1.0
    assert dose_for_response([1, 10, 100], [0.0, 1.0, 2.0], 2.5) is None
