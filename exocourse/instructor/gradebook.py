"""What instructor reports read from the nbgrader gradebook: the submissions, with their scores, times and
pending manual grades, and the learners it knows."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path


def db_url_of(root: Path) -> str:
    return f"sqlite:///{Path(root) / 'grading' / 'gradebook.db'}"


def alembic_on_path() -> None:
    """nbgrader runs `alembic` by name when it opens a gradebook: make this Python's bin folder findable."""
    from exocourse.grading.env import with_python_on_path

    os.environ["PATH"] = with_python_on_path(dict(os.environ))["PATH"]


@dataclass
class Submission:
    """What completion needs to know about one submission in the gradebook."""

    score: float
    max_score: float
    timestamp: dt.datetime | None
    needs_manual_grade: bool
    regrade_cells: tuple[str, ...] = ()  # hand-graded before, but the answer changed since: to be graded again


def gradebook_submissions(db_url: str) -> dict[tuple[str, str], Submission]:
    """{(learner id, assignment): Submission} for every submission in the gradebook."""
    from nbgrader.api import Gradebook

    from exocourse.grading.manual_grades import regrade_needed

    alembic_on_path()
    found = {}
    regrade = regrade_needed(db_url)
    with Gradebook(db_url) as gradebook:
        for assignment in gradebook.assignments:
            for sub in assignment.submissions:
                key = (sub.student.id, assignment.name)
                found[key] = Submission(float(sub.score or 0), float(sub.max_score or 0), sub.timestamp,
                                        bool(sub.needs_manual_grade), tuple(regrade.get(key, ())))
    return found


def gradebook_students(db_url: str) -> set[str]:
    """Every learner id the gradebook knows (submitted or not)."""
    from nbgrader.api import Gradebook

    alembic_on_path()
    with Gradebook(db_url) as gradebook:
        return {student.id for student in gradebook.students}
