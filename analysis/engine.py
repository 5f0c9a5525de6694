"""The simulation engine: the default backend under its historical names.

``Simulator`` is :class:`analysis.backends.roadrunner.RoadRunnerBackend`;
the protocol constants come from :data:`analysis.protocol.DEFAULT`. New code
picks a backend with :func:`analysis.backends.create`.
"""
from .backends.base import SimulationError, SolverOptions, check_doses, check_times
from .backends.roadrunner import RoadRunnerBackend as Simulator
from .protocol import DEFAULT as PROTOCOL
from .resources import DEFAULT_READOUTS, DEFAULT_SBML

SETTLE_TIME = PROTOCOL.settle_time
SETTLE_RATE = PROTOCOL.settle_rate

__all__ = ["Simulator", "SimulationError", "SolverOptions", "check_doses", "check_times",
           "PROTOCOL", "DEFAULT_READOUTS", "DEFAULT_SBML", "SETTLE_TIME", "SETTLE_RATE"]
