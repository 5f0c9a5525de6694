"""The PySB model: its parts, ids, annotations and its bad-input messages."""
import subprocess
import sys

import pytest

from models.bng import BioNetGenNotFound, find_bng
from models.model import INPUTS, BuildOptionError, build_model
from models.parameters import TABLE, ParameterTableError, load_table

UNIPROT = {"INS": "P01308", "INSR": "P06213", "PTPN1": "P18031", "IRS1": "P35568",
           "PTEN": "P60484", "INPPL1": "O15357", "PDPK1": "O15530", "AKT2": "P31751",
           "RPS6KB1": "P23443", "TBC1D4": "O60343", "GLUT4": "P14672", "MAPK8": "P45983",
           "IKBKB": "O14920", "PRKCQ": "Q04759", "PRKAA2": "P54646", "SHC1": "P29353",
           "MAPK1": "P28482"}
COMPLEXES = {"PI3K": {"P27986", "P42336"}, "MTORC1": {"P42345", "Q8N122"},
             "MTORC2": {"P42345", "Q6R327"}}
OBSERVABLES = ("pIR", "pIRS1_Y", "pIRS1_S307", "pIRS1_S636", "PIP3", "pAKT_T308", "pAKT_S473",
               "pAS160", "pS6K1", "GLUT4_membrane", "GLUT4_total")
SCALES = ("scale_INSR_total", "scale_INSR_degradation", "scale_INSR_affinity",
          "scale_INSR_kinase", "scale_PTP1B_activity", "scale_JNK_IRS1", "scale_IKK_IRS1",
          "scale_PKCtheta_IRS1", "scale_S6K1_IRS1", "scale_mTORC1_IRS1_S307", "scale_IRS1_total",
          "scale_PI3K_activity",
          "scale_PTEN_activity", "scale_SHIP2_activity", "scale_AKT_activation",
          "scale_AS160_phosphorylation", "scale_GLUT4_total", "scale_GLUT4_translocation",
          "scale_mTORC1_activity")


@pytest.fixture(scope="module")
def model():
    return build_model()


def test_every_protein_carries_its_human_uniprot_accession(model):
    by_monomer = {}
    for a in model.annotations:
        by_monomer.setdefault(a.subject.name, set()).add((a.predicate, a.object.split(":")[-1]))
    for name, accession in UNIPROT.items():
        assert by_monomer[name] == {("is", accession)}, name
    for name, accessions in COMPLEXES.items():
        assert by_monomer[name] == {("hasPart", a) for a in accessions}, name
    assert {m.name for m in model.monomers} - set(by_monomer) == set()


def test_inputs_and_scale_factors_are_parameters_with_healthy_values(model):
    values = {p.name: p.value for p in model.parameters}
    assert [values[name] for name in INPUTS] == [0, 5, 0, 0, 0]
    assert all(values[name] == 1 for name in SCALES)


def test_observables_and_expressions_have_the_agreed_names(model):
    assert set(OBSERVABLES) <= {o.name for o in model.observables}
    assert {"GLUT4_membrane_fraction", "glucose_uptake"} <= {e.name for e in model.expressions}


def test_every_parameter_comes_from_the_table_with_unit_and_source(model):
    table = load_table()
    expressions = {e.name for e in model.expressions}
    for p in model.parameters:
        if p.name in expressions:
            continue
        record = table[p.name]
        assert record.unit and record.source, p.name
        assert p.value == record.value


def test_every_parameter_says_where_its_value_comes_from_and_few_are_assumed():
    # issue 9: fitted (data, interval), a paper, or assumed; at most 25 % assumed
    table = load_table()
    assert all(r.source.strip() for r in table.values())
    assumed = [n for n, r in table.items() if r.source.lower().startswith(("assumed", "tuned"))]
    fitted = [n for n, r in table.items() if r.source.startswith("fitted")]
    # counted over the model's own parameters: mechanism scales (1 by definition) and
    # the inputs are knobs, not values with a source
    own = [n for n, r in table.items() if not r.source.startswith(("mechanism scale", "input"))]
    assert len(assumed) <= 0.25 * len(own), (len(assumed), len(own))
    assert "interval" in table["kon_INS_site1"].source and len(fitted) >= 30


