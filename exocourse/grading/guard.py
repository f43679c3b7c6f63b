"""Nothing lost, even unsandboxed: every learner's code runs between a snapshot and a check.

Without the sandbox (EXOCOURSE_SANDBOX=0) learner code runs with the instructor's rights. So, around the moment
nbgrader executes one learner's notebook, this module

1. snapshots the gradebook with SQLite's online backup API and records its digest;
2. records every file of the course tree (size, times, inode; ctime changes on any write, even one that resets
   mtime) and keeps a copy of each file's content, taken once per run and refreshed only for files that changed
   between learners (nbgrader's own legitimate writes);
3. after the learner's code: checks `PRAGMA integrity_check` and the gradebook's digest (nothing else writes to
   the gradebook while a notebook executes, so any change is the learner's), and the tree;
4. on any change puts the snapshot and the files back, deletes files the code created, records the findings in
   grading/integrity/<assignment>/<learner>.guard.jsonl for the integrity report, and lets grading go on.

The Python environment the grader runs on is too large to copy: it is only watched, and a change to it stops the
whole run (later learners would otherwise be graded by altered code). Exempt: the learner's own autograded copy
(the kernel works there), its runtime audit log, and nbgrader's log file. One unsandboxed grading run at a time
holds the course's grading lock (`exclusive_run`), so no other grader writes during a learner's window.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import sys
import tempfile
from pathlib import Path

GRADEBOOK_SIDE_FILES = ("-journal", "-wal", "-shm")
SKIPPED_DIRS = {"node_modules"}
LOCK_NAME = ".unsandboxed-grading.lock"
_LOCK = None  # the open lock file, held for the life of an unsandboxed autograde process


class EnvironmentTampered(SystemExit):
    """Raised out of nbgrader (not caught as an ordinary error): the grading environment itself was changed."""


def exclusive_run(grading: Path) -> None:
    """Hold the course's grading lock for the rest of this process (waits for another unsandboxed run to end)."""
    global _LOCK
    if _LOCK is not None:
        return
    grading.mkdir(parents=True, exist_ok=True)
    # "a", not "w": a second grader waiting here must not touch the file (it is also exempt from the snapshot)
    handle = open(grading / LOCK_NAME, "a")  # noqa: SIM115 — held until the process ends
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("Waiting for another unsandboxed grading run of this course to finish …", file=sys.stderr)
        fcntl.flock(handle, fcntl.LOCK_EX)
    _LOCK = handle


def _fingerprint(info: os.stat_result) -> tuple:
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns, stat.S_IMODE(info.st_mode))


def _walk(folder: Path, skip: set[Path]) -> dict[Path, tuple]:
    """{path: fingerprint} of every file, folder and symlink below `folder`, not descending into `skip`."""
    found: dict[Path, tuple] = {}
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if path in skip or entry.name in SKIPPED_DIRS:
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(path)
                found[path] = ("dir", stat.S_IMODE(info.st_mode))
            else:
                found[path] = _fingerprint(info)
    return found


def _is_dir(print_: tuple | None) -> bool:
    return bool(print_) and print_[0] == "dir"


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def python_environments(root: Path) -> list[Path]:
    """The Python environment(s) the grader runs on: watched, never copied."""
    found = {Path(sys.prefix).resolve()}
    found |= {p.parent.resolve() for p in root.glob("*/pyvenv.cfg")}
    return sorted(found)


