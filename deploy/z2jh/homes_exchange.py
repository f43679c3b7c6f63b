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

Every home folder on the volume is taken as a learner's, instructors' practice copies included: pass
`--only learners.txt` (one learner id, i.e. home folder name, per line) to collect or return only those.

Learners control everything in their home, symbolic links included, and this script runs in the grader pod,
where the instructor repository (solutions, gradebook) is mounted too. So it never follows a link: a source,
feedback folder or target that resolves outside the learner's home is skipped, linked notebooks are not
collected, and links inside the assignment folder are dropped from the copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from pathlib import Path

SKIP_NAMES = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "feedback")


def _skip(directory: str, names: list[str]) -> set[str]:
    """copytree's ignore: the usual clutter, and every symbolic link (which could point at the grader's files)."""
    return set(SKIP_NAMES(directory, names)) | {name for name in names if Path(directory, name).is_symlink()}


def _inside(path: Path, home: Path) -> bool:
    """Whether `path`, with every link resolved, stays inside the (resolved) home folder."""
    return path.resolve().is_relative_to(home.resolve())


def read_ids(path: Path) -> set[str]:
    """Learner ids from a file: one per line; blank lines and # comments ignored."""
    ids = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.add(line)
    return ids


def learners(homes: Path, only: set[str] | None = None) -> list[Path]:
    """Home folders on the volume: <homes>/home/<escaped user name> (KubeSpawner's {username}); never a link.
    only: the learner ids to keep (None: all)."""
    base = homes / "home"
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir()
                  if p.is_dir() and not p.is_symlink() and (only is None or p.name in only))


def collect(assignment: str, homes: Path, repo: str, course: Path, only: set[str] | None = None) -> dict[str, str]:
    """Copy each learner's <repo>/assignments/<assignment>/ into course/grading/submitted/<learner>/<assignment>/,
    with nbgrader's timestamp.txt set to the newest notebook's modification time. Returns learner -> status."""
    status = {}
    for home in learners(homes, only):
        source = home / repo / "assignments" / assignment
        if (source.exists() or source.is_symlink()) and not _inside(source, home):
            status[home.name] = "skipped: assignment folder links outside the home folder"
            continue
        notebooks = sorted(p for p in source.glob("*.ipynb") if not p.is_symlink()) if source.is_dir() else []
        if not notebooks:
            status[home.name] = "missing"
            continue
        target = course / "grading" / "submitted" / home.name / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=_skip, symlinks=False)
        newest = max(p.stat().st_mtime for p in notebooks)
        stamp = dt.datetime.fromtimestamp(newest, dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
        (target / "timestamp.txt").write_text(stamp, encoding="utf-8")
        status[home.name] = "collected"
    return status


def return_feedback(assignment: str, homes: Path, course: Path, only: set[str] | None = None) -> dict[str, str]:
    """Copy course/grading/feedback/<learner>/<assignment>/ to that learner's ~/feedback/<assignment>/ only."""
    status = {}
    feedback = course / "grading" / "feedback"
    for folder in sorted(feedback.glob(f"*/{assignment}")):
        learner = folder.parent.name
        if only is not None and learner not in only:
            continue
        home = homes / "home" / learner
        if not home.is_dir() or home.is_symlink():
            status[learner] = "no home folder"
            continue
        target = home / "feedback" / assignment
        if (home / "feedback").is_symlink() or target.is_symlink() or not _inside(target, home):
            status[learner] = "skipped: ~/feedback links outside the home folder (remove the link, then return again)"
            continue
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(folder, target, ignore=_skip, symlinks=False)
        status[learner] = "returned"
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["collect", "return"])
    parser.add_argument("assignment")
    parser.add_argument("--homes", type=Path, default=Path("/homes"), help="the whole home volume (default /homes)")
    parser.add_argument("--repo", default="", help="the learner-edition folder name in each home (collect)")
    parser.add_argument("--course", type=Path, default=Path.cwd(), help="the course folder (default: here)")
    parser.add_argument("--only", type=Path, help="a file of learner ids (home folder names), one per line: "
                                                  "collect or return only these (leaves out instructors' copies)")
    args = parser.parse_args(argv)
    only = read_ids(args.only) if args.only else None
    if args.action == "collect":
        if not args.repo:
            parser.error("collect needs --repo (the folder nbgitpuller made in each home)")
        status = collect(args.assignment, args.homes, args.repo, args.course, only)
    else:
        status = return_feedback(args.assignment, args.homes, args.course, only)
    for learner, what in status.items():
        print(f"{learner}: {what}")
    return 0 if status else 1


if __name__ == "__main__":
    sys.exit(main())
