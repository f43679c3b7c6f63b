"""Integrity flags that hold a certificate, and the instructor's clearances of them (grading/cleared_flags.csv).

A flag clearance covers the submission whose content was reviewed (a hash of its notebooks): any re-submission
with other content is flagged afresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from exocourse.instructor.gradebook import db_url_of, gradebook_submissions
from exocourse.safe_csv import read_csv, write_csv

CLEARED_COLUMNS = ["learner_id", "assignment", "cleared_by", "reason", "cleared_at", "submission_timestamp",
                   "submission_sha256"]
CLEARED_NAME = "cleared_flags.csv"


def submission_digest(root: Path, learner_id: str, assignment: str) -> str:
    """SHA-256 over the notebooks of a learner's submission (grading/submitted/<learner>/<assignment>/), by name
    and content; "" if there is none. Any change to what the learner handed in changes it."""
    folder = Path(root) / "grading" / "submitted" / learner_id / assignment
    digest = hashlib.sha256()
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if p.is_file()) if folder.is_dir() else []
    for path in notebooks:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest() if notebooks else ""


def integrity_flags(root: Path, assignments: list[str]) -> dict[tuple[str, str], list[str]]:
    """{(learner id, assignment): reasons} from the integrity report of every assignment that has a release."""
    from exocourse.grading import integrity

    flags = {}
    for assignment in assignments:
        if (Path(root) / "assignments" / "release" / assignment).is_dir():
            for learner, reasons in integrity.report(Path(root), assignment).items():
                flags[(learner, assignment)] = reasons
    return flags


def open_flags(flags: dict[tuple[str, str], list[str]], cleared: list[dict],
               digests: dict[tuple[str, str], str]) -> dict[tuple[str, str], list[str]]:
    """Flags no instructor has cleared. A clearance covers the submission whose content was reviewed (the
    `submission_digest` recorded with it): a re-submission with any other content is flagged again, with or
    without submission times. A clearance that names no content covers nothing."""
    done = {(row["learner_id"], row["assignment"]) for row in cleared
            if row.get("submission_sha256") and row["submission_sha256"] == digests.get(
                (row["learner_id"], row["assignment"]))}
    return {key: reasons for key, reasons in flags.items() if key not in done}


def clear_flag(root: Path, learner_id: str, assignment: str, by: str, reason: str, out: Path | None = None) -> dict:
    """Record that an instructor reviewed a flagged submission and released it for completion."""
    if not by.strip() or not reason.strip():
        raise ValueError("Say who clears the flag (--by) and why (--reason): the record is kept for audit.")
    from exocourse.grading.learner_ids import check_learner_id

    check_learner_id(learner_id)
    root = Path(root).resolve()
    grading = Path(out) if out else root / "grading"
    if not (root / "grading" / "gradebook.db").exists():  # never create an empty gradebook by asking
        raise ValueError(f"No gradebook in {root / 'grading'}: nothing to clear.")
    sub = gradebook_submissions(db_url_of(root)).get((learner_id, assignment))
    if sub is None:
        raise ValueError(f"No submission of {assignment} by {learner_id} in the gradebook.")
    digest = submission_digest(root, learner_id, assignment)
    if not digest:
        raise ValueError(f"The notebooks of {learner_id}'s {assignment} are not in grading/submitted/: there is "
                         "nothing to review, so the flag cannot be cleared.")
    row = {"learner_id": learner_id, "assignment": assignment, "cleared_by": by.strip(), "reason": reason.strip(),
           "cleared_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           "submission_timestamp": sub.timestamp.isoformat() if sub.timestamp else "", "submission_sha256": digest}
    path = grading / CLEARED_NAME
    write_csv(path, CLEARED_COLUMNS, [*read_csv(path), row])  # earlier clearances kept; formulas neutralised
    return row
