"""Issue 13: nothing wrong passes silently, no long run dies of one bad sample, no
fault leaves a half-written folder. One section per family of the issue; each
case is a real run of the CLI (in this process, or a subprocess where a signal,
a resource limit or a second process is needed) on the real model or a small
SBML written here, and asserts the exit status, that stderr is exactly one
error line (no traceback, no raw solver output) and what the folder holds."""
from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import libsbml
import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.outputs import FolderLock, temp_path

ROOT = Path(__file__).resolve().parents[1]
GLUT4 = "scale_GLUT4_translocation"     # at 1e20 CVODE fails (CV_TOO_MUCH_WORK) while settling

EXTREME = """
[mechanisms.GLUT4_translocation_extreme]
description = "GLUT4 translocation pushed far beyond anything plausible."
level = "intracellular_signaling"
kind = "fold"
targets = ["scale_GLUT4_translocation"]
healthy = 1.0
range = [1.0, 1e20]
effect = "raises_uptake"
references = []
"""


# ------------------------------------------------------------------ helpers
def cli(capfd, *argv):
    """(exit status, stdout, stderr) of ``python -m analysis argv`` run in this process."""
    try:
        status = main([str(a) for a in argv])
    except SystemExit as exc:
        status = exc.code
    out, err = capfd.readouterr()
    return status, out, err


def run(*argv, cwd=ROOT, limit_bytes=None, timeout=300):
    """The CLI in a subprocess (optionally with a file-size limit: writes fail with EFBIG)."""
    def preexec():
        if limit_bytes is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, argv)], cwd=cwd,
                          capture_output=True, encoding="utf-8", errors="replace",
                          timeout=timeout, env=env,
                          preexec_fn=preexec)


def one_error_line(err: str) -> str:
    """The single 'error: ...' line of stderr (no traceback, no raw solver output)."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert "Traceback" not in err and "\x1b[" not in err
    return lines[0]


def files(folder: Path) -> list[str]:
    """Every file under ``folder`` (relative names, hidden ones too)."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def tiny_sbml(path: Path, species: bool = True, event: bool = False) -> Path:
    """A - B converted by insulin (k * insulin * A), B back to A; 'signal' = 2 * insulin
    is an assignment-rule readout driven by the input. Optionally without species or
    with an event."""
    doc = libsbml.SBMLDocument(3, 2)
    model = doc.createModel()
    model.setId("tiny")
    c = model.createCompartment()
    c.setId("cell"), c.setSize(1.0), c.setConstant(True), c.setSpatialDimensions(3)
    for pid, value in (("insulin", 0.0), ("k", 0.1), ("kb", 0.05), ("signal", 0.0)):
        p = model.createParameter()
        p.setId(pid), p.setValue(value), p.setConstant(pid != "signal")
    rule = model.createAssignmentRule()
    rule.setVariable("signal"), rule.setMath(libsbml.parseL3Formula("2 * insulin"))
    if species:
        for sid, value in (("A", 10.0), ("B", 0.0)):
            s = model.createSpecies()
            s.setId(sid), s.setCompartment("cell"), s.setInitialConcentration(value)
            s.setHasOnlySubstanceUnits(False), s.setBoundaryCondition(False)
            s.setConstant(False)
        for rid, source, target, law in (("on", "A", "B", "k * insulin * A"),
                                         ("off", "B", "A", "kb * B")):
            r = model.createReaction()
            r.setId(rid), r.setReversible(False)
            ref = r.createReactant()
            ref.setSpecies(source), ref.setStoichiometry(1), ref.setConstant(True)
            ref = r.createProduct()
            ref.setSpecies(target), ref.setStoichiometry(1), ref.setConstant(True)
            r.createKineticLaw().setMath(libsbml.parseL3Formula(law))
    if event:
        e = model.createEvent()
        e.setId("late_dose"), e.setUseValuesFromTriggerTime(True)
        trigger = e.createTrigger()
        trigger.setMath(libsbml.parseL3Formula("time > 5")), trigger.setPersistent(True)
        trigger.setInitialValue(False)
        a = e.createEventAssignment()
        a.setVariable("k"), a.setMath(libsbml.parseL3Formula("1"))
    libsbml.writeSBMLToFile(doc, str(path))
    return path


