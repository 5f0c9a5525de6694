"""The mechanism/cause catalogue: its contents against the model, and its checks.

Uptake ratios are 10-min glucose_uptake after a 1 nM insulin step, scenario /
healthy, on the committed SBML.
"""
import pytest

from analysis.catalogue import (
    BUILTIN,
    Catalogue,
    Cause,
    Mechanism,
    Scenario,
    format_listing,
    listing,
    load_catalogue,
)
from analysis.engine import DEFAULT_SBML, Simulator
from analysis.errors import UserError

DOSE, TIME = 1.0, 10.0
MARGIN = 0.02            # a mechanism at its resistant end must move uptake by at least 2 %
CATALOGUE = load_catalogue()

@pytest.fixture(scope="module")
def simulator():
    return Simulator(DEFAULT_SBML, readouts=("glucose_uptake", "IR_total", "GLUT4_total"))


def run(simulator, parameters):
    df = simulator.response(parameters, doses=[DOSE], time=TIME)
    assert (df["status"] == "ok").all(), df["message"].tolist()
    return df.iloc[0]


@pytest.fixture(scope="module")
def healthy(simulator):
    return run(simulator, {})


def ratio(simulator, healthy, parameters):
    return float(run(simulator, parameters)["glucose_uptake"] / healthy["glucose_uptake"])


def one_line(exc):
    message = str(exc.value)
    assert message and "\n" not in message, message
    return message


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ the built-in catalogue


def test_builtin_files_are_the_models_folder():
    assert [p.name for p in BUILTIN] == ["mechanisms.toml", "causes.toml"]
    assert all(p.is_file() and p.parent.name == "models" for p in BUILTIN)
    assert isinstance(CATALOGUE, Catalogue)
    assert all(isinstance(m, Mechanism) for m in CATALOGUE.mechanisms.values())
    assert all(isinstance(c, Cause) for c in CATALOGUE.causes.values())


def test_required_mechanisms_and_causes_present():
    assert {"IR_expression_down", "IR_degradation_up", "IR_affinity_down", "IR_kinase_down",
            "PTP1B_up", "IRS1_serine_JNK", "IRS1_serine_IKKbeta", "IRS1_serine_PKCtheta",
            "IRS1_serine_S6K1", "IRS1_expression_down", "PI3K_activity_down", "PTEN_up",
            "SHIP2_up", "Akt_activation_down", "AS160_defect", "GLUT4_expression_down",
            "GLUT4_translocation_defect"} <= set(CATALOGUE.mechanisms)
    assert {"obesity", "physical_inactivity", "genetic_predisposition", "poor_diet",
            "chronic_inflammation", "type2_diabetes_adipocyte"} == set(CATALOGUE.causes)
    assert CATALOGUE.mechanism("IR_degradation_up").targets == ("scale_INSR_degradation",)
    assert CATALOGUE.mechanism("IR_degradation_up").kind == "fold"
    t2d = CATALOGUE.cause("type2_diabetes_adipocyte")
    # Brännmark 2013: IR 55 %, GLUT4 50 %, positive mTORC1 -> IRS1 feedback at 0.15
    assert t2d.mechanisms == {"IR_expression_down": 0.55, "GLUT4_expression_down": 0.5,
                              "mTORC1_feedback_down": 0.15}
    assert CATALOGUE.mechanism("mTORC1_feedback_down").targets == ("scale_mTORC1_IRS1_S307",)


def test_every_entry_has_references_and_identifiers_only_when_verified():
    for entry in [*CATALOGUE.mechanisms.values(), *CATALOGUE.causes.values()]:
        assert entry.references, entry.name
        for ref in entry.references:
            if "pmid" in ref or "doi" in ref:
                assert ref.get("verified") is True, (entry.name, ref)


def test_targets_and_inputs_exist_in_the_sbml(simulator):
    known = set(simulator.model.constant_parameters())
    for m in CATALOGUE.mechanisms.values():
        assert set(m.targets) <= known, m.name
    for c in CATALOGUE.causes.values():
        assert set(c.inputs) <= known, c.name
    CATALOGUE.check_targets(known)


def test_resistant_end():
    assert CATALOGUE.resistant_end("IR_expression_down") == 0.2
    assert CATALOGUE.resistant_end("PTP1B_up") == 3.0
    assert CATALOGUE.resistant_end("mTORC1_feedback_down") == 0.0
    for name, m in CATALOGUE.mechanisms.items():
        assert CATALOGUE.resistant_end(name) in m.range
        assert CATALOGUE.resistant_end(name) != m.healthy


