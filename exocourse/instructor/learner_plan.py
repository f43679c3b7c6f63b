"""What forgetting one learner removes (exocourse.instructor.learner_data): each of their entries found by its exact
place, never by a pattern, and checked again to be plainly theirs; their rows in every CSV; their record in the
gradebook and its backups. Nothing is changed here."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from exocourse.grading.learner_ids import LearnerIdError, check_learner_id

ID_COLUMNS = ("learner_id", "student_id", "learner", "id")


@dataclass
class Plan:
    """What forgetting one learner removes."""

    learner_id: str
    paths: list[Path] = field(default_factory=list)
    csv_rows: dict[Path, int] = field(default_factory=dict)
    rewrites: list[Path] = field(default_factory=list)  # reports rebuilt from the gradebook without the learner
    in_gradebook: bool = False
    gradebook_submissions: int = 0
    earned_credit: bool = False
    not_removed: list[Path] = field(default_factory=list)  # refused by the file system (a hub exchange, usually)
    backups: list[Path] = field(default_factory=list)  # gradebook backups in grading/backups/ that hold the learner
    evaluation_summary: list[Path] = field(default_factory=list)  # rebuilt without the learner's evaluation

    def empty(self) -> bool:
        return not (self.paths or self.csv_rows or self.in_gradebook or self.backups)


LEARNER_FOLDERS = ("submitted", "autograded", "feedback", "certificates")


def _exchange_entries(folder: Path, learner_id: str) -> list[Path]:
    """nbgrader names exchange and cache entries `<learner>+<assignment>+<time>[+<random>]`: split, compare exactly
    (never a glob: `?` or `[…]` in an id must not match another learner)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.split("+")[0] == learner_id and p.name.count("+") >= 2)


def _learner_paths(grading: Path, learner_id: str, course_id: str) -> list[Path]:
    """The learner's own entries, each found by its exact place: <folder>/<id>/ for submitted, autograded, feedback
    and certificates; integrity/<assignment>/<id>.jsonl and .guard.jsonl; their entries in the local exchange's
    inbound folder. Nothing else under grading/ (not the demo class)."""
    found = [grading / folder / learner_id for folder in LEARNER_FOLDERS
             if (grading / folder / learner_id).is_dir() and not (grading / folder / learner_id).is_symlink()]
    integrity = grading / "integrity"
    if integrity.is_dir():
        for assignment in sorted(p for p in integrity.iterdir() if p.is_dir()):
            found += [assignment / f"{learner_id}{end}" for end in (".jsonl", ".guard.jsonl")
                      if (assignment / f"{learner_id}{end}").is_file()]
    found += _exchange_entries(grading / "exchange" / course_id / "inbound", learner_id) if course_id else []
    archives = grading / "feedback-archive"  # <assignment>/<id>_<assignment>_feedback.zip (make feedback-archive)
    if archives.is_dir():
        for assignment in sorted(p for p in archives.iterdir() if p.is_dir()):
            own = assignment / f"{learner_id}_{assignment.name}_feedback.zip"
            found += [own] if own.is_file() else []
    return found


def own_entry(path: Path, learner_id: str, grading: Path, exchange_courses: list[Path]) -> bool:
    """Whether `path` is plainly one of the learner's own entries: grading/<folder>/<id>,
    grading/integrity/<assignment>/<id>.jsonl|.guard.jsonl, an `<id>+…` entry in an exchange's inbound folder, or
    a feedback page in an exchange's feedback folder (found by the learner's own secret)."""
    parent, name = path.parent, path.name
    if parent.parent == grading and parent.name in LEARNER_FOLDERS and name == learner_id:
        return True
    if parent.parent == grading / "integrity" and name in (f"{learner_id}.jsonl", f"{learner_id}.guard.jsonl"):
        return True
    if parent.parent == grading / "feedback-archive" and name == f"{learner_id}_{parent.name}_feedback.zip":
        return True
    inboxes = [course / "inbound" for course in exchange_courses]
    if parent in inboxes and name.split("+")[0] == learner_id and name.count("+") >= 2:
        return True
    return parent in [course / "feedback" for course in exchange_courses] and name.endswith(".html")


def _released_feedback(grading: Path, learner_id: str, exchange_course: Path) -> list[Path]:
    """The learner's feedback in the exchange is named by a hash of their submission secret, not their id."""
    from nbgrader.utils import notebook_hash

    found = []
    exchange_feedback = exchange_course / "feedback"
    if not exchange_feedback.is_dir():
        return found
    for secret in (grading / "feedback" / learner_id).glob("*/submission_secret.txt"):
        for html in secret.parent.glob("*.html"):
            target = exchange_feedback / f"{notebook_hash(secret=secret.read_text(), notebook_id=html.stem)}.html"
            if target.exists():
                found.append(target)
    return found