# ------------------------------------------------------------------ 1. solver failures
def test_sobol_with_failing_samples_uses_complete_blocks_and_draws(tmp_path, capfd):
    cat = tmp_path / "extreme.toml"
    cat.write_text(EXTREME)
    out = tmp_path / "sobol"
    status, stdout, err = cli(capfd, "sobol", "--catalogue", cat, "--factors",
                              "GLUT4_translocation_extreme", "PTEN_up", "--n", "4",
                              "--workers", "1", "--out", out)
    assert status == 0, err
    assert "\x1b[" not in err and "CVODE" not in err     # solver output became statuses
    indices = pd.read_parquet(out / "sobol_indices.parquet")
    uptake = indices[indices.readout == "glucose_uptake"]
    assert (uptake.n_failed > 0).all() and (uptake.n_used < 4).all()
    samples = pd.read_parquet(out / "samples.parquet")
    assert (samples.status == "solver_failure").sum() == uptake.n_failed.iloc[0]
    assert (out / "sobol_glucose_uptake.png").stat().st_size > 0
    assert "failed sample(s)" in stdout


@pytest.mark.slow
def test_morris_with_failing_trajectories_and_a_report_over_them(tmp_path, capfd):
    """Morris with failures still writes and draws; a report run over such folders works."""
    cat = tmp_path / "extreme.toml"
    cat.write_text(EXTREME)
    results = tmp_path / "results"
    status, _, err = cli(capfd, "morris", "--catalogue", cat, "--factors",
                         "GLUT4_translocation_extreme", "PTEN_up", "--n", "4", "--workers", "1",
                         "--out", results / "morris")
    assert status == 0, err
    table = pd.read_parquet(results / "morris" / "morris_indices.parquet")
    assert {"mu_star", "n_used", "n_failed"} <= set(table.columns)
    assert (table.n_failed > 0).all()
    assert (results / "morris" / "morris_glucose_uptake.png").exists()
    done = run("report", "--doses", "6", "--workers", "1", "--out", "results/report",
               cwd=tmp_path, timeout=1200)
    assert done.returncode == 0, done.stderr[-2000:]
    page = (results / "report" / "index.html").read_text(encoding="utf-8")
    assert "Morris" in page and "n_failed" in page
    assert "over 6 doses" in page and "25 doses" not in page   # the doses actually used


def test_simulate_solver_failure_is_one_line_and_writes_nothing(tmp_path, capfd):
    out = tmp_path / "o"
    status, _, err = cli(capfd, "simulate", "--set", f"{GLUT4}=1e20", "--points", "5",
                         "--out", out)
    assert status == 2
    line = one_error_line(err)
    assert "simulation failed" in line and "CV_TOO_MUCH_WORK" in line
    assert files(out) == []


def test_compensate_records_a_solver_failure_as_a_status(tmp_path, capfd):
    out = tmp_path / "o"
    status, stdout, err = cli(capfd, "compensate", "--set", f"{GLUT4}=1e20", "--out", out)
    assert status == 0, err
    assert "\x1b[" not in err and "Traceback" not in err
    table = pd.read_parquet(out / "compensation.parquet").set_index("scenario")
    assert table.loc["healthy", "status"] == "ok"
    failed = table.drop(index="healthy")
    assert failed.status.iloc[0].startswith("solver_failure") and failed.dose_needed.isna().all()


