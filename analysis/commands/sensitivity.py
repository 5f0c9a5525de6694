"""sensitivity: local sensitivities, MCA, Morris and Sobol with sensible defaults."""
from __future__ import annotations

from argparse import ArgumentParser, Namespace

from ..cli import integer, workers_count
from ..parallel import default_workers


def run(args: Namespace) -> int | None:
    """Runs local-sensitivity, mca, morris (n=64) and sobol (n=512) on the project's
    model into results/<analysis>/ (each resumable); `make report` then shows their
    figures. Each analysis has its own subcommand for other settings."""
    from ..cli import main
    workers = ["--workers", str(args.workers)]
    steps = [
        ["local-sensitivity", "--out", "results/local-sensitivity"],
        ["mca", "--out", "results/mca"],
        ["morris", "--n", str(args.morris_n), *workers, "--resume", "--out", "results/morris"],
        ["sobol", "--n", str(args.sobol_n), *workers, "--resume", "--out", "results/sobol"],
    ]
    for step in steps:
        print(f"\n== {step[0]} ==")
        status = main(step)
        if status:
            return status
    return 0


def arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--workers", type=workers_count, default=default_workers(),
                        help="local worker processes for Morris and Sobol (default: all cores)")
    parser.add_argument("--morris-n", type=integer(2, 1 << 16, "Morris trajectories"),
                        default=64, help="Morris trajectories (default 64)")
    parser.add_argument("--sobol-n", type=integer(2, 1 << 16, "Sobol base samples"), default=512,
                        help="Sobol base samples, a power of two (default 512)")


run.arguments = arguments