@pytest.mark.parametrize("name", list(CATALOGUE.mechanisms))
def test_mechanism_at_resistant_end_moves_uptake(simulator, healthy, name, record_property):
    m = CATALOGUE.mechanism(name)
    end = CATALOGUE.resistant_end(name)
    r = ratio(simulator, healthy, CATALOGUE.scenario(mechanisms={name: end}).parameters)
    record_property("uptake_ratio", r)
    print(f"{name}={end:g}: uptake ratio {r:.3f}")
    if m.effect == "lowers_uptake":
        assert r <= 1 - MARGIN, f"{name} at {end:g}: ratio {r:.4f}"
    else:
        assert r >= 1 + MARGIN, f"{name} at {end:g}: ratio {r:.4f}"


@pytest.mark.parametrize("name", list(CATALOGUE.causes))
def test_every_cause_lowers_uptake(simulator, healthy, name, record_property):
    r = ratio(simulator, healthy, CATALOGUE.scenario(cause=name).parameters)
    record_property("uptake_ratio", r)
    print(f"{name}: uptake ratio {r:.3f}")
    assert r <= 1 - MARGIN, f"{name}: ratio {r:.4f}"


def test_receptor_and_glut4_mechanisms_set_the_amounts_they_describe(simulator, healthy):
    # 'receptor number falls to 1/fold'; 'fraction of normal' for the expression mechanisms
    for params, readout, expected in [
            ({"scale_INSR_degradation": 3.0}, "IR_total_basal", 1 / 3),
            (CATALOGUE.scenario(mechanisms={"IR_expression_down": 0.55}).parameters,
             "IR_total_basal", 0.55),
            (CATALOGUE.scenario(mechanisms={"GLUT4_expression_down": 0.5}).parameters,
             "GLUT4_total_basal", 0.5)]:
        assert run(simulator, params)[readout] / healthy[readout] == pytest.approx(expected,
                                                                                  rel=0.02)


def test_t2d_attenuated_positive_feedback_adds_to_receptor_and_glut4_loss(simulator, healthy):
    # Brännmark 2013: the attenuated positive mTORC1 -> IRS1 feedback lowers signaling on
    # top of the receptor and GLUT4 loss
    with_fb = ratio(simulator, healthy, CATALOGUE.scenario(cause="type2_diabetes_adipocyte")
                    .parameters)
    without = ratio(simulator, healthy, CATALOGUE.scenario(
        mechanisms={"IR_expression_down": 0.55, "GLUT4_expression_down": 0.5}).parameters)
    assert with_fb < without - 0.02


# ------------------------------------------------------------------ scenario()


def test_healthy_scenario():
    s = CATALOGUE.scenario()
    assert s == Scenario(name="healthy", parameters={}, cause=None, mechanisms={}, overrides={})


def test_scenario_composes_cause_mechanism_override():
    s = CATALOGUE.scenario(cause="type2_diabetes_adipocyte",
                           mechanisms={"GLUT4_expression_down": 0.3, "PTEN_up": 2},
                           overrides={"FFA": 0.5})
    assert s.parameters == {"scale_INSR_total": 0.55, "scale_GLUT4_total": 0.3,
                            "scale_mTORC1_IRS1_S307": 0.15, "scale_PTEN_activity": 2.0,
                            "FFA": 0.5}
    assert s.name == "type2_diabetes_adipocyte+GLUT4_expression_down=0.3+PTEN_up=2+FFA=0.5"
    assert s.cause == "type2_diabetes_adipocyte"
    assert s.mechanisms == {"IR_expression_down": 0.55, "GLUT4_expression_down": 0.3,
                            "mTORC1_feedback_down": 0.15, "PTEN_up": 2.0}
    assert s.overrides == {"FFA": 0.5}


