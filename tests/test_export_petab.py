"""export-petab: a dose-response as PEtab that our engine and the real COPASI (through
copasi-petab-importer and basico) simulate to the same numbers."""
import json
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from analysis.calibration.problem import lint, load_problem, read_problem
from analysis.calibration.simulate import ConditionSimulator
from analysis.cli import main

READOUTS = ["glucose_uptake", "pAKT_T308", "pIRS1_Y", "pIR"]
SCENARIO = ["--cause", "type2_diabetes_adipocyte"]
DOSES = ["--doses", "6", "--dose-range", "0.01", "100"]


def export(tmp_path, name, *extra):
    out = tmp_path / name
    args = ["export-petab", *SCENARIO, *DOSES, "--out", str(out)]
    args += [a for r in READOUTS for a in ("--readout", r)]
    assert main(args + list(extra)) == 0
    return out / "problem.yaml"


def ours(yaml):
    """Our engine's simulation of every measurement row of a PEtab problem."""
    problem = load_problem(yaml)
    sim = ConditionSimulator(problem)
    readouts = sim.run(dict(problem.fixed))
    column = {r: j for j, r in enumerate(problem.readouts)}
    names = [problem.observables[o].model_ids[0] for o in problem.row_observable]
    return np.array([readouts[i, column[n]] for i, n in enumerate(names)])


def copasi(yaml, tmp_path):
    """COPASI's simulation of the problem, in a fresh interpreter (basico keeps a
    process-wide current model; some SWIG modules loaded here confuse the importer)."""
    script = textwrap.dedent(f"""
        import json, petab.v1 as petab
        from basico.petab.core import PetabSimulator
        problem = petab.Problem.from_yaml({str(yaml)!r})
        frame = PetabSimulator(problem, working_dir={str(tmp_path / 'copasi')!r}
                               ).simulate_without_noise()
        print(json.dumps([float(v) for v in frame['simulation']]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=600,
                          encoding="utf-8", errors="replace")
    assert done.returncode == 0, done.stderr[-2000:]
    return np.array(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_standard_problem_lints_and_our_engine_reproduces_it(tmp_path):
    yaml = export(tmp_path, "standard")
    assert lint(read_problem(yaml)) == []
    m = pd.read_csv(yaml.parent / "measurements.tsv", sep="\t")
    assert set(m.preequilibrationConditionId) == {"basal"}
    conditions = pd.read_csv(yaml.parent / "conditions.tsv", sep="\t").set_index("conditionId")
    assert conditions.loc["basal", "insulin"] == 0
    assert (conditions["scale_INSR_total"] == 0.55).all()
    assert np.allclose(ours(yaml), m.measurement, rtol=1e-9, atol=0)


def test_copasi_reproduces_the_copasi_form_of_the_problem(tmp_path):
    yaml = export(tmp_path, "copasi", "--copasi")
    m = pd.read_csv(yaml.parent / "measurements.tsv", sep="\t")
    assert "preequilibrationConditionId" not in m
    assert np.allclose(ours(yaml), m.measurement, rtol=1e-6, atol=1e-12)
    simulated = copasi(yaml, tmp_path)
    scale = m.groupby("observableId").measurement.transform(lambda v: np.abs(v).max())
    assert np.max(np.abs(simulated - m.measurement) / scale) <= 1e-6


@pytest.mark.xfail(strict=True, reason="copasi-petab-importer 1.0.9 starts each experiment at "
                   "the steady state of the simulation condition, not of the preequilibration "
                   "condition (so export-petab --copasi writes the protocol as an event); this "
                   "test fails once the importer honours preequilibration")
def test_copasi_honours_preequilibration(tmp_path):
    yaml = export(tmp_path, "standard")
    m = pd.read_csv(yaml.parent / "measurements.tsv", sep="\t")
    simulated = copasi(yaml, tmp_path)
    assert np.allclose(simulated, m.measurement, rtol=1e-6)


def test_bad_output_folder_and_scenario_are_one_line(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["export-petab", "--out", str(tmp_path / "file")]) == 2
    assert main(["export-petab", "--cause", "nosuch", "--out", str(tmp_path / "o")]) == 2
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    assert main(["export-petab", "--out", str(tmp_path / "full")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("error: ") for line in err)
    assert (tmp_path / "full" / "keep.txt").read_text() == "x"
    assert not (tmp_path / "o").exists()
