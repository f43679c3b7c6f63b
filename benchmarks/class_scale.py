"""How long a whole class takes to autograde: N synthetic learners of one assignment, graded in the sandbox by
two nbgrader processes over disjoint learners, next to nbgrader's own floor measured in the same run.

    make benchmark-class N=300 [ASSIGNMENT=ps1]        (a benchmark that prints figures, not a test)

The class mixes right (40 %), partly right (40 %) and hostile (20 %: patched grading code, an input transformer,
writes to the gradebook and other learners' work, reads of another learner's work) submissions, built from the
assignment's source by exocourse.grading.fixtures.simulated_class. The floor is an assignment holding one empty cell, graded for
min(N, 60) learners with the same configuration and processes. Printed: seconds per submission, wall time,
the ratio to the floor, and whether every learner got exactly the expected score (and every hostile one a flag).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import nbformat

from exocourse.grading import batch, integrity
from exocourse.grading.fixtures.simulated_class import build_class

ROOT = Path(__file__).resolve().parent.parent
MIX = ["correct", "partly_right", "correct", "partly_right", "monkeypatches_grading",
       "correct", "partly_right", "correct", "partly_right", "input_transformer",
       "correct", "partly_right", "correct", "partly_right", "writes_gradebook_and_others",
       "correct", "partly_right", "correct", "partly_right", "reads_other_learner"]


def _class(course: Path, assignment: str, learners: int) -> dict:
    """Submit `learners` synthetic learners (ids a_0001, b_0002, …); returns {id: Learner}."""
    source = next((course / "assignments/source" / assignment).glob("*.ipynb"))
    release = course / "assignments/release" / assignment / source.name
    cases = {learner.case: learner for learner in build_class(source, release)}
    chosen = {}
    for n in range(1, learners + 1):
        learner = cases[MIX[(n - 1) % len(MIX)]]
        learner_id = f"{'ab'[n % 2]}_{n:04d}"
        batch.submit(course, assignment, learner_id, learner.notebook)
        chosen[learner_id] = learner
    return chosen


def _floor(course: Path, env: dict, learners: int) -> float:
    folder = course / "assignments/source/floor"
    folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")]), folder / "floor.ipynb")
    batch.nbgrader(course, env, "generate_assignment", "floor", "--force", check=True)
    for n in range(1, learners + 1):
        batch.submit(course, "floor", f"{'ab'[n % 2]}_{n:04d}",
                        nbformat.read(course / "assignments/release/floor/floor.ipynb", as_version=4))
    return batch.autograde(course, "floor", env) / learners


def _scores(course: Path, assignment: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'grading/gradebook.db'}") as gradebook:
        return {s.student.id: s.code_score for s in gradebook.find_assignment(assignment).submissions}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", "-n", type=int, default=300)
    parser.add_argument("--assignment", default="ps1")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="exocourse-class-scale-") as scratch:
        course = batch.scratch_course(ROOT, Path(scratch) / "course")
        env = batch.environment(cell_timeout=10, sandbox="1")
        batch.nbgrader(course, env, "generate_assignment", args.assignment, "--force", check=True)
        learners = _class(course, args.assignment, args.learners)
        wall = batch.autograde(course, args.assignment, env)
        scores = _scores(course, args.assignment)
        flagged = set(integrity.report(course, args.assignment))
        floor_learners = min(args.learners, 60)
        floor = _floor(course, env, floor_learners)
    per = wall / args.learners
    right = sum(scores.get(lid) == learner.expected_score for lid, learner in learners.items())
    flags_right = flagged == {lid for lid, learner in learners.items() if learner.flagged}
    print(f"## Class-scale autograde: {args.learners} learners of {args.assignment}, sandboxed, two processes")
    print(f"wall time: {wall:.1f} s ({wall / 60:.1f} min); {per:.2f} s per submission")
    print(f"nbgrader floor (one empty cell, {floor_learners} learners, same run and processes): {floor:.2f} s per "
          f"submission; ratio {per / floor:.2f}x")
    print(f"exact expected score: {right} of {args.learners}; hostile learners flagged exactly: "
          f"{'yes' if flags_right else 'NO'} ({len(flagged)} flagged)")
    return 0 if right == args.learners and flags_right else 1


if __name__ == "__main__":
    sys.exit(main())
