"""Grade the generated hostile class of each assignment and print, for the instructor guide and issue notes:
the table of cases with the observed outcome, the integrity report, and the autograde cost per submission with
and without the sandbox (the same six right-answer submissions, same run)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exocourse.grading import batch, integrity  # noqa: E402
from exocourse.grading.fixtures.simulated_class import build_class  # noqa: E402


def grade_class(assignment: str) -> None:
    course = batch.scratch_course(ROOT, Path(tempfile.mkdtemp(prefix="hostile-")))
    env = batch.environment(cell_timeout=5, sandbox="auto")
    batch.nbgrader(course, env, "generate_assignment", assignment, "--force", check=True)
    source = next((course / "assignments/source" / assignment).glob("*.ipynb"))
    release = course / "assignments/release" / assignment / source.name
    learners = build_class(source, release)
    for learner in learners:
        batch.submit(course, assignment, learner.learner_id, learner.notebook)
    seconds = batch.autograde(course, assignment, env)
    report = integrity.report(course, assignment)
    from nbgrader.api import Gradebook

    print(f"\n## {assignment}: hostile class of {len(learners)} graded in {seconds:.1f} s (2 processes, sandbox auto)\n")
    print("| case | expected | observed | flagged | note |\n|---|---|---|---|---|")
    with Gradebook(f"sqlite:///{course / 'grading/gradebook.db'}") as gradebook:
        for learner in learners:
            autograded = course / "grading/autograded" / learner.learner_id / assignment
            observed = gradebook.find_submission(assignment, learner.learner_id).notebooks[0].code_score \
                if autograded.exists() else "failed"
            expected = "failed" if learner.expected_score is None else learner.expected_score
            print(f"| {learner.case} | {expected} | {observed} | {'yes' if learner.learner_id in report else 'no'} "
                  f"| {learner.note} |")
    print("\nIntegrity report:\n")
    for learner_id, reasons in report.items():
        print(f"    {learner_id}: {'; '.join(reasons)}")


def cost(assignment: str, sandbox: str, learners: int = 6) -> float:
    course = batch.scratch_course(ROOT, Path(tempfile.mkdtemp(prefix=f"cost-{sandbox}-")))
    env = batch.environment(cell_timeout=5, sandbox=sandbox)
    batch.nbgrader(course, env, "generate_assignment", assignment, "--force", check=True)
    source = next((course / "assignments/source" / assignment).glob("*.ipynb"))
    release = course / "assignments/release" / assignment / source.name
    correct = next(x for x in build_class(source, release) if x.case == "correct").notebook
    for n in range(learners):
        batch.submit(course, assignment, f"a_{n:02d}", correct)
    return batch.autograde(course, assignment, env, groups=("a_*",)) / learners


if __name__ == "__main__":
    for name in sorted(p.name for p in (ROOT / "assignments/source").iterdir() if p.is_dir()):
        grade_class(name)
        plain, boxed = cost(name, "0"), cost(name, "1")
        print(f"\nAutograde cost per submission ({name}, one process, 6 right answers): "
              f"{plain:.2f} s without the sandbox, {boxed:.2f} s with it ({boxed / plain:.2f}×)")
