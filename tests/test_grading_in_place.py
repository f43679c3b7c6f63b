"""Grading in place, exactly as the README tells an instructor off a hub: a clean copy of the course, its own
`.venv` made by the README's command, nbgrader run from the course folder with that environment active, then
`make integrity`. Both sandboxed (the default) and with EXOCOURSE_SANDBOX=0.

The environment and the course package then live inside the course folder, which the integrity monitor must not
count as "outside the submission"; scratch-copy tests (whose package and venv live elsewhere) cannot see that.
Honest learners (right, partly right, untouched) are never flagged; every hostile learner is."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest

from exocourse.grading import batch
from exocourse.grading.fixtures.simulated_class import build_class
from exocourse.grading.sandbox import sandbox_probe

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("in-place")]
HONEST = {"a_correct": 7, "a_partly_right": 4, "b_untouched": 0}  # ps1's exact automatic scores (of 7)
HOSTILE = ["b_writes_gradebook_and_others", "a_reads_other_learner", "a_monkeypatches_grading", "b_input_transformer"]
SKIP_SANDBOX = os.environ.get("EXOCOURSE_SKIP_SANDBOX") == "1" and os.environ.get("CI") != "true"


def _grade(folder, shell, learners, sandbox):
    source = folder / "assignments/source/ps1/ps1.ipynb"
    release = folder / "assignments/release/ps1/ps1.ipynb"
    cases = {learner.learner_id: learner for learner in build_class(source, release)}
    for learner_id in learners:
        batch.submit(folder, "ps1", learner_id, cases[learner_id].notebook)
    env = {**shell, "EXOCOURSE_SANDBOX": sandbox}
    graded = subprocess.run([folder / ".venv/bin/nbgrader", "autograde", "ps1"], cwd=folder, env=env,
                            capture_output=True, text=True)
    integrity = subprocess.run(["make", "--no-print-directory", "integrity", "ASSIGNMENT=ps1"], cwd=folder, env=env,
                               capture_output=True, text=True)
    return graded, integrity


def _scores(folder):
    """{learner id: automatic score} read with nbgrader's API; the gradebook must pass SQLite's integrity check."""
    from nbgrader.api import Gradebook

    connection = sqlite3.connect(folder / "grading/gradebook.db")
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    with Gradebook(f"sqlite:///{folder / 'grading/gradebook.db'}") as gradebook:
        return {s.student.id: s.code_score for s in gradebook.find_assignment("ps1").submissions}


@pytest.mark.parametrize("sandbox", ["1", "0"])
def test_honest_learners_are_never_flagged_and_every_hostile_one_is(in_place_course, released, sandbox):
    folder, shell = in_place_course
    if sandbox == "1" and (SKIP_SANDBOX or sandbox_probe()[0] is None):
        if SKIP_SANDBOX:
            pytest.skip("EXOCOURSE_SKIP_SANDBOX=1: sandboxed grading skipped on request (never in CI)")
        pytest.fail(f"no sandbox here ({sandbox_probe()[1]}): make test installs bubblewrap")
    shutil.rmtree(folder / "grading", ignore_errors=True)  # a new term: a new gradebook
    # what `make release ASSIGNMENT=ps1` leaves (generated once per test run; tests/test_instructor_term.py runs
    # `make release` itself in place)
    shutil.rmtree(folder / "assignments/release/ps1", ignore_errors=True)
    released(folder, "ps1")
    protected = {p: p.read_bytes() for p in (folder / "course.yml", folder / "data/datapackage.json")}

    graded, integrity = _grade(folder, shell, list(HONEST), sandbox)
    assert graded.returncode == 0, graded.stderr[-3000:]
    assert _scores(folder) == HONEST
    assert integrity.returncode == 0, integrity.stdout + integrity.stderr
    assert integrity.stdout.strip().splitlines()[-1] == "No submission of ps1 was flagged."

    graded, integrity = _grade(folder, shell, HOSTILE, sandbox)  # nbgrader grades only the new submissions
    flagged = {line.split(": ", 1)[0] for line in integrity.stdout.splitlines() if ": " in line}
    assert flagged == set(HOSTILE), integrity.stdout
    scores = _scores(folder)
    assert {lid: scores[lid] for lid in HONEST} == HONEST  # nothing the hostile learners did changed them
    assert scores["b_writes_gradebook_and_others"] == 7 and scores["a_monkeypatches_grading"] == 4
    assert {p: p.read_bytes() for p in protected} == protected
    if sandbox == "0":
        assert "WARNING: grading WITHOUT the sandbox" in graded.stderr
        writer = next(line for line in integrity.stdout.splitlines() if line.startswith("b_writes"))
        assert "restored after grading — changed the gradebook" in writer