def test_scenario_cause_inputs_shared_targets_multiply_and_overrides_win(tmp_path):
    s = CATALOGUE.scenario(cause="chronic_inflammation")
    assert s.parameters == {"scale_JNK_IRS1": 2.0, "scale_IKK_IRS1": 2.0, "TNFa": 0.5}
    assert s.name == "chronic_inflammation"
    # no two built-in mechanisms share a target since the mTORC1 feedback became its
    # own (positive) parameter, so a user mechanism shares S6K1's
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[mechanisms.S6K1_to_IRS1_down]\ndescription = "less S6K1 to IRS1"\n'
        'level = "intracellular_signaling"\nkind = "fraction"\n'
        'targets = ["scale_S6K1_IRS1"]\nhealthy = 1.0\nrange = [0.0, 1.0]\n'
        'effect = "raises_uptake"\nreferences = [{ authors = "me", year = 2024, '
        'title = "t", journal = "j", volume_pages = "1", verified = false }]\n')
    s = load_catalogue([extra]).scenario(mechanisms={"IRS1_serine_S6K1": 4,
                                                     "S6K1_to_IRS1_down": 0.25})
    assert s.parameters == {"scale_S6K1_IRS1": 1.0}
    assert s.name == "IRS1_serine_S6K1=4+S6K1_to_IRS1_down=0.25"
    s = CATALOGUE.scenario(cause="obesity", overrides={"scale_INSR_total": 0.9, "TNFa": 0})
    assert s.parameters["scale_INSR_total"] == 0.9 and s.parameters["TNFa"] == 0.0
    assert s.parameters["FFA"] == 0.3


def test_strength_out_of_range_and_allowed():
    with pytest.raises(UserError) as exc:
        CATALOGUE.scenario(mechanisms={"IR_expression_down": 0.05})
    assert one_line(exc) == ("strength 0.05 of IR_expression_down is outside its plausible "
                             "range [0.2, 1]; allow out-of-range strengths to run it anyway")
    s = CATALOGUE.scenario(mechanisms={"IR_expression_down": 0.05}, allow_out_of_range=True)
    assert s.parameters == {"scale_INSR_total": 0.05}
    assert s.name == "IR_expression_down=0.05"


@pytest.mark.parametrize("mechanisms, words", [
    ({"IR_expression_down": -0.1}, ">= 0"),
    ({"PTP1B_up": 0}, "> 0"),
    ({"PTEN_up": float("nan")}, "must be a number"),
    ({"PTEN_up": "2"}, "must be a number"),
])
def test_impossible_strengths_fail_even_when_out_of_range_is_allowed(mechanisms, words):
    with pytest.raises(UserError) as exc:
        CATALOGUE.scenario(mechanisms=mechanisms, allow_out_of_range=True)
    assert words in one_line(exc)


def test_fraction_zero_is_complete_loss():
    s = CATALOGUE.scenario(mechanisms={"AS160_defect": 0}, allow_out_of_range=True)
    assert s.parameters == {"scale_AS160_phosphorylation": 0.0}


def test_unknown_mechanism_and_cause_name_the_closest():
    with pytest.raises(UserError) as exc:
        CATALOGUE.scenario(mechanisms={"IR_expresion_down": 0.5})
    assert "IR_expression_down" in one_line(exc)
    with pytest.raises(UserError) as exc:
        CATALOGUE.scenario(cause="obsity")
    assert "'obsity'" in one_line(exc) and "obesity" in one_line(exc)
    with pytest.raises(UserError) as exc:
        CATALOGUE.scenario(cause="PTEN_up")
    assert "is a mechanism" in one_line(exc)
    with pytest.raises(UserError) as exc:
        CATALOGUE.resistant_end("PTEN_upp")
    assert "PTEN_up" in one_line(exc)


# ------------------------------------------------------------------ user catalogues

USER = """
[mechanisms.Rab_GTPase_defect]
description = "Rab GTPases downstream of AS160 work less, so both AS160 signaling and exocytosis fall."
level = "intracellular_signaling"
kind = "fraction"
targets = ["scale_AS160_phosphorylation", "scale_GLUT4_translocation"]
healthy = 1.0
range = [0.4, 1.0]
effect = "lowers_uptake"

[causes.my_lifestyle]
description = "A made-up cause for the test: Rab defect, a little more PTEN and some fatty acids."
mechanisms = { Rab_GTPase_defect = 0.6, PTEN_up = 1.5 }
inputs = { FFA = 0.2 }
references = [ { authors = "Nobody N", year = 2024, note = "test only" } ]
"""  # noqa: E501 (TOML text)


