"""Run a whole class through nbgrader: a scratch copy of the course, submissions, autograde in two processes
over disjoint learner groups, feedback. The one batch runner of the hostile-class tests, the benchmarks and the
demo class.

nbgrader autogrades one learner at a time; two processes over disjoint learner groups (learner_groups below)
roughly halve the time on two cores. nbgrader reads nbgrader_config.py from the working folder, so every
command runs from the course root.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import nbformat

from exocourse.grading.env import with_python_on_path

COURSE_ITEMS = ["course.yml", "course.d", "nbgrader_config.py", "assignments/source", "data"]


def scratch_course(root: Path, target: Path) -> Path:
    """Copy what grading needs from the course at `root` into `target` (a new folder)."""
    for item in COURSE_ITEMS:
        source = root / item
        (target / item).parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / item)
    return target


@functools.cache
def _empty_config_folder() -> str:
    """A Jupyter config folder of nothing, so that a personal ~/.jupyter cannot change the grading; removed when
    this process ends."""
    folder = tempfile.mkdtemp(prefix="exocourse-jupyter-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def environment(cell_timeout: int = 5, sandbox: str = "1", **extra: str) -> dict:
    env = with_python_on_path(dict(os.environ))
    env.update({"EXOCOURSE_CELL_TIMEOUT": str(cell_timeout), "EXOCOURSE_SANDBOX": sandbox, **extra})
    env.setdefault("JUPYTER_CONFIG_DIR", _empty_config_folder())
    return env


def nbgrader(course: Path, env: dict, *args: str, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=ERROR"], cwd=course, env=env,
                          capture_output=True, text=True, check=check)


def submit(course: Path, assignment: str, learner_id: str, notebook, extra_files: dict | None = None) -> None:
    """Put a learner's notebook where `nbgrader collect` would: grading/submitted/<learner>/<assignment>/."""
    release = course / "assignments" / "release" / assignment
    folder = course / "grading" / "submitted" / learner_id / assignment
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(release, folder)
    name = next(release.glob("*.ipynb")).name
    nbformat.write(notebook, folder / name)
    for rel, text in (extra_files or {}).items():
        (folder / rel).write_text(text)


PROGRESS_EVERY = 20  # seconds
PROCESSES = 2  # measured: four processes were no faster on 2 cores and made kernel-port collisions likelier


def learner_groups(learner_ids, processes: int = PROCESSES) -> tuple[str, ...]:
    """Disjoint learner-id globs for `processes` nbgrader processes, balanced by the ids' last characters
    (`*[15]`, `*[379]`, …): nbgrader's --student takes one glob, and a glob cannot list ids."""
    counts: dict[str, int] = {}
    for learner_id in learner_ids:
        counts[learner_id[-1]] = counts.get(learner_id[-1], 0) + 1
    bins: list[list[str]] = [[] for _ in range(min(processes, len(counts)) or 1)]
    loads = [0] * len(bins)
    for char, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        smallest = loads.index(min(loads))
        bins[smallest].append(char)
        loads[smallest] += count
    return tuple(f"*[{''.join(sorted(chars))}]" for chars in bins if chars)


def autograde(course: Path, assignments: str | list[str], env: dict, groups: tuple[str, ...] | None = None,
              extra: tuple[str, ...] = (), log_dir: Path | None = None, progress=None) -> float:
    """Autograde every submission of one assignment, or of several in turn, in parallel processes, one per
    learner-id glob (by default PROCESSES balanced groups of the submitted learners); each process goes on to
    the next assignment without waiting for the others. Returns the seconds taken. An assignment id may be a glob,
    as nbgrader's own are ("*": every assignment with submissions, graded by the same process).
    With `log_dir`, process N writes its output to log_dir/autograde-worker-N.log; `progress()`, if given, is
    called every PROGRESS_EVERY seconds while they run.
    Refuses (SystemExit with the explanation) where the sandbox is wanted but does not work: fails closed."""
    from exocourse.grading.sandbox import refusal

    message = refusal(env.get("EXOCOURSE_SANDBOX", "1"))
    if message:
        raise SystemExit(message)
    assignments = [assignments] if isinstance(assignments, str) else list(assignments)
    if groups is None:
        submitted = course / "grading" / "submitted"
        groups = learner_groups({p.parent.name for a in assignments for p in submitted.glob(f"*/{a}")})

    def worker(n: int, group: str) -> None:
        with (tempfile.TemporaryDirectory(prefix=f"exocourse-runtime-{n}-", ignore_cleanup_errors=True) as runtime,
              open(log_dir / f"autograde-worker-{n + 1}.log", "w") if log_dir else open(os.devnull, "w") as log):
            worker_env = {**env, "JUPYTER_RUNTIME_DIR": runtime}
            for assignment in assignments:
                # exit 1 means at least one learner failed; the others are graded all the same, and so is the
                # next assignment
                subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment, f"--student={group}",
                                "--create", "--force", "--log-level=ERROR", *extra],
                               cwd=course, env=worker_env, stdout=log, stderr=subprocess.STDOUT)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        running = [pool.submit(worker, n, group) for n, group in enumerate(groups)]
        while wait(running, timeout=PROGRESS_EVERY).not_done:
            if progress:
                progress()
        for done in running:
            done.result()
    return time.perf_counter() - start


def feedback(course: Path, assignment: str, env: dict) -> None:
    """Feedback for every graded submission of `assignment` (an id or a glob), in one nbgrader process."""
    nbgrader(course, env, "generate_feedback", assignment, "--force")
