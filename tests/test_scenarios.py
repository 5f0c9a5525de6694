"""Scenario sets from the catalogue: the same names and values for every analysis."""
import pytest

from analysis.catalogue import load_catalogue
from analysis.errors import UserError
from analysis.scenarios import mechanism_strength, scenario_set

CATALOGUE = load_catalogue()


def test_full_set_is_healthy_every_mechanism_and_every_cause():
    s = scenario_set(CATALOGUE, True, True)
    assert list(s)[0] == "healthy" and s["healthy"] == {}
    assert len(s) == 1 + len(CATALOGUE.mechanisms) + len(CATALOGUE.causes)
    assert s["IR_expression_down=0.2"] == {"scale_INSR_total": 0.2}


def test_mid_strength_is_half_way_geometric_for_fold_changes():
    fraction = CATALOGUE.mechanism("IR_expression_down")      # healthy 1, end 0.2
    assert mechanism_strength(CATALOGUE, fraction, "mid") == pytest.approx(0.6)
    fold = CATALOGUE.mechanism("PTEN_up")                      # healthy 1, end 3
    assert mechanism_strength(CATALOGUE, fold, "mid") == pytest.approx(3 ** 0.5)
    with pytest.raises(UserError, match="unknown strength position 'middle'"):
        mechanism_strength(CATALOGUE, fold, "middle")


def test_named_subsets_and_model_check():
    s = scenario_set(CATALOGUE, ["PTEN_up"], ["obesity"])
    assert list(s) == ["healthy", "PTEN_up=3", "obesity"]
    with pytest.raises(UserError):
        scenario_set(CATALOGUE, True, settable=["insulin"])