# ------------------------------------------------------------------ 2. wrong results with exit 0
@pytest.mark.parametrize("argv, message", [
    (["simulate", "--cause", "obesity", "--cause", "poor_diet"], "--cause given twice"),
    (["simulate", "--mechanism", "PTEN_up=2", "--mechanism", "PTEN_up=3"],
     "--mechanism PTEN_up given twice"),
    (["simulate", "--set", "scale_PTEN_activity=1", "--set", "scale_PTEN_activity=2"],
     "given twice"),
    (["compensate", "--time", "nan"], "--time nan is not a finite number"),
    (["simulate", "--set", "scale_PTEN_activity=-2"], "must be finite and >= 0"),
    (["simulate", "--set", "scale_PTEN_activity=inf"], "give a finite number"),
    (["dose-response", "--ec50-threshold", "nan"], "not a finite number"),
    (["dose-response", "--emax-threshold", "-1"], "must be > 0"),
    (["simulate", "--out", ""], "--out is empty"),
    (["simulate", "--set", "insulin=100"], "--set insulin: the input is set by the protocol"),
])
def test_wrong_input_that_used_to_pass_is_refused(argv, message, tmp_path, capfd):
    if "--out" not in argv:
        argv = argv + ["--out", str(tmp_path / "o")]
    status, _, err = cli(capfd, *argv)
    assert status == 2
    assert message in one_error_line(err)
    assert files(tmp_path / "o") == []


def test_two_different_mechanisms_are_combined(tmp_path, capfd):
    out = tmp_path / "o"
    status, _, err = cli(capfd, "simulate", "--mechanism", "PTEN_up=2", "--mechanism",
                         "IR_expression_down=0.5", "--points", "5", "--end", "20", "--out", out)
    assert status == 0, err
    table = pd.read_parquet(out / "readouts.parquet")
    assert set(table.scenario) == {"PTEN_up=2+IR_expression_down=0.5"}


def test_basal_is_the_settled_value_before_the_step(tmp_path, capfd):
    """A readout driven by the input (an assignment rule of it) is 0 before the step,
    although the first point of the time course already shows the dose."""
    sbml = tiny_sbml(tmp_path / "tiny.xml")
    out = tmp_path / "o"
    status, _, err = cli(capfd, "simulate", "--sbml", sbml, "--readout", "signal",
                         "--readout", "B", "--dose", "100", "--end", "20", "--points", "21",
                         "--at", "10", "--out", out)
    assert status == 0, err
    readouts = pd.read_parquet(out / "readouts.parquet").set_index("readout")
    course = pd.read_parquet(out / "timecourse.parquet")
    assert course[(course.readout == "signal") & (course.time == 0)].value.iloc[0] == 200
    assert readouts.loc["signal", "basal"] == 0 and readouts.loc["signal", "value_at"] == 200
    assert readouts.loc["B", "basal"] == pytest.approx(0, abs=1e-9)


def test_basal_of_a_model_without_species_is_at_insulin_zero(tmp_path, capfd):
    sbml = tiny_sbml(tmp_path / "nospecies.xml", species=False)
    out = tmp_path / "o"
    status, _, err = cli(capfd, "simulate", "--sbml", sbml, "--readout", "signal", "--dose",
                         "3", "--end", "20", "--points", "5", "--out", out)
    assert status == 0, err
    readouts = pd.read_parquet(out / "readouts.parquet").set_index("readout")
    assert readouts.loc["signal", "basal"] == 0 and readouts.loc["signal", "value_at"] == 6


@pytest.mark.parametrize("command", [["simulate"], ["dose-response", "--doses", "4"],
                                     ["compensate"]])
def test_events_are_refused_by_the_settle_then_step_analyses(command, tmp_path, capfd):
    sbml = tiny_sbml(tmp_path / "event.xml", event=True)
    out = tmp_path / "o"
    status, _, err = cli(capfd, *command, "--sbml", sbml, "--readout", "B", "--out", out)
    assert status == 2
    line = one_error_line(err)
    assert "1 event" in line and "settle-then-step protocol cannot honour" in line
    assert files(out) == []


@pytest.mark.parametrize("change, message", [
    ("delay", "delay() in its math"), ("algebraic", "1 algebraic rule")])
