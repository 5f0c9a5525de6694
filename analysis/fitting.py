"""Hill-curve fits of dose-response data and Kahn (1978) classification.

Kahn CR, Metabolism 27:1893 (1978): insulin resistance shows as reduced
sensitivity (right shift, higher EC50), reduced responsiveness (lower maximal
response), or both.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import least_squares
from scipy.special import expit

from analysis.errors import UserError, unknown
from analysis.protocol import DEFAULT

if TYPE_CHECKING:
    import pandas as pd

FIT_KEYS = ("basal", "emax", "ec50", "hill", "r2", "rmse", "status", "message")
HILL_BOUNDS = (0.1, 10.0)
EC50_RANGE_FACTOR = 100.0
POOR_FIT_R2 = 0.95
KAHN_CLASSES = ("none", "reduced_sensitivity", "reduced_responsiveness", "both", "undetermined")
USABLE_STATUS = ("ok", "extrapolated")


def hill(x: np.ndarray | float, basal: float, emax: float, ec50: float, hill: float) -> np.ndarray:
    """basal + (emax - basal) * x^h / (ec50^h + x^h).

    ``emax`` is the top of the curve (response at saturating dose, basal
    included); ``emax < basal`` gives a decreasing curve. ``x`` >= 0.
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        frac = expit(hill * (np.log(x) - math.log(ec50)))
    y = basal + (emax - basal) * frac
    return float(y) if y.ndim == 0 else y


def _check_doses(doses, values):
    doses = np.asarray(doses, dtype=float).ravel()
    values = np.asarray(values, dtype=float).ravel()
    if doses.size != values.size:
        raise UserError(f"doses and values differ in length ({doses.size} vs {values.size}); give "
                        "one value per dose")
    if not np.all(np.isfinite(doses)) or np.any(doses <= 0):
        raise UserError("doses must be finite and positive (> 0)")
    if np.unique(doses).size < 4:
        raise UserError(f"need at least 4 distinct doses to fit a Hill curve, got "
                        f"{np.unique(doses).size}")
    return doses, values


def _mean_per_dose(doses, values):
    """Sorted distinct doses and the mean value at each."""
    udoses, inverse = np.unique(doses, return_inverse=True)
    means = np.bincount(inverse, weights=values) / np.bincount(inverse)
    return udoses, means


def _half_crossing_log10(udoses, means, basal, emax):
    """log10 dose where the sampled curve first crosses (basal + emax) / 2."""
    logd = np.log10(udoses)
    half = 0.5 * (basal + emax)
    side = np.sign(means - half) * np.sign(emax - basal)
    for i in range(1, len(means)):
        if side[i - 1] < 0 <= side[i]:
            y0, y1 = means[i - 1], means[i]
            t = 0.0 if y1 == y0 else (half - y0) / (y1 - y0)
            return logd[i - 1] + t * (logd[i] - logd[i - 1])
    return 0.5 * (logd[0] + logd[-1])


def _result(basal, emax, ec50, h, r2, rmse, status, message):
    values = (float(basal), float(emax), float(ec50), float(h), float(r2), float(rmse), status,
              message)
    return dict(zip(FIT_KEYS, values, strict=True))


