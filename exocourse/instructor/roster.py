"""The CE roster the program supplies (grading/ce_roster.csv: columns learner_id, legal_name, licence_number): the
legal names and licence numbers certificates print, never taken from git. Checked in full before anything is
written."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from exocourse.safe_csv import write_csv

ROSTER_COLUMNS = ["learner_id", "legal_name", "licence_number"]
ROSTER_NAME = "ce_roster.csv"


class RosterError(ValueError):
    """The roster cannot be used as it is. The message lists every problem with its row number."""


def _roster_text(path: Path) -> tuple[str, str | None]:
    """The roster's text and, when it was not UTF-8, a note saying how it was read."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig"), None  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")  # Excel's plain "CSV" on Windows
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text, (f"note: {path} is not UTF-8; it was read as Windows Latin-1 (Excel's plain \"CSV\"). Check "
                  "that accented names print right on the certificates, or save the roster as \"CSV UTF-8\".")


def read_roster(path: Path, known: set[str] | None = None, notes: list[str] | None = None) -> dict[str, dict]:
    """{learner id: roster row} from the CE program's roster CSV, checked before anything is written: the columns,
    a valid and unique id and a legal name on every row, and (given `known`, the gradebook's learner ids) no id the
    gradebook does not know. Every problem is reported with its row number (the header is row 1); nothing is
    returned until the roster is fixed. A note about the encoding goes to `notes`."""
    from exocourse.grading.learner_ids import LearnerIdError, check_learner_id

    text, note = _roster_text(path)
    if note and notes is not None:
        notes.append(note)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in ROSTER_COLUMNS if c not in columns]
    if missing:
        found = ", ".join(repr(c) for c in columns) or "no header row"
        raise RosterError(f"Roster {path} lacks the column(s) {', '.join(missing)} (found: {found}); it needs "
                          f"the columns {', '.join(ROSTER_COLUMNS)}.")
    problems: list[str] = []
    roster: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue  # a blank line
        learner_id = row.get("learner_id", "")
        try:
            check_learner_id(learner_id)
        except LearnerIdError as problem:
            problems.append(f"row {number}: {problem}" if learner_id else f"row {number}: learner_id is blank")
            continue
        if not row.get("legal_name"):
            problems.append(f"row {number}: legal_name is blank for {learner_id}")
        if learner_id in first_row:
            problems.append(f"row {number}: learner id {learner_id} appears again (first on row "
                            f"{first_row[learner_id]}); a certificate could go to the wrong name")
            continue
        first_row[learner_id] = number
        if known is not None and learner_id not in known:
            problems.append(f"row {number}: learner id {learner_id} is not in the gradebook (check the spelling; "
                            "on TLJH ids start with jupyter-)")
        roster[learner_id] = row
    if not roster and not problems:
        problems.append("the roster has no learners")
    if problems:
        raise RosterError(f"Roster {path}: " + "; ".join(problems) + ". Nothing was written; fix the roster and run "
                          "the report again.")
    return roster


def write_roster(path: Path, roster: dict[str, dict]) -> None:
    write_csv(path, ROSTER_COLUMNS, [{"learner_id": learner_id, **roster[learner_id]} for learner_id in sorted(roster)])


def default_roster(root: Path) -> Path:
    """The CE roster the program supplies: $EXOCOURSE_ROSTER, else grading/ce_roster.csv (git-ignored)."""
    return Path(os.environ.get("EXOCOURSE_ROSTER") or root / "grading" / ROSTER_NAME)
