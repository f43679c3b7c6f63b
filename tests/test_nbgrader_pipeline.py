"""The nbgrader chain on ps1, through nbgrader's own API, in a scratch copy of the course:
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

from exocourse.learner_edition import find_leaks, secrets_of, with_python_on_path

pytestmark = pytest.mark.xdist_group("nbgrader")
ASSIGNMENT = "ps1"
SOURCE = ROOT / "assignments" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
AUTOGRADED_POINTS = 7
PARTLY_WRONG = {  # q1 right, q2 wrong, q3 right (lower case), q4 right (the given line), q5 wrong
    "q1_answer": 'q1 = "C"',
    "q2_answer": 'q2 = "A"',
    "q3_answer": 'q3 = "d"',
    "q4_answer": 'q4 = median_diameter_nm(load_nta_sample("nta_sample.csv"))',
    "q5_answer": 'q5 = "EEEEE"',
}
PARTLY_WRONG_POINTS = 1 + 1 + 2


def _answered(release: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
        if grade_id == "q6_patient_question":
            cell.source = "The sheet shows size and CD63 only; that does not prove these are exosomes."
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A graded class of three learners in a scratch course; returns (root, api)."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    root = tmp_path_factory.mktemp("course")
    for item in ["course.yml", "course.d", "nbgrader_config.py", "assignments/source"]:
        (root / item).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (ROOT / item).is_dir() else shutil.copy2)(ROOT / item, root / item)
    os.environ["EXOCOURSE_CELL_TIMEOUT"] = "5"
    os.environ["PATH"] = with_python_on_path(dict(os.environ))["PATH"]
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    api = NbGraderAPI(config=config)
    assert api.generate_assignment(ASSIGNMENT, force=True)["success"]
    release = root / "assignments/release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    learners = {
        "ada_solution": nbformat.read(SOURCE, as_version=4),
        "ben_release": nbformat.read(release, as_version=4),
        "cy_partly_wrong": _answered(release, PARTLY_WRONG),
    }
    for learner, nb in learners.items():
        folder = root / "grading/submitted" / learner / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
        shutil.copy2(release.parent / "nta_sample.csv", folder)
    for learner in learners:
        result = api.autograde(ASSIGNMENT, learner, force=True, create=True)
        assert result["success"], result.get("log", "")[-2000:]
        assert api.generate_feedback(ASSIGNMENT, learner, force=True)["success"]
    return root, api, config


def _submission(root: Path, learner: str):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'grading/gradebook.db'}") as gradebook:
        sub = gradebook.find_submission(ASSIGNMENT, learner)
        notebook = sub.notebooks[0]
        return {"code": notebook.code_score, "max_code": notebook.max_code_score, "max": sub.max_score,
                "manual": sub.needs_manual_grade,
                "failed": [g.cell.name for g in notebook.grades if g.auto_score == 0 and g.cell.cell_type == "code"]}


def test_the_solution_scores_every_autograded_point(course):
    scores = _submission(course[0], "ada_solution")
    assert scores["code"] == scores["max_code"] == AUTOGRADED_POINTS
    assert scores["max"] == 10


def test_the_untouched_release_scores_zero(course):
    assert _submission(course[0], "ben_release")["code"] == 0


def test_a_partly_wrong_submission_scores_the_exact_partial_mark(course):
    scores = _submission(course[0], "cy_partly_wrong")
    assert scores["code"] == PARTLY_WRONG_POINTS
    assert sorted(scores["failed"]) == ["q2_biogenesis", "q5_markers"]


def test_written_answer_waits_for_manual_grading(course):
    assert _submission(course[0], "cy_partly_wrong")["manual"]


def test_feedback_is_friendly_and_hides_tests_and_keys(course):
    root = course[0]
    html = (root / "grading/feedback/cy_partly_wrong" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "Question 2: not yet" in html and "Question 5: not yet" in html
    assert "Traceback (most recent call last)" not in html and "check_answer" not in html
    for learner in ["ben_release", "cy_partly_wrong"]:  # ada submitted the solution itself, so hers shows it
        assert find_leaks([SOURCE], root / "grading/feedback" / learner) == []


def test_failed_checks_show_one_friendly_line_not_a_traceback(course):
    nb = nbformat.read(course[0] / "grading/autograded/cy_partly_wrong" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert [e.traceback for e in errors] == [
        ["Question 2: not yet — re-read lesson 01, section 2, on where each kind of vesicle forms"],
        ["Question 5: not yet — check each protein against the MISEV checklist in lesson 01, section 6"]]


def test_release_copy_has_no_solutions_hidden_tests_or_keys(course):
    root = course[0]
    release = root / "assignments/release" / ASSIGNMENT
    assert secrets_of(SOURCE)  # the scan has something to look for
    assert find_leaks([SOURCE], release) == []


def test_validator_passes_the_source_and_fails_the_release(course):
    from nbgrader.validator import Validator

    root, _, config = course
    validator = Validator(config=config)
    assert validator.validate(str(SOURCE)) == {}
    failed = validator.validate(str(root / "assignments/release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    assert failed.get("failed")


def test_export_writes_the_gradebook_csv(course):
    root = course[0]
    env = {**os.environ, "JUPYTER_CONFIG_DIR": os.environ["JUPYTER_CONFIG_DIR"]}
    subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", "grades.csv", "--log-level=WARN"],
                   cwd=root, env=env, check=True)
    with (root / "grades.csv").open() as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"ada_solution", "ben_release", "cy_partly_wrong"}
    assert float(rows["ada_solution"]["raw_score"]) == AUTOGRADED_POINTS
    assert float(rows["cy_partly_wrong"]["raw_score"]) == PARTLY_WRONG_POINTS
