"""The nbgrader chain on every assignment, through nbgrader's own API, in a scratch copy of the course:
generate → submit (solution, untouched release, realistic partly-wrong) → autograde → feedback → export."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from exocourse.build.learner_edition import find_leaks, secrets_of
from exocourse.grading import batch
from exocourse.grading.env import with_python_on_path

pytestmark = pytest.mark.xdist_group("nbgrader")
# Per assignment: points the tests can award, points of the whole assignment, a realistic partly-wrong
# submission (answer cell grade id → code) and what it must score, and which tests it must fail.
EXPECTED = {
    "ps1": {
        "autograded": 7, "total": 10, "partly_points": 1 + 1 + 2,
        "partly": {"q1_answer": 'q1 = "C"', "q2_answer": 'q2 = "A"', "q3_answer": 'q3 = "d"',
                   "q4_answer": 'q4 = median_diameter_nm(load_nta_sample("nta_sample.csv"))',
                   "q5_answer": 'q5 = "EEEEE"'},
        "partly_failed": ["q2_biogenesis", "q5_markers"],
    },
    "ps2": {
        "autograded": 11, "total": 14, "partly_points": 1 + 2 + 1 + 2 + 1,
        "partly": {"q1_answer": "q1 = 90 / (90 + 10)", "q2_answer": "q2 = 90 / (90 + 10)",
                   "q3_answer": "q3 = post_test_probability(0.25, (1 - 0.85) / 0.60)", "q4_answer": 'q4 = "A"',
                   "q5_answer": 'q5 = "C"', "q6_answer": 'q6 = "A"', "q7_answer": 'q7 = "aiuui"',
                   "q8_answer": 'q8 = "B"', "q9_answer": 'q9 = "B"'},
        "partly_failed": ["q2_ppv", "q4_cutpoint", "q6_preanalytical", "q9_ind_or_clinic"],
    },
    "ps3": {
        "autograded": 14, "total": 17, "partly_points": 1 + 1 + 2 + 1 + 2 + 2,
        "partly": {"q1_answer": "q1 = 3 / 400", "q2_answer": "q2 = 3 / 400", "q3_answer": "q3 = patients_needed(0.002)",
                   "q4_answer": "q4 = 0.95 ** 20", "q5_answer": 'q5 = "PPPPP"', "q6_answer": 'q6 = "D"',
                   "q7_answer": 'q7 = "cabb"', "q8_answer": 'q8 = "C"', "q9_answer": 'q9 = ["F", "F", "F", "T", "F"]', "q7b_answer": 'q7b = "D"'},
        "partly_failed": ["q2_exact_bound", "q5_evidence_levels", "q7b_deciding_rule", "q8_fda_statement"],
    },
    "ps4": {
        "autograded": 11, "total": 17, "partly_points": 2 + 1 + 2 + 1 + 1,
        "partly": {"q1_answer": 'q1 = "ace"', "q2_answer": 'q2 = reading_grade(open("draft_consent.txt").read())',
                   "q3_answer": 'q3 = "A"', "q4_answer": 'q4 = "umsw"', "q5_answer": "q5 = 29", "q6_answer": 'q6 = "D"',
                   "q7_answer": 'q7 = "A"', "q4b_answer": 'q4b = "b"', "q5b_answer": "q5b = 0"},
        "partly_failed": ["q3_grade_meaning", "q5_lookalikes", "q5b_first_position", "q7_foundations"],
    },
    # The pre-test (form A) and post-test (form B) of the item bank: 25 one-point multiple-choice items each, one
    # per objective, all marked automatically (no written answer); lower case and spaces around a letter are accepted.
    # Pre-test: 17 of 25, with realistic slips (e.g. q7: the sensitivity taken for the PPV).
    "pretest": {
        "autograded": 25, "total": 25, "partly_points": 17,
        "partly": {"q1_answer": 'q1 = "B"', "q2_answer": 'q2 = "A"', "q3_answer": 'q3 = "d"', "q4_answer": 'q4 = "A"',
                   "q5_answer": 'q5 = "D"', "q6_answer": 'q6 = "A"', "q7_answer": 'q7 = "B"', "q8_answer": 'q8 = "D"',
                   "q9_answer": 'q9 = "B"', "q10_answer": 'q10 = "A"', "q11_answer": 'q11 = "B"', "q12_answer": 'q12 = "C"',
                   "q13_answer": 'q13 = "A"', "q14_answer": 'q14 = "D"', "q15_answer": 'q15 = "D"', "q16_answer": 'q16 = "B"',
                   "q17_answer": 'q17 = "A"', "q18_answer": 'q18 = "B"', "q19_answer": 'q19 = "D"', "q20_answer": 'q20 = "A"',
                   "q21_answer": 'q21 = "B"', "q22_answer": 'q22 = "C"', "q23_answer": 'q23 = "A"', "q24_answer": 'q24 = "D"',
                   "q25_answer": 'q25 = " c "'},
        "partly_failed": ["t02_exo_bio_2", "t07_exo_dx_3", "t10_exo_tx_2", "t14_exo_risk_3", "t18_exo_reg_3",
                          "t20_exo_con_2", "t22_exo_con_4", "t24_exo_clm_2"],
    },
    # Post-test: 19 of 25, the least score that reaches the pass mark of 75%.
    "posttest": {
        "autograded": 25, "total": 25, "partly_points": 19,
        "partly": {"q1_answer": 'q1 = "A"', "q2_answer": 'q2 = "A"', "q3_answer": 'q3 = "B"', "q4_answer": 'q4 = "C"',
                   "q5_answer": 'q5 = "B"', "q6_answer": 'q6 = "C"', "q7_answer": 'q7 = "B"', "q8_answer": 'q8 = "C"',
                   "q9_answer": 'q9 = "D"', "q10_answer": 'q10 = "B"', "q11_answer": 'q11 = "C"', "q12_answer": 'q12 = "A"',
                   "q13_answer": 'q13 = "A"', "q14_answer": 'q14 = "B"', "q15_answer": 'q15 = "C"', "q16_answer": 'q16 = "D"',
                   "q17_answer": 'q17 = "B"', "q18_answer": 'q18 = "A"', "q19_answer": 'q19 = "A"', "q20_answer": 'q20 = "D"',
                   "q21_answer": 'q21 = "A"', "q22_answer": 'q22 = "D"', "q23_answer": 'q23 = "D"', "q24_answer": 'q24 = "D"',
                   "q25_answer": 'q25 = "B"'},
        "partly_failed": ["t01_exo_bio_1", "t05_exo_dx_1", "t08_exo_dx_4", "t13_exo_risk_2", "t19_exo_con_1",
                          "t23_exo_clm_1"],
    },
}
ASSIGNMENTS = list(EXPECTED)
WITH_WRITTEN_ANSWERS = [a for a in ASSIGNMENTS if EXPECTED[a]["total"] > EXPECTED[a]["autograded"]]


def source_of(assignment: str) -> Path:
    return ROOT / "assignments" / "source" / assignment / f"{assignment}.ipynb"


def _answered(release: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") in answers:
            cell.source = answers[meta["grade_id"]]
        elif cell.cell_type == "markdown" and meta.get("solution"):  # the written answer
            cell.source = "A low score lowers the chance but does not rule it out; the test is not FDA-approved."
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A graded class of three learners per assignment in one scratch course; returns (root, api, config)."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    root = batch.scratch_course(ROOT, tmp_path_factory.mktemp("course"))
    os.environ["EXOCOURSE_CELL_TIMEOUT"] = "10"  # ps4 loads a reading-grade dictionary (1–4 s when busy)
    os.environ["PATH"] = with_python_on_path(dict(os.environ))["PATH"]
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    api = NbGraderAPI(config=config)
    for assignment in ASSIGNMENTS:
        assert api.generate_assignment(assignment, force=True)["success"]
        release = root / "assignments/release" / assignment / f"{assignment}.ipynb"
        learners = {
            "ada_solution": nbformat.read(source_of(assignment), as_version=4),
            "ben_release": nbformat.read(release, as_version=4),
            "cy_partly_wrong": _answered(release, EXPECTED[assignment]["partly"]),
        }
        for learner, nb in learners.items():
            folder = root / "grading/submitted" / learner / assignment
            shutil.copytree(release.parent, folder)
            nbformat.write(nb, folder / f"{assignment}.ipynb")
        for learner in learners:
            result = api.autograde(assignment, learner, force=True, create=True)
            assert result["success"], result.get("log", "")[-2000:]
            assert api.generate_feedback(assignment, learner, force=True)["success"]
    return root, api, config


def _submission(root: Path, learner: str, assignment: str):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'grading/gradebook.db'}") as gradebook:
        sub = gradebook.find_submission(assignment, learner)
        notebook = sub.notebooks[0]
        return {"code": notebook.code_score, "max_code": notebook.max_code_score, "max": sub.max_score,
                "manual": sub.needs_manual_grade,
                "failed": [g.cell.name for g in notebook.grades if g.auto_score == 0 and g.cell.cell_type == "code"]}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solution_scores_every_autograded_point(course, assignment):
    scores = _submission(course[0], "ada_solution", assignment)
    assert scores["code"] == scores["max_code"] == EXPECTED[assignment]["autograded"]
    assert scores["max"] == EXPECTED[assignment]["total"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_untouched_release_scores_zero(course, assignment):
    assert _submission(course[0], "ben_release", assignment)["code"] == 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_partly_wrong_submission_scores_the_exact_partial_mark(course, assignment):
    scores = _submission(course[0], "cy_partly_wrong", assignment)
    assert scores["code"] == EXPECTED[assignment]["partly_points"]
    assert sorted(scores["failed"]) == sorted(EXPECTED[assignment]["partly_failed"])


@pytest.mark.parametrize("assignment", WITH_WRITTEN_ANSWERS)
def test_written_answer_waits_for_manual_grading(course, assignment):
    assert _submission(course[0], "cy_partly_wrong", assignment)["manual"]


@pytest.mark.parametrize("assignment", ["pretest", "posttest"])
def test_pretest_and_posttest_are_fully_graded_at_once(course, assignment):
    assert not _submission(course[0], "cy_partly_wrong", assignment)["manual"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_is_friendly_and_hides_tests_and_keys(course, assignment):
    root = course[0]
    html = (root / "grading/feedback/cy_partly_wrong" / assignment / f"{assignment}.html").read_text()
    assert "not yet —" in html
    assert "Traceback (most recent call last)" not in html and "check_answer" not in html
    for learner in ["ben_release", "cy_partly_wrong"]:  # ada submitted the solution itself, so hers shows it
        assert find_leaks([source_of(assignment)], root / "grading/feedback" / learner / assignment) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_failed_checks_show_one_friendly_line_not_a_traceback(course, assignment):
    path = course[0] / "grading/autograded/cy_partly_wrong" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, 4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert len(errors) == len(EXPECTED[assignment]["partly_failed"])
    for error in errors:
        assert len(error.traceback) == 1 and ": not yet — " in error.traceback[0], error.traceback


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_copy_has_no_solutions_hidden_tests_or_keys(course, assignment):
    release = course[0] / "assignments/release" / assignment
    assert secrets_of(source_of(assignment))  # the scan has something to look for
    assert find_leaks([source_of(assignment)], release) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validator_passes_the_source_and_fails_the_release(course, assignment):
    from nbgrader.validator import Validator

    root, _, config = course
    validator = Validator(config=config)
    assert validator.validate(str(source_of(assignment))) == {}
    failed = validator.validate(str(root / "assignments/release" / assignment / f"{assignment}.ipynb"))
    assert failed.get("failed")


def test_export_writes_the_gradebook_csv(course):
    root = course[0]
    env = {**os.environ, "JUPYTER_CONFIG_DIR": os.environ["JUPYTER_CONFIG_DIR"]}
    subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", "grades.csv", "--log-level=WARN"],
                   cwd=root, env=env, check=True)
    with (root / "grades.csv").open() as handle:
        rows = [row for row in csv.DictReader(handle)]
    scores = {(row["assignment"], row["student_id"]): float(row["raw_score"]) for row in rows}
    assert len(scores) == 3 * len(ASSIGNMENTS)
    for assignment in ASSIGNMENTS:
        assert scores[(assignment, "ada_solution")] == EXPECTED[assignment]["autograded"]
        assert scores[(assignment, "cy_partly_wrong")] == EXPECTED[assignment]["partly_points"]
        assert scores[(assignment, "ben_release")] == 0
