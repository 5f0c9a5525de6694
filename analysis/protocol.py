"""The experiment, defined once: settle without insulin, step insulin, read out.

Every analysis, the CLI defaults, the metadata, the bench and the report take a
:class:`Protocol`; no protocol constant is written anywhere else. It is plain
data (numbers, strings, tuples), so it can be written out as PEtab
(preequilibration condition, conditions, observables) or SED-ML.

    settle: the scenario's parameters, the input at 0 and ``settle_values``
            held, until the steady state (residual <= ``settle_rate`` per
            minute; if the solver cannot show it, simulate ``settle_time`` min)
    step:   the input to a dose at t = 0 (``settle_values`` back to the
            scenario's values), readouts ``readout_time`` min later
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import UserError


def log_spaced(count: int, low: float, high: float) -> tuple[float, ...]:
    """``count`` log-spaced doses from ``low`` to ``high`` (both included)."""
    if count < 2:
        return (float(low),) * max(count, 0)
    step = (math.log10(high) - math.log10(low)) / (count - 1)
    return tuple(float(10.0 ** (math.log10(low) + i * step)) for i in range(count))


@dataclass(frozen=True)
class Protocol:
    """Settle-then-step experiment; all times in min, doses in the input's unit (nM)."""

    input_id: str = "insulin"
    settle_values: tuple[tuple[str, float], ...] = ()   # other ids held while settling
    settle_time: float = 1e5         # fallback settle simulation (slowest mode ~900 min)
    settle_rate: float = 1e-7        # accepted max |d[S]/dt| / max |[S]|, per min
    dose_count: int = 25
    dose_low: float = 1e-3
    dose_high: float = 1e3
    readout_time: float = 10.0
    reference_dose: float = 1.0      # single-dose readouts, compensation target, sensitivities
    stimulus_dose: float = 100.0     # the time course's insulin step
    timecourse_end: float = 60.0
    max_dose: float = 1e4            # highest dose tried when compensating
    scan_points: int = 11            # strengths in a 1-D mechanism scan
    ec50_ratio_threshold: float = 1.25   # Kahn: above, reduced sensitivity
    emax_ratio_threshold: float = 0.8    # Kahn: below, reduced responsiveness

    def __post_init__(self) -> None:
        self.check()

    # ---------------------------------------------------------------- derived
    @property
    def doses(self) -> tuple[float, ...]:
        """The dose-response doses (log-spaced, both ends included)."""
        return log_spaced(self.dose_count, self.dose_low, self.dose_high)

    @property
    def kahn_thresholds(self) -> dict[str, float]:
        return {"ec50_threshold": self.ec50_ratio_threshold,
                "emax_threshold": self.emax_ratio_threshold}

    def settle_parameters(self, parameters: Mapping[str, float]) -> dict[str, float]:
        """Values in force while settling: the scenario, ``settle_values``, the input at 0."""
        return {**parameters, **dict(self.settle_values), self.input_id: 0.0}

    # ---------------------------------------------------------------- variants
    def with_doses(self, count: int | None = None, low: float | None = None,
                   high: float | None = None) -> Protocol:
        """The same protocol with another dose grid (checked)."""
        return self.replace(dose_count=self.dose_count if count is None else int(count),
                            dose_low=self.dose_low if low is None else float(low),
                            dose_high=self.dose_high if high is None else float(high))

    def replace(self, **changes: Any) -> Protocol:
        """A copy with ``changes`` (checked); unknown fields are one clear line."""
        fields = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - fields)
        if unknown:
            raise UserError(f"unknown protocol field(s) {', '.join(unknown)}; "
                            f"known: {', '.join(sorted(fields))}")
        if "settle_values" in changes:
            changes["settle_values"] = _pairs(changes["settle_values"])
        return dataclasses.replace(self, **changes)

    # ---------------------------------------------------------------- data
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (also the derived dose list, for readers)."""
        data = dataclasses.asdict(self)
        data["settle_values"] = dict(self.settle_values)
        data["doses"] = list(self.doses)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Protocol:
        """Inverse of :meth:`to_dict` (the derived ``doses`` entry is ignored)."""
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in fields}
        unknown = sorted(set(data) - fields - {"doses"})
        if unknown:
            raise UserError(f"unknown protocol field(s) {', '.join(unknown)}; "
                            f"known: {', '.join(sorted(fields))}")
        if "settle_values" in values:
            values["settle_values"] = _pairs(values["settle_values"])
        return cls(**values)

    def check(self) -> None:
        """Raise UserError naming the first field out of its accepted range."""
        if not all(_positive(v) for v in (self.dose_low, self.dose_high)):
            raise UserError(f"dose range {self.dose_low:g}..{self.dose_high:g}: doses must be "
                            "> 0 on a log scale")
        positive = ("settle_time", "settle_rate", "readout_time", "reference_dose",
                    "stimulus_dose", "timecourse_end", "max_dose", "ec50_ratio_threshold",
                    "emax_ratio_threshold")
        for name in positive:
            if not _positive(getattr(self, name)):
                raise UserError(f"protocol {name.replace('_', ' ')} must be > 0 (finite), "
                                f"got {getattr(self, name)!r}")
        if not self.input_id or not isinstance(self.input_id, str):
            raise UserError(f"protocol input_id must be an id, got {self.input_id!r}")
        if not (isinstance(self.scan_points, int) and self.scan_points >= 2):
            raise UserError(f"{self.scan_points!r} scan point(s): a scan needs at least 2 "
                            "points")
        if self.dose_count < 4:
            raise UserError(f"{self.dose_count} doses: a dose-response needs at least 4 doses")
        if self.dose_low >= self.dose_high:
            raise UserError(f"dose range {self.dose_low:g}..{self.dose_high:g} is empty or "
                            "inverted; give low < high")
        if self.readout_time >= self.settle_time:
            raise UserError(f"readout time {self.readout_time:g} min must be below the settle "
                            f"time {self.settle_time:g} min")
        for key, value in self.settle_values:
            if key == self.input_id:
                raise UserError(f"settle_values must not hold the input '{key}' (it is 0 "
                                "while settling)")
            if not math.isfinite(value):
                raise UserError(f"settle value of '{key}' must be finite, got {value}")


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def _pairs(values: Mapping[str, float] | Iterable[tuple[str, float]]) -> tuple:
    items = values.items() if isinstance(values, Mapping) else values
    return tuple(sorted((str(k), float(v)) for k, v in items))


DEFAULT = Protocol()