def test_user_file_adds_a_mechanism_and_a_cause_that_simulate(tmp_path, simulator, healthy):
    path = write(tmp_path, "mine.toml", USER)
    cat = load_catalogue([path])
    cat.check_targets(simulator.model.constant_parameters())
    assert cat.mechanism("Rab_GTPase_defect").source_file == str(path)
    assert set(CATALOGUE.mechanisms) < set(cat.mechanisms)
    s = cat.scenario(cause="my_lifestyle")
    assert s.parameters == {"scale_AS160_phosphorylation": 0.6, "scale_GLUT4_translocation": 0.6,
                            "scale_PTEN_activity": 1.5, "FFA": 0.2}
    r_cause = ratio(simulator, healthy, s.parameters)
    r_mech = ratio(simulator, healthy, cat.scenario(mechanisms={"Rab_GTPase_defect": 0.4})
                   .parameters)
    print(f"my_lifestyle: {r_cause:.3f}; Rab_GTPase_defect=0.4: {r_mech:.3f}")
    assert r_mech <= 1 - MARGIN and r_cause <= 1 - MARGIN
    assert r_cause < r_mech or r_cause < 0.9
    names = listing(cat, "mechanisms")["name"].tolist()
    assert names[-1] == "Rab_GTPase_defect"
    assert "my_lifestyle" in format_listing(listing(cat, "causes"))


def test_user_file_overrides_a_builtin_range(tmp_path):
    text = CATALOGUE_ENTRY_IR.replace("range = [0.2, 1.0]", "range = [0.05, 1.0]")
    path = write(tmp_path, "override.toml", text)
    cat = load_catalogue([path])
    m = cat.mechanism("IR_expression_down")
    assert m.range == (0.05, 1.0) and m.source_file == str(path)
    assert cat.resistant_end("IR_expression_down") == 0.05
    assert cat.scenario(mechanisms={"IR_expression_down": 0.05}).parameters == {
        "scale_INSR_total": 0.05}
    assert CATALOGUE.mechanism("IR_expression_down").range == (0.2, 1.0)


CATALOGUE_ENTRY_IR = """
[mechanisms.IR_expression_down]
description = "Fewer receptors."
level = "receptor_number"
kind = "fraction"
targets = ["scale_INSR_total"]
healthy = 1.0
range = [0.2, 1.0]
effect = "lowers_uptake"
"""


def mechanism_text(**changes):
    keys = {"description": '"x"', "level": '"receptor_number"', "kind": '"fraction"',
            "targets": '["scale_INSR_total"]', "healthy": "1.0", "range": "[0.5, 1.0]",
            "effect": '"lowers_uptake"'}
    keys.update(changes)
    body = "\n".join(f"{k} = {v}" for k, v in keys.items() if v is not None)
    return f"[mechanisms.my_mech]\n{body}\n"


@pytest.mark.parametrize("changes, words", [
    ({"targets": None}, ["mechanism 'my_mech'", "missing key 'targets'", "expected keys:"]),
    ({"range": '"0.5-1"'}, ["key 'range' must be an array"]),
    ({"healthy": '"one"'}, ["key 'healthy' must be a number"]),
    ({"level": '"membrane"'}, ["level 'membrane'", "receptor_number, receptor_signaling, "
                                                   "intracellular_signaling"]),
    ({"kind": '"percent"'}, ["kind 'percent'", "fraction, fold"]),
    ({"effect": '"worse"'}, ["effect 'worse'", "lowers_uptake, raises_uptake"]),
    ({"range": "[1.0, 0.5]"}, ["needs low < high"]),
    ({"range": "[0.2, 0.8]"}, ["must include the healthy value 1"]),
    ({"range": "[0.5, 2.0]"}, ["fraction range must lie within [0, 1]"]),
    ({"healthy": "2.0", "range": "[0.5, 3.0]", "kind": '"fold"'}, ["healthy must be 1"]),
    ({"targets": "[]"}, ["non-empty array"]),
    ({"taregts": '["scale_INSR_total"]', "targets": None}, ["missing key 'targets'"]),
])
def test_bad_mechanism_entries(tmp_path, changes, words):
    path = write(tmp_path, "bad.toml", mechanism_text(**changes))
    with pytest.raises(UserError) as exc:
        load_catalogue([path])
    message = one_line(exc)
    assert message.startswith(str(path))
    for w in words:
        assert w in message, message


def test_unknown_key_suggests_the_right_one(tmp_path):
    path = write(tmp_path, "bad.toml", mechanism_text(refrences="[]"))
    with pytest.raises(UserError) as exc:
        load_catalogue([path])
    assert "unknown key 'refrences'" in one_line(exc) and "'references'" in one_line(exc)


def test_malformed_toml_gives_file_line_column(tmp_path):
    path = write(tmp_path, "my.toml", '[mechanisms.x]\ndescription = "a"\nlevel\n')
    with pytest.raises(UserError) as exc:
        load_catalogue([path])
    message = one_line(exc)
    assert message.startswith(f"{path}:3:")
    assert "Expected '='" in message or "expected '='" in message.lower()