def fit_hill(doses: Sequence[float] | np.ndarray,
             values: Sequence[float] | np.ndarray) -> dict[str, Any]:
    """Fit the four-parameter Hill curve; returns a dict with ``FIT_KEYS``.

    status: "ok", "flat", "poor_fit" (r2 < 0.95), "extrapolated" (ec50
    outside the dose range) or "failed"; bad values never raise.
    """
    doses, values = _check_doses(doses, values)
    nan = float("nan")
    if not np.all(np.isfinite(values)):
        return _result(nan, nan, nan, nan, nan, nan, "failed", "values contain NaN or infinity")

    lo, hi = float(values.min()), float(values.max())
    span = hi - lo
    if span < 1e-12 or span <= 1e-6 * max(abs(lo), abs(hi)):
        level = float(values.mean())
        rmse = float(np.sqrt(np.mean((values - level) ** 2)))
        return _result(level, level, nan, nan, nan, rmse, "flat", f"response range {span:.3g} is "
                                                                  "negligible")

    # Fit on values scaled to [0, 1] so tolerances do not depend on units.
    y = (values - lo) / span
    udoses, means = _mean_per_dose(doses, y)
    b0, e0 = means[0], means[-1]
    if abs(e0 - b0) < 1e-3:  # ends equal: fall back to the extremes
        b0, e0 = (0.0, 1.0) if np.argmax(means) > np.argmin(means) else (1.0, 0.0)
    log_lo = math.log10(udoses[0] / EC50_RANGE_FACTOR)
    log_hi = math.log10(udoses[-1] * EC50_RANGE_FACTOR)
    logc_half = _half_crossing_log10(udoses, means, b0, e0)
    logc_mid = 0.5 * (math.log10(udoses[0]) + math.log10(udoses[-1]))
    logx = np.log10(doses)

    def residuals(p):
        b, e, logc, h = p
        return b + (e - b) * expit(h * math.log(10) * (logx - logc)) - y

    bounds = ([-1e3, -1e3, log_lo, HILL_BOUNDS[0]], [1e3, 1e3, log_hi, HILL_BOUNDS[1]])
    starts = [(b0, e0, logc_half, 1.0), (b0, e0, logc_half, 0.5), (b0, e0, logc_half, 3.0),
              (b0, e0, logc_mid, 1.0)]
    best, errors = None, []
    for start in starts:
        x0 = np.clip(start, np.array(bounds[0]) + 1e-9, np.array(bounds[1]) - 1e-9)
        try:
            sol = least_squares(residuals, x0, bounds=bounds, method="trf", xtol=1e-12,
                                ftol=1e-12, gtol=1e-12, max_nfev=5000)
        except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
            errors.append(str(exc))
            continue
        if np.all(np.isfinite(sol.x)) and (best is None or sol.cost < best.cost):
            best = sol
    if best is None:
        reason = "; ".join(errors) or "no finite solution"
        return _result(nan, nan, nan, nan, nan, nan, "failed", f"optimizer failed: {reason}")

    b, e, logc, h = best.x
    basal, emax, ec50 = lo + span * b, lo + span * e, 10.0**logc
    res = hill(doses, basal, emax, ec50, h) - values
    ss_res = float(np.sum(res**2))
    ss_tot = float(np.sum((values - values.mean()) ** 2))
    r2 = 1.0 - ss_res / ss_tot
    rmse = math.sqrt(ss_res / values.size)
    if not all(map(math.isfinite, (basal, emax, ec50, h, r2))):
        return _result(basal, emax, ec50, h, r2, rmse, "failed", "fit produced non-finite values")
    if r2 < POOR_FIT_R2:
        status, message = "poor_fit", f"r2 {r2:.3f} < {POOR_FIT_R2}"
    elif not udoses[0] <= ec50 <= udoses[-1]:
        status = "extrapolated"
        message = f"ec50 {ec50:.3g} outside the dose range [{udoses[0]:.3g}, {udoses[-1]:.3g}]"
    else:
        status, message = "ok", ""
    return _result(basal, emax, ec50, h, r2, rmse, status, message)


def _is_nan(x):
    return x is None or (isinstance(x, (float, np.floating)) and math.isnan(x))


def kahn_class(ec50_ratio: float, emax_ratio: float,
               ec50_threshold: float = DEFAULT.ec50_ratio_threshold,
               emax_threshold: float = DEFAULT.emax_ratio_threshold) -> str:
    """Kahn (1978) class of a scenario versus healthy.

    ``ec50_ratio`` = EC50 scenario / healthy; ``emax_ratio`` = fitted top
    (emax) scenario / healthy. Returns one of ``KAHN_CLASSES``.
    """
    if _is_nan(ec50_ratio) or _is_nan(emax_ratio):
        return "undetermined"
    shifted = ec50_ratio > ec50_threshold
    lowered = emax_ratio < emax_threshold
    if shifted and lowered:
        return "both"
    if shifted:
        return "reduced_sensitivity"
    if lowered:
        return "reduced_responsiveness"
    return "none"


def _ratio(num, den):
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den == 0, np.nan, num / den)