def test_every_pathway_module_contributes_rules(model):
    rules = {r.name for r in model.rules}
    for expected in ("INS_binds_INSR_site1", "INSR_autophosphorylation", "pINSR_endocytosis",
                     "PTP1B_dephosphorylates_INSR", "INSR_synthesis", "INSR_degradation",
                     "PTP1B_dephosphorylates_endosomal_INSR",
                     "pIRS1_feedback_dephosphorylates_endosomal_INSR",
                     "pINSR_phosphorylates_IRS1_Y612", "mTORC1_phosphorylates_IRS1_S307",
                     "PTP1B_dephosphorylates_IRS1_Y612_pS307",
                     "RPS6KB1_phosphorylates_IRS1_S636", "MAPK8_phosphorylates_IRS1_S636",
                     "IKBKB_phosphorylates_IRS1_S636", "PRKCQ_phosphorylates_IRS1_S636",
                     "PI3K_phosphorylates_PIP2",
                     "PTEN_dephosphorylates_PIP3", "SHIP2_dephosphorylates_PIP3",
                     "PDK1_phosphorylates_AKT2_T308", "mTORC2_phosphorylates_AKT2_S473",
                     "mTORC1_phosphorylates_S6K1_T389", "AKT2_phosphorylates_AS160_T642",
                     "pAS160_drives_GLUT4_exocytosis", "AMPK_drives_GLUT4_exocytosis"):
        assert expected in rules


def test_unknown_build_option_is_one_clear_line():
    with pytest.raises(BuildOptionError) as err:
        build_model(erk=True)
    assert str(err.value) == ("build_model got unknown option(s) erk; "
                              "accepted: name, parameter_table")


@pytest.mark.parametrize("value, expected", [
    ("", "has no value; expected a number"),
    ("fast", "has value 'fast', expected a number"),
])
def test_parameter_table_with_bad_value_names_file_line_and_parameter(tmp_path, value, expected):
    lines = TABLE.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("kon_INS_site1,"))
    fields = lines[index].split(",")
    fields[1] = value
    lines[index] = ",".join(fields)
    bad = tmp_path / "parameters.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(ParameterTableError) as err:
        build_model(parameter_table=bad)
    message = str(err.value)
    assert f"{bad}:{index + 1}: parameter 'kon_INS_site1'" in message and expected in message
    assert "\n" not in message


def test_missing_parameter_in_table_is_named(tmp_path):
    lines = [line for line in TABLE.read_text().splitlines() if not line.startswith("k_PTEN,")]
    bad = tmp_path / "parameters.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(ParameterTableError, match="parameter 'k_PTEN' is used by the model but"):
        build_model(parameter_table=bad)


def test_bionetgen_is_found_in_the_pypi_package(monkeypatch):
    monkeypatch.delenv("BNGPATH", raising=False)
    folder = find_bng()
    assert folder.endswith("bng-linux") or folder.endswith("bng-mac")


def test_a_wrong_bngpath_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setenv("BNGPATH", str(tmp_path))
    with pytest.raises(BioNetGenNotFound, match="holds no BNG2.pl"):
        find_bng()
    out = subprocess.run([sys.executable, "-m", "models", "summary"], capture_output=True,
                         text=True, env={"BNGPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "holds no BNG2.pl" in out.stderr


def test_a_bad_parameter_table_on_the_command_line_is_one_line(tmp_path):
    bad = tmp_path / "parameters.csv"
    bad.write_text("name,value,unit,source,description\nk_PTEN,fast,1/min,x,y\n")
    out = subprocess.run([sys.executable, "-m", "models", "summary", "--parameter-table", str(bad)],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.strip() == (f"error: {bad}:2: parameter 'k_PTEN' has value 'fast', "
                                  "expected a number")