def test_missing_file(tmp_path):
    with pytest.raises(UserError) as exc:
        load_catalogue([tmp_path / "nope.toml"])
    assert "catalogue file not found" in one_line(exc) and "nope.toml" in one_line(exc)


def test_unknown_top_level_table(tmp_path):
    path = write(tmp_path, "bad.toml", '[mechanism.x]\ndescription = "a"\n')
    with pytest.raises(UserError) as exc:
        load_catalogue([path])
    assert "unknown table '[mechanism]'" in one_line(exc)


def test_cause_naming_unknown_mechanism(tmp_path):
    path = write(tmp_path, "bad.toml",
                 '[causes.c]\ndescription = "a"\nmechanisms = { PTEN_upp = 2.0 }\n')
    with pytest.raises(UserError) as exc:
        load_catalogue([path])
    message = one_line(exc)
    assert "cause 'c'" in message and "PTEN_upp" in message and "closest: PTEN_up" in message


def test_cause_strength_outside_range(tmp_path):
    path = write(tmp_path, "bad.toml",
                 '[causes.c]\ndescription = "a"\nmechanisms = { PTEN_up = 5.0 }\n')
    with pytest.raises(UserError) as exc:
        load_catalogue([path])
    assert "strength 5 of PTEN_up is outside its plausible range [1, 3]" in one_line(exc)


def test_cause_input_negative(tmp_path):
    path = write(tmp_path, "bad.toml", '[causes.c]\ndescription = "a"\nmechanisms = {}\n'
                                       'inputs = { TNFa = -1 }\n')
    with pytest.raises(UserError) as exc:
        load_catalogue([path])
    assert "input 'TNFa' must be >= 0" in one_line(exc)


def test_duplicate_name_across_two_user_files(tmp_path):
    a = write(tmp_path, "a.toml", mechanism_text())
    b = write(tmp_path, "b.toml", mechanism_text())
    with pytest.raises(UserError) as exc:
        load_catalogue([a, b])
    message = one_line(exc)
    assert str(a) in message and str(b) in message and "'my_mech'" in message


def test_same_name_as_mechanism_and_cause(tmp_path):
    path = write(tmp_path, "bad.toml", '[causes.PTEN_up]\ndescription = "a"\nmechanisms = {}\n')
    with pytest.raises(UserError) as exc:
        load_catalogue([path])
    assert "'PTEN_up' is both a cause" in one_line(exc)


def test_unknown_target_against_the_model(tmp_path, simulator):
    path = write(tmp_path, "mine.toml", mechanism_text(targets='["scale_INSR_totl"]'))
    cat = load_catalogue([path])            # the file itself is well formed
    with pytest.raises(UserError) as exc:
        cat.check_targets(simulator.model.constant_parameters())
    message = one_line(exc)
    assert "mechanism 'my_mech'" in message and "'scale_INSR_totl'" in message
    assert "closest: scale_INSR_total" in message


def test_unknown_cause_input_against_the_model(tmp_path, simulator):
    path = write(tmp_path, "mine.toml", '[causes.c]\ndescription = "a"\nmechanisms = {}\n'
                                        'inputs = { TNF = 1.0 }\n')
    cat = load_catalogue([path])
    with pytest.raises(UserError) as exc:
        cat.check_targets(simulator.model.constant_parameters())
    assert "cause 'c'" in one_line(exc) and "TNFa" in one_line(exc)


# ------------------------------------------------------------------ listing


def test_listing_columns_and_format():
    mech = listing(CATALOGUE, "mechanisms")
    assert list(mech.columns) == ["name", "level", "kind", "targets", "healthy", "range",
                                  "effect", "source"]
    assert len(mech) == len(CATALOGUE.mechanisms)
    row = mech.set_index("name").loc["IR_expression_down"]
    assert row["range"] == "[0.2, 1]" and row["targets"] == "scale_INSR_total"
    assert row["source"].startswith("Brännmark 2013; Goodyear 1995")
    causes = listing(CATALOGUE, "causes")
    assert list(causes.columns) == ["name", "mechanisms", "inputs", "source"]
    assert causes.set_index("name").loc["chronic_inflammation", "inputs"] == "TNFa=0.5"
    text = format_listing(mech)
    lines = text.splitlines()
    assert lines[0].split() == list(mech.columns)
    assert set(lines[1]) <= {"-", " "}
    for name in CATALOGUE.mechanisms:
        assert name in text
    assert max(len(line) for line in lines) < 200
    with pytest.raises(UserError) as exc:
        listing(CATALOGUE, "drugs")
    assert "mechanisms or causes" in one_line(exc)
