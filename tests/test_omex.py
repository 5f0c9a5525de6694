"""COMBINE archives of our experiments: structure, executed by the real COPASI and
by tellurium against the engine's numbers, and bad input."""
import json
import os
import zipfile
from pathlib import Path

import libsedml
import numpy as np
import pandas as pd
import pytest

from analysis import copasi, omex
from analysis.backends import create
from analysis.catalogue import load_catalogue
from analysis.cli import main
from analysis.errors import UserError
from analysis.loader import consistency_report
from analysis.protocol import DEFAULT
from analysis.resources import DEFAULT_SBML
from analysis.scans import strengths

DATA = Path(__file__).parent / "data"
CAUSE = "type2_diabetes_adipocyte"
SCAN = "IR_expression_down"
STEP = DEFAULT.settle_time  # the step in the archives' model time


def relative_difference(ours, theirs):
    """Largest |ours - theirs| relative to the largest |ours| of the series."""
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    assert ours.shape == theirs.shape
    return float(np.max(np.abs(ours - theirs)) / max(np.max(np.abs(ours)), 1e-300))


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    out = tmp_path_factory.mktemp("omex")
    assert main(["export-omex", "timecourse", "scan", "--out", str(out)]) == 0
    assert main(["export-omex", "dose-response", "--cause", CAUSE, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def engine():
    return create("roadrunner")


@pytest.fixture(scope="module")
def expected(engine):
    """Our numbers for the three archives: time course, dose-response, scan."""
    cat = load_catalogue()
    cause = cat.scenario(cause=CAUSE).parameters
    p = DEFAULT
    timecourse = engine.timecourse({}, p.stimulus_dose, np.linspace(0.0, p.timecourse_end, 121))
    dose_response = engine.response(cause, p.doses, p.readout_time)
    points = [cat.scenario(mechanisms={SCAN: s}).parameters
              for s in strengths(cat.mechanisms[SCAN], p.scan_points)]
    scan = pd.concat([engine.response(point, [p.reference_dose], p.readout_time)
                      for point in points], ignore_index=True)
    return {"timecourse": timecourse, "dose_response": dose_response, "scan": scan}


def test_archives_written_with_manifest_sedml_and_readme(archives):
    names = sorted(p.name for p in archives.glob("*.omex"))
    assert names == ["dose_response_healthy.omex", f"dose_response_{CAUSE}.omex",
                     f"scan_{SCAN}.omex", "timecourse_healthy.omex"]
    listing = pd.read_csv(archives / "archives.csv")  # of the last run
    assert sorted(listing.archive) == names[:2] and set(listing.scenario) == {"healthy", CAUSE}
    with zipfile.ZipFile(archives / f"dose_response_{CAUSE}.omex") as z:
        manifest = z.read("manifest.xml").decode()
        assert 'location="experiment.sedml"' in manifest and 'master="true"' in manifest
        readme = z.read("README.txt").decode()
        doc = libsedml.readSedMLFromString(z.read("experiment.sedml").decode())
        (archives / "model_check.xml").write_bytes(z.read("model.xml"))
    assert "Import Combine Archive" in readme and "tesedml.executeCombineArchive" in readme
    assert doc.getNumErrors(libsedml.LIBSEDML_SEV_ERROR) == 0
    algorithm = doc.getSimulation(0).getAlgorithm()
    assert algorithm.getKisaoID() == "KISAO:0000019"
    settings = {p.getKisaoID(): float(p.getValue())
                for p in algorithm.getListOfAlgorithmParameters()}
    assert settings == {"KISAO:0000209": 1e-9, "KISAO:0000211": 1e-12, "KISAO:0000415": 1e5}
    repeated = [doc.getTask(i) for i in range(doc.getNumTasks())
                if doc.getTask(i).getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK]
    assert len(repeated) == 1 and repeated[0].getNumSubTasks() == 1
    doses = repeated[0].getRange(0)  # 25 log-spaced doses as a uniform range (full precision)
    assert (doses.getType(), doses.getStart(), doses.getEnd(), doses.getNumberOfPoints()) == \
        ("log", 1e-3, 1e3, 24)
    report = consistency_report(archives / "model_check.xml")
    assert (report["errors"], report["warnings"], report["unit_warnings"]) == (0, 0, 0)


def _copasi(archive, folder):
    results = copasi.run_archive(archive, folder)
    assert len(results) == 1
    return next(iter(results.values()))


def test_copasi_runs_the_time_course(archives, expected, tmp_path):
    ours = expected["timecourse"]
    theirs = _copasi(archives / "timecourse_healthy.omex", tmp_path)
    np.testing.assert_allclose(theirs.time - STEP, ours.index, atol=1e-9)
    worst = {r: relative_difference(ours[r], theirs[r]) for r in ours.columns}
    print("COPASI time course, largest relative difference:", max(worst.values()))
    assert max(worst.values()) <= 1e-6, worst


def test_copasi_runs_the_dose_response_of_a_cause(archives, expected, tmp_path):
    ours = expected["dose_response"]
    theirs = _copasi(archives / f"dose_response_{CAUSE}.omex", tmp_path)
    basal, after = theirs.iloc[0::2], theirs.iloc[1::2]
    np.testing.assert_allclose(after.insulin_dose, ours.dose, rtol=1e-13)  # COPASI: 1.4e-15
    assert (basal.time == STEP).all() and (after.time == STEP + 10.0).all()
    readouts = [c for c in ours.columns if f"{c}_basal" in ours.columns]
    worst = {r: relative_difference(np.r_[ours[f"{r}_basal"], ours[r]],
                                    np.r_[basal[r], after[r]]) for r in readouts}
    print("COPASI dose-response, largest relative difference:", max(worst.values()))
    assert max(worst.values()) <= 1e-6, worst


def test_copasi_runs_the_mechanism_scan(archives, expected, tmp_path):
    ours = expected["scan"]
    theirs = _copasi(archives / f"scan_{SCAN}.omex", tmp_path).iloc[1::2]
    readouts = [c for c in ours.columns if f"{c}_basal" in ours.columns]
    np.testing.assert_allclose(theirs.scale_INSR_total,
                               strengths(load_catalogue().mechanisms[SCAN], DEFAULT.scan_points),
                               rtol=1e-13)
    worst = {r: relative_difference(ours[r], theirs[r]) for r in readouts}
    print("COPASI scan, largest relative difference:", max(worst.values()))
    assert max(worst.values()) <= 1e-6, worst


def _tellurium(archive):
    from tellurium.sedml import tesedml
    results = tesedml.executeCombineArchive(str(archive), createOutputs=False)
    (result,) = results.values()
    return result["dataGenerators"]


def test_tellurium_runs_every_archive(archives, expected):
    worst = {}
    tc = _tellurium(archives / "timecourse_healthy.omex")
    ours = expected["timecourse"]
    worst["timecourse"] = max(relative_difference(ours[r], tc[r].ravel()) for r in ours.columns)
    dr = _tellurium(archives / f"dose_response_{CAUSE}.omex")
    ours = expected["dose_response"]
    readouts = [c for c in ours.columns if f"{c}_basal" in ours.columns]
    np.testing.assert_allclose(dr["dose"][1], ours.dose, rtol=1e-13)
    worst["dose-response"] = max(
        relative_difference(np.r_[ours[f"{r}_basal"], ours[r]], np.r_[dr[r][0], dr[r][1]])
        for r in readouts)
    scan = _tellurium(archives / f"scan_{SCAN}.omex")
    ours = expected["scan"]
    worst["scan"] = max(relative_difference(ours[r], scan[r][1]) for r in readouts)
    print("tellurium, largest relative difference:", worst)
    assert max(worst.values()) <= 1e-6, worst


def test_archives_follow_the_protocol_options(tmp_path):
    # --doses, --time, --reference-dose and --scan-points change the Protocol, and the
    # archives (and their metadata) take the experiment from it.
    assert main(["export-omex", "dose-response", "scan", "--doses", "5", "--time", "15",
                 "--reference-dose", "2", "--scan-points", "3", "--out", str(tmp_path)]) == 0
    docs = {}
    for name in ("dose_response_healthy", f"scan_{SCAN}"):
        with zipfile.ZipFile(tmp_path / f"{name}.omex") as z:
            docs[name] = libsedml.readSedMLFromString(z.read("experiment.sedml").decode())
    for doc in docs.values():
        simulation = doc.getSimulation(0)
        assert simulation.getOutputStartTime() == DEFAULT.settle_time
        assert simulation.getOutputEndTime() == DEFAULT.settle_time + 15.0
    doses = docs["dose_response_healthy"].getTask("dose_response").getRange(0)
    assert (doses.getStart(), doses.getEnd(), doses.getNumberOfPoints()) == (1e-3, 1e3, 4)
    scan = docs[f"scan_{SCAN}"]
    assert scan.getTask("scan").getRange(0).getNumberOfPoints() == 2   # 3 strengths
    changes = {c.getTarget(): c.getNewValue() for c in scan.getModel(0).getListOfChanges()}
    assert float(changes["/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter"
                         "[@id='insulin_dose']/@value"]) == 2.0
    meta = json.loads((tmp_path / "metadata.json").read_text())["archives"]
    assert {k: meta["settings"]["protocol"][k] for k in
            ("dose_count", "readout_time", "reference_dose", "scan_points")} == \
        {"dose_count": 5, "readout_time": 15.0, "reference_dose": 2.0, "scan_points": 3}


# ---------------------------------------------------------------- bad input
def _fails(argv, capsys, match):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err, err
    assert match in err, err


@pytest.mark.parametrize("options, match", [
    (["--cause", "obesityy"], "unknown cause 'obesityy'"),
    (["--mechanism", "PTEN_upp=2"], "PTEN_upp"),
    (["scan", "--scan-mechanism", "nope"], "unknown mechanism 'nope'"),
    (["dose-responses"], "unknown experiment 'dose-responses'"),
    (["--set", "k_nope=1"], "k_nope"),
])
def test_unknown_names_write_nothing(options, match, tmp_path, capsys):
    out = tmp_path / "out"
    _fails(["export-omex", *options, "--out", str(out)], capsys, match)
    assert not out.exists()


def test_output_path_that_is_a_file_or_cannot_be_written(tmp_path, capsys):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    _fails(["export-omex", "timecourse", "--out", str(a_file)], capsys, "is a file")
    _fails(["export-omex", "timecourse", "--out", str(a_file / "sub")], capsys,
           "cannot write to")
    assert a_file.read_text() == "x"


def test_user_sbml_without_the_input_parameter(tmp_path, capsys):
    out = tmp_path / "out"
    _fails(["export-omex", "--sbml", str(DATA / "two_state.xml"), "--readout", "B",
            "--out", str(out)], capsys, "unknown input parameter 'insulin'")
    assert not out.exists()
    with pytest.raises(UserError, match="no settable parameter 'insulin'"):
        omex.protocol_sbml((DATA / "two_state.xml").read_text(), "insulin", 1e5)


def test_failed_write_leaves_no_archive(tmp_path, monkeypatch):
    model = omex.protocol_sbml(DEFAULT_SBML.read_text(), "insulin", 1e5)

    def refuse(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(UserError, match="No space left on device"):
        omex.write_archive(tmp_path / "x.omex", model, "<sedML/>", "readme")
    assert list(tmp_path.iterdir()) == []