def test_delays_and_algebraic_rules_are_one_line(change, message, tmp_path, capfd):
    path = tiny_sbml(tmp_path / "model.xml")
    doc = libsbml.readSBMLFromFile(str(path))
    model = doc.getModel()
    if change == "delay":
        model.getReaction("off").getKineticLaw().setMath(
            libsbml.parseL3Formula("kb * delay(B, 1)"))
    else:
        model.getParameter("kb").setConstant(False)
        model.createAlgebraicRule().setMath(libsbml.parseL3Formula("kb - 0.05"))
    libsbml.writeSBMLToFile(doc, str(path))
    status, _, err = cli(capfd, "simulate", "--sbml", path, "--readout", "B", "--out",
                         tmp_path / "o")
    assert status == 2
    line = one_error_line(err)
    assert message in line and "cannot simulate" in line
    assert files(tmp_path / "o") == []


# ------------------------------------------------------------------ 3. unvalidated numbers
@pytest.mark.parametrize("argv, message", [
    (["dose-response", "--doses", "100000000"], "give at most 1000 doses"),
    (["simulate", "--points", "10000000000"], "give at most 100000"),
    (["sobol", "--n", "1000000000"], "give at most 65536"),
    (["morris", "--n", "100000000"], "give at most 65536"),
    (["simulate", "--dose", "inf"], "not a finite number"),
    (["simulate", "--end", "inf"], "not a finite number"),
    (["dose-response", "--time", "1e300"], "must be <= 100000"),
    (["sobol", "--chunk-size", "0"], "give at least 1 samples per chunk"),
    (["sobol", "--chunk-size", "-5"], "give at least 1"),
    (["morris", "--levels", "0"], "give at least 2 Morris grid levels"),
    (["morris", "--levels", "-3"], "give at least 2"),
    (["sobol", "--range", "PTEN_up", "low", "3"], "LOW and HIGH must be numbers"),
    (["sobol", "--range", "PTEN_up", "1", "nan"], "give finite numbers"),
    (["scan", "PTEN_up", "--range", "1", "x"], "'x' is not a number"),
    (["simulate", "--readout", "pIR", "--readout", "pIR"], "readout pIR given more than once"),
    (["sobol", "--workers", "100000"], "more processes only slow the run"),
    (["sobol", "--workers", "0"], "give at least 1"),
    (["simulate", "--points", "many"], "'many' is not a whole number"),
])
def test_numbers_are_checked_where_they_are_read(argv, message, tmp_path, capfd):
    start = time.perf_counter()
    status, _, err = cli(capfd, *argv, "--out", tmp_path / "o")
    assert status == 2
    assert message in one_error_line(err)
    assert time.perf_counter() - start < 20          # refused at once, no allocation or hang
    assert not (tmp_path / "o").exists()


def test_bad_data_files_are_one_line(tmp_path, capfd):
    data = tmp_path / "data.csv"
    data.write_text("readout,dose,time,value\nglucose_uptake,1,10,3.1\n"
                    "glucose_uptake,ten,10,3.3\n")
    status, _, err = cli(capfd, "hypotheses", data, "--out", tmp_path / "h")
    assert status == 2 and "row 2: dose 'ten' is not a finite number" in one_error_line(err)
    binary = tmp_path / "binary.tsv"
    binary.write_bytes(bytes(range(256)) * 8)
    for argv in (["petab-problem", "--data", binary, "--estimate", "k1", "--out",
                  tmp_path / "p"],
                 ["hypotheses", binary, "--out", tmp_path / "h"],
                 ["simulate", "--catalogue", binary, "--cause", "obesity", "--out",
                  tmp_path / "s"],
                 ["simulate", "--sbml", binary, "--readout", "x", "--out", tmp_path / "s"]):
        status, _, err = cli(capfd, *argv)
        assert status == 2 and "not UTF-8 text" in one_error_line(err)
    for name in ("h", "p", "s"):
        assert files(tmp_path / name) == []


