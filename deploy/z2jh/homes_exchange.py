"""The Zero to JupyterHub exchange: collect work from learners' home folders and return feedback there.

On Zero to JupyterHub every user pod runs with the same UID, so nbgrader's file-system exchange (which relies on
Unix permissions) cannot keep learners apart, and ngshare-exchange cannot be installed beside nbgrader 0.9.x.
Instead each learner pod mounts only its own folder of one shared volume (values.yaml: singleuser.storage, subPath
home/{username}); only the grader pod mounts the whole volume, at /homes. Learners work on the released copy that
nbgitpuller put in their home (<repo>/assignments/<assignment>/); this script, run in the grader pod from the
course folder, copies it into nbgrader's submitted/ folder, and later copies feedback back. Limits: see
deploy/z2jh/README.md ("The exchange").

    python homes_exchange.py collect ps1 --repo exo101-learner        (at the deadline)
    nbgrader autograde ps1 && nbgrader generate_feedback ps1
    python homes_exchange.py return ps1                                (feedback to ~/feedback/ps1/)
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from pathlib import Path

SKIP = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "feedback")


def learners(homes: Path) -> list[Path]:
    """Home folders on the volume: <homes>/home/<escaped user name> (KubeSpawner's {username})."""
    base = homes / "home"
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def collect(assignment: str, homes: Path, repo: str, course: Path) -> dict[str, str]:
    """Copy each learner's <repo>/assignments/<assignment>/ into course/grading/submitted/<learner>/<assignment>/,
    with nbgrader's timestamp.txt set to the newest notebook's modification time. Returns learner -> status."""
    status = {}
    for home in learners(homes):
        source = home / repo / "assignments" / assignment
        notebooks = sorted(source.glob("*.ipynb")) if source.is_dir() else []
        if not notebooks:
            status[home.name] = "missing"
            continue
        target = course / "grading" / "submitted" / home.name / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=SKIP, symlinks=False)
        newest = max(p.stat().st_mtime for p in notebooks)
        stamp = dt.datetime.fromtimestamp(newest, dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
        (target / "timestamp.txt").write_text(stamp, encoding="utf-8")
        status[home.name] = "collected"
    return status


def return_feedback(assignment: str, homes: Path, course: Path) -> dict[str, str]:
    """Copy course/grading/feedback/<learner>/<assignment>/ to that learner's ~/feedback/<assignment>/ only."""
    status = {}
    feedback = course / "grading" / "feedback"
    for folder in sorted(feedback.glob(f"*/{assignment}")):
        learner = folder.parent.name
        home = homes / "home" / learner
        if not home.is_dir() or home.is_symlink():
            status[learner] = "no home folder"
            continue
        target = home / "feedback" / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(folder, target)
        status[learner] = "returned"
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["collect", "return"])
    parser.add_argument("assignment")
    parser.add_argument("--homes", type=Path, default=Path("/homes"), help="the whole home volume (default /homes)")
    parser.add_argument("--repo", default="", help="the learner-edition folder name in each home (collect)")
    parser.add_argument("--course", type=Path, default=Path.cwd(), help="the course folder (default: here)")
    args = parser.parse_args(argv)
    if args.action == "collect":
        if not args.repo:
            parser.error("collect needs --repo (the folder nbgitpuller made in each home)")
        status = collect(args.assignment, args.homes, args.repo, args.course)
    else:
        status = return_feedback(args.assignment, args.homes, args.course)
    for learner, what in status.items():
        print(f"{learner}: {what}")
    return 0 if status else 1


if __name__ == "__main__":
    sys.exit(main())
