"""Hand grades survive a re-grade when the answer they were given for has not changed.

nbgrader's `autograde --force` marks every hand-graded answer "needs manual grade" again (by design, in
SaveAutoGrades: a grade given before is to be reviewed). Left alone, that holds every completer's certificate until
an instructor re-confirms each grade in formgrader. So the course keeps a ledger, `grading/manual_grades.csv`:
for each confirmed hand grade (a manual score that no longer needs grading) the SHA-256 of the answer it was given
for. The ledger is brought up to date before every `nbgrader autograde` (while the graded copies still exist) and
by every completion report. After nbgrader saves the new automatic grades, `ReconfirmManualGrades` (in the
autograde preprocessors, nbgrader_config.py) confirms again each hand grade whose answer text is unchanged; a
changed answer stays "needs manual grade", and the completion report names it.

The answer a grade is for: a written answer is its own cell; for an automatic check the instructor overrode by
hand, it is every answer cell of the notebook (any answer can change what the check sees).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from exocourse.safe_csv import read_csv, write_csv

LEDGER_NAME = "manual_grades.csv"
COLUMNS = ["learner_id", "assignment", "notebook", "cell", "answer_sha256", "manual_score", "confirmed_at"]


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def answer_digest(cells: list, grade_id: str) -> str | None:
    """SHA-256 of the answer the grade `grade_id` is for, from a notebook's cells; None if no such grade cell."""
    grade_cell = next((c for c in cells if _nbgrader(c).get("grade_id") == grade_id), None)
    if grade_cell is None:
        return None
    if _nbgrader(grade_cell).get("solution"):
        answers = [grade_cell]
    else:
        answers = [c for c in cells if _nbgrader(c).get("solution")]
    text = "\x1e".join(str(c.get("source", "")) for c in answers)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ledger_path(grading: Path) -> Path:
    return Path(grading) / LEDGER_NAME


def read_ledger(grading: Path) -> dict[tuple[str, str, str, str], dict]:
    """{(learner, assignment, notebook, cell): row} from the ledger (the last row for a key wins)."""
    return {(r["learner_id"], r["assignment"], r["notebook"], r["cell"]): r for r in read_csv(ledger_path(grading))}


def _score(value) -> str:
    return f"{float(value):g}"


def record(grading: Path, db_url: str) -> int:
    """Add to the ledger every confirmed hand grade whose graded copy is still in grading/autograded/.
    Returns how many rows were added or changed."""
    from nbgrader.api import Gradebook

    grading = Path(grading)
    ledger = read_ledger(grading)
    changed = 0
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with Gradebook(db_url) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                learner = submission.student.id
                for notebook in submission.notebooks:
                    graded = [g for g in notebook.grades if g.manual_score is not None and not g.needs_manual_grade]
                    if not graded:
                        continue
                    path = grading / "autograded" / learner / assignment.name / f"{notebook.name}.ipynb"
                    try:
                        cells = nbformat.read(path, as_version=4).cells
                    except (OSError, ValueError):
                        continue
                    for grade in graded:
                        digest = answer_digest(cells, grade.name)
                        key = (learner, assignment.name, notebook.name, grade.name)
                        old = ledger.get(key)
                        if digest is None or (old and old["answer_sha256"] == digest
                                              and old["manual_score"] == _score(grade.manual_score)):
                            continue
                        ledger[key] = dict(zip(COLUMNS, [*key, digest, _score(grade.manual_score), now], strict=True))
                        changed += 1
    if changed:
        write_csv(ledger_path(grading), COLUMNS, [ledger[k] for k in sorted(ledger)])
    return changed


def regrade_needed(db_url: str) -> dict[tuple[str, str], list[str]]:
    """{(learner, assignment): cells} whose earlier hand grade waits to be confirmed again (its answer changed)."""
    from nbgrader.api import Gradebook

    found: dict[tuple[str, str], list[str]] = {}
    with Gradebook(db_url) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.needs_manual_grade and grade.manual_score is not None:
                            found.setdefault((submission.student.id, assignment.name), []).append(grade.name)
    return {key: sorted(cells) for key, cells in found.items()}


class ReconfirmManualGrades(NbGraderPreprocessor):
    """After SaveAutoGrades: confirm again each hand grade whose answer is unchanged since it was confirmed."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook, MissingEntry

        info = resources["nbgrader"]
        db_url = info["db_url"]
        grading = Path(db_url.removeprefix("sqlite:///")).parent
        ledger = read_ledger(grading)
        kept, changed = [], []
        with Gradebook(db_url) as gradebook:
            for cell in nb.cells:
                grade_id = _nbgrader(cell).get("grade_id")
                if not grade_id or not _nbgrader(cell).get("grade"):
                    continue
                try:
                    grade = gradebook.find_grade(grade_id, info["notebook"], info["assignment"], info["student"])
                except MissingEntry:
                    continue
                if not grade.needs_manual_grade or grade.manual_score is None:
                    continue
                row = ledger.get((info["student"], info["assignment"], info["notebook"], grade_id))
                if row and row["answer_sha256"] == answer_digest(nb.cells, grade_id) \
                        and row["manual_score"] == _score(grade.manual_score):
                    grade.needs_manual_grade = False
                    kept.append(grade_id)
                else:
                    changed.append(grade_id)
            gradebook.db.commit()
        who = f"{info['student']} {info['assignment']}"
        if kept:
            self.log.info("%s: hand grade(s) of %s kept: the answers are unchanged since they were graded",
                          who, ", ".join(kept))
        if changed:
            self.log.warning("%s: %s changed since it was hand-graded (or was graded before this ledger existed): "
                             "grade it again in formgrader", who, ", ".join(changed))
        return nb, resources
