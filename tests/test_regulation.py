import pytest

from exocourse.lessons import regulation
from exocourse.lessons.regulation import InputError
from exocourse.lessons.views import regulation as regulation_views


def answers(**overrides):
    base = {q["id"]: True for q in regulation.questions()}
    base["q2"] = False  # not excluded from the HCT/P definition
    base.update(overrides)
    return base


@pytest.mark.parametrize("scenario", regulation.scenarios(), ids=lambda s: s["id"])
def test_each_scenario_reaches_the_course_pathway(scenario):
    decision = regulation.decide_pathway(scenario["answers"])
    assert regulation.pathway_code(decision.pathway) == scenario["expected_pathway_code"]


def test_no_human_cells_means_not_an_hctp_decided_by_the_definition():
    decision = regulation.decide_pathway(answers(q1=False))
    assert decision.pathway == regulation.PATHWAY_NOT_HCTP and decision.deciding_question == "q1"


def test_not_an_hctp_says_part_1271_does_not_apply_and_cites_fda_for_exosomes():
    # a cell-free product (question 1 no) and an excluded article such as "secreted ... cell factors" (question 2 yes)
    # get the same outcome, which says what FDA's flowchart says and where the exosome status comes from
    for decision in (regulation.decide_pathway(answers(q1=False)), regulation.decide_pathway(answers(q2=True))):
        assert decision.pathway == regulation.PATHWAY_NOT_HCTP
    assert "Part 1271 does not apply" in regulation.PATHWAY_NOT_HCTP
    assert "December 6, 2019" in regulation.PATHWAY_NOT_HCTP and "drugs and biological products" in regulation.PATHWAY_NOT_HCTP
    assert "device" in regulation.PATHWAY_351  # 21 CFR 1271.20: drug, device and/or biological product


def test_all_four_criteria_met_means_361():
    assert regulation.decide_pathway(answers()).pathway == regulation.PATHWAY_361


@pytest.mark.parametrize("criterion", ["q3", "q4", "q5", "q6"])
def test_any_failed_criterion_means_351_and_names_it(criterion):
    decision = regulation.decide_pathway(answers(**{criterion: False}))
    assert decision.pathway == regulation.PATHWAY_351 and decision.deciding_question == criterion


def test_unanswered_questions_get_a_clear_message():
    with pytest.raises(InputError, match="Answer every question"):
        regulation.decide_pathway({"q1": True})
    with pytest.raises(InputError):
        regulation.decide_pathway(answers(q3="yes"))


def test_pathway_explorer_follows_the_answers_and_compares_with_the_scenario():
    view = regulation_views.pathway_explorer()
    view.controls["scenario"].value = 0
    assert "Answer every question" in view.readout.value
    for qid, value in regulation.scenarios()[0]["answers"].items():
        view.controls[qid].value = value
    assert "✔ This matches" in view.readout.value
    view.controls["q1"].value = not regulation.scenarios()[0]["answers"]["q1"]
    assert "Pathway:" in view.readout.value
