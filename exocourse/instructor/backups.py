"""Backups of the gradebook, taken consistently while nbgrader may be writing, and kept where forgetting a learner
reaches them.

    make backup                                   (or: python -m exocourse.instructor.backups)

writes grading/backups/gradebook-<UTC time>.db with SQLite's online backup API (never `cp` of a live database).
grading/ is git-ignored and holds all learner data; keep it in the machine's or hub's regular backup, not in the
repository. `make forget-learner` removes the learner from every backup here too (see learner_data.py).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

FOLDER = "backups"


def folder(root: Path) -> Path:
    return Path(root) / "grading" / FOLDER


def backup(root: Path) -> Path:
    """A consistent copy of grading/gradebook.db in grading/backups/, readable only by its owner."""
    source_path = Path(root) / "grading" / "gradebook.db"
    if not source_path.exists():
        raise FileNotFoundError(0, "no gradebook to back up", str(source_path))
    target = folder(root) / f"gradebook-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.db"
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    target.chmod(0o600)
    return target


def gradebook_backups(root: Path) -> list[Path]:
    return sorted(folder(root).glob("*.db"))


def holds_learner(path: Path, learner_id: str) -> bool:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT 1 FROM student WHERE id = ?", (learner_id,)).fetchone() is not None
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


def remove_learner(path: Path, learner_id: str) -> None:
    """The learner and all their submissions out of one backup, then the file rebuilt so nothing is recoverable."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{path}") as gradebook:
        gradebook.remove_student(learner_id)
    connection = sqlite3.connect(path)
    connection.execute("VACUUM")
    connection.close()


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0]) if argv else Path.cwd()
    target = backup(root)
    print(f"Backed up the gradebook to {target} ({len(gradebook_backups(root))} backup(s) in {target.parent}).")
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
