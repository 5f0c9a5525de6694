"""Global sensitivity: known indices of a linear model through the same code path;
serial, 2 workers and Dask give the same table; SIGKILL and --resume lose nothing."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.results import read_table

DATA = Path(__file__).parent / "data"
LINEAR = DATA / "linear.xml"


def linear_catalogue(tmp_path, kind):
    """x1..x3 as mechanisms with identical ranges (so S_i = a_i^2 / sum a^2)."""
    low, high = (0.2, 1.0) if kind == "fraction" else (1.0, 3.0)
    text = "".join(f"""
[mechanisms.x{i}_change]
description = "test factor x{i}"
level = "intracellular_signaling"
kind = "{kind}"
targets = ["x{i}"]
healthy = 1.0
range = [{low}, {high}]
effect = "lowers_uptake"
""" for i in (1, 2, 3))
    path = tmp_path / f"linear_{kind}.toml"
    path.write_text(text)
    return path


def run_cli(args, out):
    assert main(args + ["--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("kind", ["fraction", "fold"])
def test_sobol_recovers_the_indices_of_a_linear_model(tmp_path, kind):
    cat = linear_catalogue(tmp_path, kind)
    out = run_cli(["sobol", "--sbml", str(LINEAR), "--readout", "Y", "--catalogue", str(cat),
                   "--n", "1024", "--workers", "1"], tmp_path / "s")
    table, meta = read_table(out / "sobol_indices.parquet")
    table = table.set_index("factor")
    expected = np.array([1, 4, 9]) / 14
    assert np.allclose(table.loc[["x1_change", "x2_change", "x3_change"], "ST"], expected,
                       atol=0.03)
    assert np.allclose(table.loc[["x1_change", "x2_change", "x3_change"], "S1"], expected,
                       atol=0.03)
    assert meta["seed"] == 1 and meta["settings"]["n"] == 1024


def test_morris_elementary_effects_of_a_linear_model_are_exact(tmp_path):
    cat = linear_catalogue(tmp_path, "fraction")
    out = run_cli(["morris", "--sbml", str(LINEAR), "--readout", "Y", "--catalogue", str(cat),
                   "--n", "20", "--workers", "1"], tmp_path / "m")
    table = read_table(out / "morris_indices.parquet")[0].set_index("factor")
    width = 1.0 - 0.2
    assert np.allclose(table.mu_star.to_numpy(), np.array([1, 2, 3]) * width, rtol=1e-9)
    assert np.allclose(table.sigma.to_numpy(), 0.0, atol=1e-9)


SMALL = ["sobol", "--n", "8", "--chunk-size", "16",
         "--factors", "IR_expression_down", "GLUT4_expression_down", "PTEN_up",
         "IRS1_serine_S6K1", "AS160_defect"]


@pytest.mark.slow
def test_serial_two_workers_and_dask_give_identical_tables(tmp_path):
    from distributed import LocalCluster
    serial = run_cli(SMALL + ["--workers", "1"], tmp_path / "serial")
    local = run_cli(SMALL + ["--workers", "2"], tmp_path / "two")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        dask = run_cli(SMALL + ["--scheduler", cluster.scheduler_address], tmp_path / "dask")
    tables = [pd.read_parquet(folder / "samples.parquet") for folder in (serial, local, dask)]
    indices = [pd.read_parquet(folder / "sobol_indices.parquet")
               for folder in (serial, local, dask)]
    for other in tables[1:]:
        pd.testing.assert_frame_equal(tables[0], other, check_exact=True)
    for other in indices[1:]:
        pd.testing.assert_frame_equal(indices[0], other, check_exact=True)


RESUMABLE = ["sobol", "--n", "32", "--chunk-size", "16", "--workers", "1"]


@pytest.mark.slow
def test_sigkill_then_resume_redoes_nothing_and_loses_nothing(tmp_path):
    reference = run_cli(RESUMABLE, tmp_path / "reference")
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "analysis", *RESUMABLE, "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    chunks = out / "chunks"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(chunks.glob("chunk_*.parquet"))) < 5:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    written = {p.name: p.stat().st_mtime_ns for p in chunks.glob("chunk_*.parquet")}
    assert 5 <= len(written) < 40, "the run was not interrupted part-way"
    assert not (out / "samples.parquet").exists()
    run_cli(RESUMABLE + ["--resume"], out)
    after = {p.name: p.stat().st_mtime_ns for p in chunks.glob("chunk_*.parquet")}
    assert len(after) == 40
    assert all(after[name] == stamp for name, stamp in written.items())   # nothing redone
    pd.testing.assert_frame_equal(pd.read_parquet(reference / "samples.parquet"),
                                  pd.read_parquet(out / "samples.parquet"), check_exact=True)


def test_resume_refuses_a_folder_from_other_settings(tmp_path, capsys):
    cat = linear_catalogue(tmp_path, "fraction")
    base = ["sobol", "--sbml", str(LINEAR), "--readout", "Y", "--catalogue", str(cat),
            "--workers", "1"]
    run_cli(base + ["--n", "8"], tmp_path / "r")
    assert main(base + ["--n", "16", "--resume", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "resume refused" in err and "n was 8, now 16" in err
    assert main(base + ["--n", "8", "--out", str(tmp_path / "r")]) == 2
    assert "resume it or choose another output folder" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["sobol", "--n", "100"], "not a power of two, which Sobol sampling needs; nearest: 128"),
    (["sobol", "--n", "64", "--range", "PTEN_up", "3", "1"], "give low < high"),
    (["sobol", "--n", "64", "--readout", "pAkt"], "unknown readout 'pAkt'"),
    (["morris", "--factors", "PTEN_upp"], "closest: PTEN_up"),
    (["sobol", "--n", "8", "--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler"),
])
def test_bad_input_is_one_clear_line(argv, message, tmp_path, capsys):
    start = time.time()
    assert main(argv + ["--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and "\n" not in err
    assert time.time() - start < 30