# ------------------------------------------------------------------ 4. write faults
def test_a_write_fault_leaves_nothing_half_written(tmp_path):
    """A file-size limit makes the figure write fail (EFBIG, as a full disk would):
    one line, exit 2, and neither the tables nor any temporary file are left."""
    out = tmp_path / "o"
    done = run("simulate", "--points", "5", "--end", "20", "--out", out, limit_bytes=20_000)
    assert done.returncode == 2
    line = one_error_line(done.stderr)
    assert "cannot write" in line and "timecourse.png" in line
    assert files(out) == []


def test_a_failed_rerun_keeps_the_previous_results_intact(tmp_path, capfd):
    out = tmp_path / "o"
    status, _, err = cli(capfd, "simulate", "--points", "5", "--end", "20", "--out", out)
    assert status == 0, err
    before = {name: (out / name).read_bytes() for name in files(out)}
    done = run("simulate", "--points", "7", "--end", "20", "--out", out, limit_bytes=20_000)
    assert done.returncode == 2
    one_error_line(done.stderr)
    assert {name: (out / name).read_bytes() for name in files(out)} == before


def test_a_chunk_write_fault_is_one_line_and_the_run_resumes(tmp_path):
    out = tmp_path / "sobol"
    args = ["sobol", "--factors", "PTEN_up", "SHIP2_up", "--n", "4", "--chunk-size", "4",
            "--workers", "1", "--out", out]
    done = run(*args, limit_bytes=4_000)
    assert done.returncode == 2
    line = one_error_line(done.stderr.split("\r")[-1])
    assert "cannot write" in line and "chunk_00000.parquet" in line
    assert not [f for f in files(out) if f.endswith(".tmp")]
    assert not (out / "chunks" / "chunk_00000.parquet").exists()
    done = run(*args, "--resume")
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / "sobol_indices.parquet").exists() and not (out / ".lock").exists()


def test_resume_names_a_damaged_manifest_or_chunk_and_redoes_it(tmp_path, capfd):
    out = tmp_path / "sobol"
    args = ["sobol", "--factors", "PTEN_up", "--n", "4", "--chunk-size", "3", "--workers", "1",
            "--out", out]
    assert cli(capfd, *args)[0] == 0
    reference = pd.read_parquet(out / "samples.parquet")
    (out / "chunks" / "chunk_00001.parquet").write_text("not parquet")
    status, _, err = cli(capfd, *args, "--resume")
    assert status == 0, err
    assert "chunk_00001.parquet is damaged" in err and "redoing it" in err
    pd.testing.assert_frame_equal(pd.read_parquet(out / "samples.parquet"), reference)
    (out / "manifest.json").write_text("{not json")
    status, _, err = cli(capfd, *args)
    assert status == 2 and "manifest.json is not readable" in one_error_line(err)
    status, _, err = cli(capfd, *args, "--resume")
    assert status == 0, err
    assert "manifest.json is damaged" in err
    pd.testing.assert_frame_equal(pd.read_parquet(out / "samples.parquet"), reference)


def test_an_interrupted_dose_response_resumes_from_its_finished_scenarios(tmp_path, capfd):
    # every cause and healthy: interrupted after two finished scenarios, with several
    # still to run (so the run cannot finish before the signal arrives)
    from analysis.catalogue import load_catalogue
    total = 1 + len(load_catalogue().causes)
    out = tmp_path / "dr"
    args = ["dose-response", "--all-causes", "--doses", "8", "--workers", "1", "--out", out]
    # a shell running the tests in the background ignores SIGINT and its children
    # inherit that; give the run the default disposition, as in a terminal
    proc = subprocess.Popen([sys.executable, "-m", "analysis", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8",
                            errors="replace",
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.glob("unfinished/*/chunk_*.parquet"))) < 2:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert not (out / "fits.parquet").exists()
    chunks = sorted(out.glob("unfinished/*/chunk_*.parquet"))
    assert 2 <= len(chunks) < total
    chunks[1].write_bytes(b"damaged")
    status, _, err = cli(capfd, *args, "--resume")
    assert status == 0, err
    assert "is damaged" in err and f"resuming: {len(chunks) - 1} of {total} scenario(s)" in err
    assert not (out / "unfinished").exists()
    fresh = tmp_path / "fresh"
    assert cli(capfd, *args[:-1], fresh)[0] == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "points.parquet"),
                                  pd.read_parquet(fresh / "points.parquet"))


