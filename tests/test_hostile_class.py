"""One graded hostile class per assignment, generated from its source (exocourse.hostile), graded in the
sandbox by two nbgrader processes over disjoint learner groups; every test below reads that one run."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT

from exocourse import classrun, integrity, manifest
from exocourse.grader_kernel import sandbox_probe
from exocourse.hostile import build_class
from exocourse.learner_edition import find_leaks

pytestmark = pytest.mark.xdist_group("hostile")
# Every graded assignment (the module problem sets, the pre-test and the post-test); the evaluation has no tests.
ASSIGNMENTS = sorted(a["id"] for a in manifest.assessments(manifest.load_manifest(ROOT)) if a["items"])
SANDBOXED = sandbox_probe()[0] is not None
# In CI the sandbox is required (.ci/run installs bubblewrap); elsewhere a host without it falls back, visibly.
SANDBOX = "1" if os.environ.get("CI") == "true" else "auto"
CLASSES = {}


def _by_case(learners, case):
    return next(learner_id for learner_id, learner in learners.items() if learner.case == case)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{assignment: (course, learners by id, integrity report, protected-file digests)}"""
    results = {}
    for assignment in ASSIGNMENTS:
        course = classrun.scratch_course(ROOT, tmp_path_factory.mktemp(f"hostile-{assignment}"))
        # 10 s, not 5: ps4 computes a reading grade, whose dictionary takes 1–4 s to load on a busy 2-core machine.
        env = classrun.environment(cell_timeout=10, sandbox=SANDBOX)
        classrun.nbgrader(course, env, "generate_assignment", assignment, "--force", check=True)
        source = next((course / "assignments/source" / assignment).glob("*.ipynb"))
        release = course / "assignments/release" / assignment / source.name
        learners = {learner.learner_id: learner for learner in build_class(source, release)}
        for learner in learners.values():
            classrun.submit(course, assignment, learner.learner_id, learner.notebook)
        protected = [course / "course.yml", course / "data/datapackage.json",
                     course / "grading/submitted/a_correct" / assignment / source.name]
        before = {p: _digest(p) for p in protected}
        classrun.autograde(course, assignment, env)
        classrun.feedback(course, assignment, env)
        results[assignment] = (course, learners, integrity.report(course, assignment), before, env)
    return results


def _cases():
    for assignment in ASSIGNMENTS:
        source = next((ROOT / "assignments/source" / assignment).glob("*.ipynb"))
        # ids only: the notebooks are built again inside the fixture from the scratch copy
        for learner in build_class(source, source):
            yield assignment, learner.learner_id


def _score(course, assignment, learner_id):
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{course / 'grading/gradebook.db'}") as gradebook:
        try:
            submission = gradebook.find_submission(assignment, learner_id)
        except MissingEntry:
            return "missing"
        notebook = submission.notebooks[0] if submission.notebooks else None
        autograded = course / "grading/autograded" / learner_id / assignment
        if not autograded.exists():
            return None
        return notebook.code_score


@pytest.mark.parametrize("assignment,learner_id", list(_cases()))
def test_each_learner_gets_the_exact_expected_score(graded, assignment, learner_id):
    course, learners, _report, _before, _env = graded[assignment]
    learner = learners[learner_id]
    assert _score(course, assignment, learner_id) == learner.expected_score, learner.note


def test_integrity_report_flags_exactly_the_hostile_submissions(graded):
    for _course, learners, report, _before, _env in graded.values():
        assert set(report) == {lid for lid, learner in learners.items() if learner.flagged}, report


def test_dead_kernels_are_flagged_for_manual_review(graded):
    for _course, learners, report, _before, _env in graded.values():
        for learner_id, learner in learners.items():
            if learner.expected_score is None:
                assert any("autograde failed" in reason for reason in report[learner_id])


def test_integrity_command_prints_one_line_per_flag_and_exits_nonzero(graded):
    assignment = ASSIGNMENTS[0]
    course, _learners, report, _before, env = graded[assignment]
    result = subprocess.run([sys.executable, "-m", "exocourse.integrity", assignment, str(course)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(report) and all(line.split(": ", 1)[0] in report for line in lines)


def test_gradebook_and_other_learners_work_are_intact(graded):
    for course, _learners, _report, before, _env in graded.values():
        connection = sqlite3.connect(course / "grading/gradebook.db")
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        connection.close()
        assert {p: _digest(p) for p in before} == before


def test_outputs_are_capped_in_bytes_and_lines(graded):
    for assignment, (course, learners, _report, _before, _env) in graded.items():
        for learner_id in (_by_case(learners, "output_50MB_line"), _by_case(learners, "output_million_lines")):
            folder = course / "grading/autograded" / learner_id / assignment
            notebook = next(folder.glob("*.ipynb"))
            assert notebook.stat().st_size < 1_000_000, learner_id


@pytest.mark.skipif(not SANDBOXED, reason=f"no sandbox on this host: {sandbox_probe()[1]}")
def test_sandbox_blocks_reading_and_writing_outside_the_submission(graded):
    for assignment, (course, learners, _report, _before, _env) in graded.items():
        for learner_id in (_by_case(learners, "writes_gradebook_and_others"), _by_case(learners, "reads_other_learner")):
            notebook = next((course / "grading/autograded" / learner_id / assignment).glob("*.ipynb"))
            text = "".join(o.get("text", "") for c in nbformat.read(notebook, 4).cells
                           for o in c.get("outputs", []) if o.output_type == "stream")
            assert "BLOCKED" in text and "READ " not in text and "WROTE" not in text, learner_id


def test_feedback_carries_no_hidden_test_or_key(graded):
    for assignment, (course, _learners, _report, _before, _env) in graded.items():
        sources = list((ROOT / "assignments/source" / assignment).glob("*.ipynb"))
        assert find_leaks(sources, course / "grading/feedback", tests_only=True) == []


def test_regrading_is_idempotent_and_keeps_manual_grades(graded):
    from nbgrader.api import Gradebook

    assignment = "ps1"  # has a written (manually graded) item
    course, _learners, _report, _before, env = graded[assignment]
    db = f"sqlite:///{course / 'grading/gradebook.db'}"
    with Gradebook(db) as gradebook:
        notebook = gradebook.find_submission(assignment, "a_correct").notebooks[0]
        manual = next(g for g in notebook.grades if g.cell.cell_type == "markdown")
        manual.manual_score = 2
        comment = next(c for c in notebook.comments if c.cell.name == manual.cell.name)
        comment.manual_comment = "Clear note; name the missing contaminant markers."
        gradebook.db.commit()
        auto_before = notebook.code_score
        name = manual.cell.name
    feedback_html = course / "grading/feedback/a_correct" / assignment
    classrun.autograde(course, assignment, env, groups=("a_correct",))
    classrun.feedback(course, assignment, env)
    first = {p.name: p.read_text() for p in feedback_html.glob("*.html")}
    classrun.autograde(course, assignment, env, groups=("a_correct",))
    classrun.feedback(course, assignment, env)
    second = {p.name: p.read_text() for p in feedback_html.glob("*.html")}
    with Gradebook(db) as gradebook:
        notebook = gradebook.find_submission(assignment, "a_correct").notebooks[0]
        manual = next(g for g in notebook.grades if g.cell.name == name)
        assert manual.manual_score == 2 and notebook.code_score == auto_before
        assert next(c for c in notebook.comments if c.cell.name == name).manual_comment.startswith("Clear note")
    assert first == second