def compare_fits(fits: pd.DataFrame, reference: str = 'healthy',
                 ec50_threshold: float = DEFAULT.ec50_ratio_threshold,
                 emax_threshold: float = DEFAULT.emax_ratio_threshold) -> pd.DataFrame:
    """Add ec50_ratio, emax_ratio, delta_ratio and kahn_class per readout.

    Ratios are scenario / reference row of the same readout: ec50, emax (the
    fitted top) and delta = emax - basal (stimulated response above basal).
    kahn_class uses ec50_ratio and emax_ratio; it is "undetermined" unless both
    fits have status "ok" or "extrapolated" (when a status column exists).
    """
    needed = ["scenario", "readout", "basal", "emax", "ec50"]
    missing = [c for c in needed if c not in fits.columns]
    if missing:
        raise UserError(f"fits table lacks column(s) {', '.join(missing)}; needs "
                        f"{', '.join(needed)}")
    scenarios = fits["scenario"].astype(str).unique().tolist()
    if reference not in scenarios:
        raise unknown("reference scenario", reference, scenarios)
    ref = fits[fits["scenario"] == reference]
    if ref["readout"].duplicated().any():
        dup = ref.loc[ref["readout"].duplicated(), "readout"].iloc[0]
        raise UserError(f"reference scenario '{reference}' has several rows for readout '{dup}'; "
                        "give one per readout")
    lacking = sorted(set(fits["readout"]) - set(ref["readout"]), key=str)
    if lacking:
        raise UserError(f"reference scenario '{reference}' has no row for readout(s) "
                        f"{', '.join(map(str, lacking))}")

    ref_cols = ["basal", "emax", "ec50"] + (["status"] if "status" in fits.columns else [])
    ref = ref.set_index("readout")[ref_cols]
    aligned = ref.reindex(fits["readout"].to_numpy())
    out = fits.copy()
    out["ec50_ratio"] = _ratio(fits["ec50"], aligned["ec50"])
    out["emax_ratio"] = _ratio(fits["emax"], aligned["emax"])
    out["delta_ratio"] = _ratio(fits["emax"] - fits["basal"],
                                aligned["emax"].to_numpy() - aligned["basal"].to_numpy())
    if "status" in fits.columns:
        usable = (fits["status"].isin(USABLE_STATUS).to_numpy()
                  & aligned["status"].isin(USABLE_STATUS).to_numpy())
    else:
        usable = np.ones(len(fits), dtype=bool)
    out["kahn_class"] = [
        kahn_class(e, m, ec50_threshold, emax_threshold) if ok else "undetermined"
        for e, m, ok in zip(out["ec50_ratio"], out["emax_ratio"], usable, strict=True)
    ]
    return out


def dose_for_response(doses: Sequence[float] | np.ndarray, values: Sequence[float] | np.ndarray,
                      target: float) -> float:
    """Smallest dose at which the sampled curve reaches ``target``, else None.

    Direction comes from the overall trend (last vs first dose): "reaches"
    means >= target for a rising curve, <= target for a falling one. Between
    samples the dose is interpolated linearly in log10(dose).
    """
    doses = np.asarray(doses, dtype=float).ravel()
    values = np.asarray(values, dtype=float).ravel()
    if doses.size != values.size:
        raise UserError(f"doses and values differ in length ({doses.size} vs {values.size}); give "
                        "one value per dose")
    if doses.size == 0 or not np.all(np.isfinite(doses)) or np.any(doses <= 0):
        raise UserError("doses must be a non-empty list of finite positive numbers")
    keep = np.isfinite(values)
    if not keep.any():
        return None
    udoses, means = _mean_per_dose(doses[keep], values[keep])
    sign = -1.0 if means[-1] < means[0] else 1.0
    reached = sign * (means - target) >= 0
    if not reached.any():
        return None
    i = int(np.argmax(reached))
    if i == 0:
        return float(udoses[0])
    y0, y1 = means[i - 1], means[i]
    t = (target - y0) / (y1 - y0)
    logd = np.log10(udoses[i - 1]) + t * (np.log10(udoses[i]) - np.log10(udoses[i - 1]))
    return float(10.0**logd)


def dose_for_response_fit(params: Mapping[str, float], target: float) -> float:
    """Dose at which the fitted Hill curve equals ``target``, else None.

    ``params`` holds basal, emax, ec50, hill (e.g. a ``fit_hill`` result);
    None when ``target`` is not strictly between basal and emax.
    """
    b, e, c, h = (float(params[k]) for k in ("basal", "emax", "ec50", "hill"))
    if not all(map(math.isfinite, (b, e, c, h, target))) or c <= 0 or h <= 0:
        return None
    if not min(b, e) < target < max(b, e):
        return None
    return c * ((target - b) / (e - target)) ** (1.0 / h)