def test_a_scan_that_failed_to_write_its_figure_resumes_without_recomputing(tmp_path, capfd):
    out = tmp_path / "scan"
    args = ["scan", "PTEN_up", "--points", "2", "--doses", "6", "--workers", "1", "--out", out]
    done = run(*args, limit_bytes=30_000)        # the chunks fit, the figure does not
    assert done.returncode == 2
    assert "scan_PTEN_up.png" in one_error_line(done.stderr.split("\r")[-1])
    assert not list(out.glob("*.parquet")) and not list(out.glob("*.png"))
    assert len(list(out.glob("unfinished/*/chunk_*.parquet"))) == 3   # healthy + 2 strengths
    status, _, err = cli(capfd, *args, "--resume")
    assert status == 0, err
    assert "resuming: 3 of 3 scenario(s)" in err
    assert (out / "scan_PTEN_up.png").exists() and not (out / "unfinished").exists()


# ------------------------------------------------------------------ 5. two runs, one folder
def test_temporary_names_are_private_to_a_process(tmp_path):
    a, b = temp_path(tmp_path / "fits.parquet"), temp_path(tmp_path / "fits.parquet")
    assert a != b and f".fits.parquet.{os.getpid()}." in a.name and a.name.endswith(".tmp")


def test_a_second_run_on_a_folder_in_use_is_refused(tmp_path):
    out = tmp_path / "sobol"
    args = ["sobol", "--factors", "PTEN_up", "SHIP2_up", "--n", "8", "--workers", "1",
            "--out", out]
    first = subprocess.Popen([sys.executable, "-m", "analysis", *map(str, args)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8",
                            errors="replace")
    deadline = time.time() + 120
    while time.time() < deadline and not (out / ".lock").exists():
        time.sleep(0.02)
    second = run(*args, "--resume")
    _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err[-2000:]
    assert second.returncode == 2
    line = one_error_line(second.stderr)
    assert "is in use by another run" in line and f"pid {first.pid}" in line
    assert (out / "sobol_indices.parquet").exists() and not (out / ".lock").exists()
    assert not [f for f in files(out) if f.endswith(".tmp")]


def test_a_stale_lock_is_taken_over_and_a_live_one_refuses(tmp_path, capfd):
    out = tmp_path / "o"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    (out / ".lock").write_text(dead)
    status, _, err = cli(capfd, "simulate", "--points", "5", "--end", "20", "--out", out)
    assert status == 0, err
    assert not (out / ".lock").exists()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (out / ".lock").write_text(str(sleeper.pid))
        before = {name: (out / name).read_bytes() for name in files(out)}
        status, _, err = cli(capfd, "simulate", "--points", "5", "--end", "20", "--out", out)
        assert status == 2 and f"in use by another run (pid {sleeper.pid})" in one_error_line(err)
        assert {name: (out / name).read_bytes() for name in files(out)} == before
    finally:
        sleeper.kill()
        sleeper.wait()
    lock = FolderLock(out).acquire()           # the sleeper is gone: its lock is stale
    assert (out / ".lock").read_text().strip() == str(os.getpid())
    lock.release()
    assert not (out / ".lock").exists()


# ------------------------------------------------------------------ 6. hangs and silences
@pytest.fixture
def silent_port():
    """A TCP port where something that is not a Dask scheduler accepts and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return
    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for conn in held:
        conn.close()


def test_a_port_that_is_not_a_scheduler_fails_within_seconds(tmp_path, silent_port, capfd):
    start = time.perf_counter()
    status, _, err = cli(capfd, "sobol", "--factors", "PTEN_up", "--n", "2", "--scheduler",
                         f"tcp://127.0.0.1:{silent_port}", "--out", tmp_path / "o")
    assert time.perf_counter() - start < 30
    assert status == 2
    assert "no Dask handshake within 5 s" in one_error_line(err)
    assert files(tmp_path / "o") == []


def test_a_malformed_scheduler_address_is_one_line_and_nothing_later(tmp_path):
    done = run("sobol", "--factors", "PTEN_up", "--n", "2", "--scheduler", "tcp://host:port",
               "--out", tmp_path / "o")
    assert done.returncode == 2
    assert "malformed scheduler address" in one_error_line(done.stderr)   # no Client.__del__
    assert files(tmp_path / "o") == []


def test_an_unwritable_out_is_refused_before_any_computing(tmp_path, capfd):
    (tmp_path / "afile").write_text("x")
    for out, message in ((tmp_path / "afile", "is a file; give a folder"),
                         (tmp_path / "afile" / "sub", "cannot write to --out")):
        start = time.perf_counter()
        status, stdout, err = cli(capfd, "dose-response", "--all-mechanisms", "--out", out)
        assert status == 2 and message in one_error_line(err)
        assert stdout == "" and time.perf_counter() - start < 5
    assert (tmp_path / "afile").read_text() == "x"


@pytest.mark.slow
def test_mca_shows_progress(tmp_path, capfd):
    status, _, err = cli(capfd, "mca", "--out", tmp_path / "mca")
    assert status == 0
    assert "mca (steady state, elasticities)" in err


# ------------------------------------------------------------------ 7. valid input, right names
def test_a_user_catalogue_serves_another_sbml(tmp_path, capfd):
    sbml = tiny_sbml(tmp_path / "tiny.xml")
    cat = tmp_path / "tiny.toml"
    cat.write_text("""
[mechanisms.conversion_down]
description = "Slower insulin-driven conversion of A to B."
level = "intracellular_signaling"
kind = "fraction"
targets = ["k"]
healthy = 1.0
range = [0.1, 1.0]
effect = "lowers_uptake"
references = []
""")
    out = tmp_path / "o"
    status, _, err = cli(capfd, "simulate", "--sbml", sbml, "--readout", "B", "--catalogue",
                         cat, "--mechanism", "conversion_down=0.5", "--dose", "1", "--end", "20",
                         "--points", "5", "--out", out)
    assert status == 0, err
    assert pd.read_parquet(out / "readouts.parquet").scenario.iloc[0] == "conversion_down=0.5"


@pytest.mark.parametrize("argv, message", [
    (["simulate", "--input", "IRS1__cyt"], "--input 'IRS1__cyt' is a species"),
    (["scan", "obesity"], "'obesity' is a cause, not a mechanism: scan one of its mechanisms"),
    (["simulate", "--sbml", "."], ". is a folder; give the SBML file"),
    (["simulate", "--catalogue", "tests"], "tests is a folder; give the catalogue file"),
    (["hypotheses", "tests"], "tests is a folder"),
])
def test_misnamed_input_says_what_it_is(argv, message, tmp_path, capfd):
    status, _, err = cli(capfd, *argv, "--out", tmp_path / "o")
    assert status == 2
    assert message in one_error_line(err)
    assert files(tmp_path / "o") == []


def test_scan_on_top_of_a_cause_works(tmp_path, capfd):
    out = tmp_path / "o"
    status, _, err = cli(capfd, "scan", "PTEN_up", "--base-cause", "obesity", "--points", "2",
                         "--doses", "6", "--workers", "1", "--out", out)
    assert status == 0, err
    fits = pd.read_parquet(out / "scan_PTEN_up.parquet")
    assert np.isfinite(fits[fits.readout == "glucose_uptake"].ec50).all()