def _csv_files(grading: Path, roster: Path | None) -> list[Path]:
    """The course's CSV reports and rosters, not those of the demo class (a scratch course of its own)."""
    from exocourse.instructor.demo_class import MARKER

    demos = {p.parent for p in grading.rglob(MARKER)}
    files = sorted(p for p in grading.rglob("*.csv") if p.is_file() and not demos & set(p.parents))
    if roster and roster.exists() and roster.resolve() not in {p.resolve() for p in files}:
        files.append(roster)
    return files


def rows_without(path: Path, learner_id: str) -> tuple[list[str], list[dict], int]:
    """(the CSV's columns, its rows without `learner_id`'s, how many rows that leaves out)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    column = next((c for c in ID_COLUMNS if c in fields), None)
    if column is None:
        return fields, rows, 0
    keep = [row for row in rows if (row.get(column) or "").strip() != learner_id]  # " alice " is alice too
    return fields, keep, len(rows) - len(keep)


def plan(root: Path, learner_id: str, roster: Path | None = None, exchange: Path | None = None) -> Plan:
    """Everything `forget` would remove for `learner_id` in the course at `root` (nothing is changed).
    `exchange`: the nbgrader exchange root when it lives outside grading/ (on a hub, e.g. /srv/nbgrader/exchange)."""
    from exocourse.instructor.gradebook import alembic_on_path, db_url_of

    root = Path(root).resolve()
    grading = root / "grading"
    course_id = _course_id(root)
    assignments = {p.name for p in (root / "assignments" / "source").iterdir() if p.is_dir()} \
        if (root / "assignments" / "source").is_dir() else set()
    check_learner_id(learner_id, reserved=assignments | ({course_id} if course_id else set()))
    result = Plan(learner_id)
    if grading.is_dir():
        result.paths = _released_feedback(grading, learner_id, grading / "exchange" / course_id) + \
            _learner_paths(grading, learner_id, course_id)
        if exchange and (Path(exchange) / course_id).is_dir() and \
                Path(exchange).resolve() != (grading / "exchange").resolve():
            hub_course = Path(exchange) / course_id
            result.paths += _released_feedback(grading, learner_id, hub_course)
            result.paths += _exchange_entries(hub_course / "inbound", learner_id)
        for path in _csv_files(grading, roster):
            fields, rows, removed = rows_without(path, learner_id)
            if removed:
                result.csv_rows[path] = removed
                if path.name == "knowledge_gain.csv":  # its .md and .html list learners too: rebuilt after
                    result.rewrites = [p for p in (path, path.with_suffix(".md"), path.with_suffix(".html"))
                                       if p.exists()]
                if path.name == "completion_report.csv":
                    _f, all_rows, _n = rows_without(path, "\0")
                    result.earned_credit = any((r.get("learner_id") or "").strip() == learner_id and r.get("completed") == "yes"
                                               for r in all_rows)
    elif roster and roster.exists():
        _fields, _rows, removed = rows_without(roster, learner_id)
        if removed:
            result.csv_rows[roster] = removed
    from exocourse.instructor import backups

    result.backups = [p for p in backups.gradebook_backups(root) if backups.holds_learner(p, learner_id)]
    evaluation = _evaluation_id(root)
    if evaluation and (grading / "submitted" / learner_id / evaluation).is_dir():
        result.evaluation_summary = [p for p in (grading / "evaluation_summary.csv", grading / "evaluation_summary.md")
                                     if p.exists()]
    courses = [grading / "exchange" / course_id] + ([Path(exchange) / course_id] if exchange else [])
    strays = [p for p in result.paths if not own_entry(p, learner_id, grading, courses)]
    if strays:  # a second lock on the door: never delete what is not plainly this learner's own
        raise LearnerIdError(f"Refusing: {strays[0]} is not one of {learner_id}'s own entries; nothing was done.")
    if (grading / "gradebook.db").exists():
        from nbgrader.api import Gradebook, MissingEntry

        alembic_on_path()
        with Gradebook(db_url_of(root)) as gradebook:
            try:
                student = gradebook.find_student(learner_id)
            except MissingEntry:
                pass
            else:
                result.in_gradebook = True
                result.gradebook_submissions = len(student.submissions)
    return result


def _course_id(root: Path) -> str:
    import yaml

    try:
        return str(yaml.safe_load((root / "course.yml").read_text(encoding="utf-8"))["course_id"])
    except (OSError, KeyError, TypeError):
        return ""


def _evaluation_id(root: Path) -> str:
    import yaml

    try:
        return str((yaml.safe_load((root / "course.yml").read_text(encoding="utf-8")).get("ce") or {})
                   .get("evaluation") or "")
    except (OSError, AttributeError):
        return ""