class Snapshot:
    """One course's gradebook and files, around one learner's code at a time."""

    def __init__(self, root: Path, gradebook: Path):
        self.root = root.resolve()
        self.gradebook = gradebook.resolve()
        self.grading = self.gradebook.parent
        self.environments = python_environments(self.root)
        self.store = Path(tempfile.mkdtemp(prefix="exocourse-guard-"))
        atexit.register(shutil.rmtree, self.store, True)
        self.stored: dict[Path, tuple] = {}  # path → fingerprint of the copy in the store
        self.window: dict | None = None
        self.started: set[tuple[str, str]] = set()  # (learner, assignment) whose old guard log was cleared

    # ------------------------------------------------------------------------------------------ before ---
    def _exempt(self, learner: str, assignment: str) -> set[Path]:
        return {self.grading / "autograded" / learner, self.grading / "integrity" / assignment / f"{learner}.jsonl",
                self.gradebook, *(Path(f"{self.gradebook}{end}") for end in GRADEBOOK_SIDE_FILES),
                self.root / ".nbgrader.log", self.grading / LOCK_NAME, self.store, *self.environments}

    def guard_log(self, learner: str, assignment: str) -> Path:
        return self.grading / "integrity" / assignment / f"{learner}.guard.jsonl"

    def before(self, learner: str, assignment: str) -> None:
        if (learner, assignment) not in self.started:  # a re-grade starts with a clean record
            self.started.add((learner, assignment))
            self.guard_log(learner, assignment).unlink(missing_ok=True)
        exempt = self._exempt(learner, assignment)
        # the folders the kernel and nbgrader write into exist before the learner's code runs
        (self.grading / "integrity" / assignment).mkdir(parents=True, exist_ok=True)
        files = _walk(self.root, exempt)
        for path, print_ in files.items():  # keep the store equal to the tree as it is now
            if not _is_dir(print_) and self.stored.get(path) != print_:
                copy = self.store / path.relative_to(self.root)
                copy.parent.mkdir(parents=True, exist_ok=True)
                if copy.is_symlink() or copy.exists():
                    copy.unlink()
                shutil.copy2(path, copy, follow_symlinks=False)
                self.stored[path] = print_
        backup = self.store / ".gradebook-snapshot.db"
        if self.gradebook.exists():
            source, target = sqlite3.connect(self.gradebook), sqlite3.connect(backup)
            with target:
                source.backup(target)
            source.close()
            target.close()
        self.window = {"learner": learner, "assignment": assignment, "exempt": exempt, "files": files,
                       "gradebook": _digest(self.gradebook), "side_files": self._side_files(),
                       "environments": self._environment_prints()}

    def _environment_prints(self) -> dict[Path, tuple]:
        prints: dict[Path, tuple] = {}
        for env in self.environments:
            prints.update(_walk(env, set()))
        return prints

    def _side_files(self) -> set[str]:
        return {end for end in GRADEBOOK_SIDE_FILES if Path(f"{self.gradebook}{end}").exists()}

    # ------------------------------------------------------------------------------------------- after ---
    def after(self) -> list[str]:
        """Check, restore and report. Returns the findings (empty when nothing was touched)."""
        window, self.window = self.window, None
        if window is None:
            return []
        findings = self._check_gradebook(window) + self._check_tree(window)
        env_now = self._environment_prints()
        changed_env = sorted(str(p) for p in set(window["environments"]) | set(env_now)
                             if window["environments"].get(p) != env_now.get(p))
        if findings or changed_env:
            log = self.guard_log(window["learner"], window["assignment"])
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as handle:
                for finding in findings + [f"changed the grading environment: {p}" for p in changed_env[:5]]:
                    handle.write(json.dumps({"kind": "restored after grading", "detail": finding}) + "\n")
        if changed_env:
            raise EnvironmentTampered(
                f"error: grading stopped — while {window['learner']}'s {window['assignment']} ran unsandboxed, "
                f"the Python environment the grader runs on changed ({changed_env[0]}"
                f"{f' and {len(changed_env) - 1} more' if len(changed_env) > 1 else ''}). Later learners would be "
                "graded by altered code. Reinstall the environment (rm -rf .venv && make lab), then grade in the "
                "sandbox. The gradebook and course files were checked and restored.")
        return findings

    def _check_gradebook(self, window: dict) -> list[str]:
        problems = []
        if _digest(self.gradebook) != window["gradebook"] or self._side_files() - window["side_files"]:
            problems.append("changed the gradebook")
        elif window["gradebook"] is not None:
            try:
                connection = sqlite3.connect(f"file:{self.gradebook}?mode=ro", uri=True)
                ok = connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                connection.close()
            except sqlite3.Error:
                ok = False
            if not ok:
                problems.append("gradebook fails its integrity check")
        if problems:
            for end in GRADEBOOK_SIDE_FILES:
                Path(f"{self.gradebook}{end}").unlink(missing_ok=True)
            if window["gradebook"] is None:
                self.gradebook.unlink(missing_ok=True)
            else:
                staged = self.gradebook.with_name(self.gradebook.name + ".restoring")
                shutil.copyfile(self.store / ".gradebook-snapshot.db", staged)
                os.replace(staged, self.gradebook)  # a new file: a lock held on the old one no longer matters
        return problems

    def _check_tree(self, window: dict) -> list[str]:
        now = _walk(self.root, window["exempt"])
        before = window["files"]
        findings = []
        # shallow first, so a replaced folder is rebuilt before the files inside it are put back
        for path in sorted(set(before) | set(now), key=lambda p: (len(p.parts), str(p))):
            old, new = before.get(path), now.get(path)
            if old == new:
                continue
            rel = path.relative_to(self.root).as_posix()
            if old is None:
                if any(path == e or path in e.parents for e in window["exempt"]):
                    continue  # a folder on the way to an exempt file (the kernel's own log, say)
                findings.append(f"created {rel}")
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            elif _is_dir(old):
                findings.append(f"changed folder {rel}")
                if path.is_symlink() or (path.exists() and not path.is_dir()):
                    path.unlink()
                path.mkdir(parents=True, exist_ok=True)
                path.chmod(old[1])
            else:
                findings.append(f"{'deleted' if new is None else 'changed'} {rel}")
                self._restore(path)
        return findings

    def _restore(self, path: Path) -> None:
        copy = self.store / path.relative_to(self.root)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        shutil.copy2(copy, path, follow_symlinks=False)
        self.stored[path] = _fingerprint(path.lstat())
