"""Shared fixtures. Tests never read a developer's own Jupyter configuration."""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Before anything imports jupyter_core: a private config folder, so ~/.jupyter cannot change results.
_JUPYTER_HOME = tempfile.mkdtemp(prefix="exocourse-jupyter-")
atexit.register(shutil.rmtree, _JUPYTER_HOME, ignore_errors=True)
os.environ["JUPYTER_CONFIG_DIR"] = str(Path(_JUPYTER_HOME) / "config")
os.environ["JUPYTER_DATA_DIR"] = str(Path(_JUPYTER_HOME) / "data")
os.environ["JUPYTER_RUNTIME_DIR"] = str(Path(_JUPYTER_HOME) / "runtime")
os.environ["EXOCOURSE_ROOT"] = str(ROOT)
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


# ------------------------------------------------------------------------------------ test scheduling ---
# xdist's loadgroup hands out groups largest first by number of tests, so the in-place group (3 tests, 260 s of
# one worker) started at 378 s of a 640 s run and ran on after the other worker had finished. The long groups go
# first, in this order (worker-seconds measured on 2026-12-06: in-place 250, browser 200, demo class 150, then
# 35-75 each; the first two start together on the two workers; notebooks comes early because in CI it also holds
# the ~60 s learner-environment test); every other scope keeps xdist's order. The real-hub test (CI, or
# EXOCOURSE_HUB_TEST=1) is one ungrouped test of ~25-30 s: its scope is its node id.
LONG_GROUPS_FIRST = ["browser", "in-place", "demo_class", "notebooks", "hostile-sandboxed_attacks",
                     "hostile-unsandboxed", "nbgrader", "hostile-sandboxed_honest",
                     "tests/test_hub.py::test_course_on_a_real_hub"]


def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    def rank(scope: str) -> int:
        return LONG_GROUPS_FIRST.index(scope) if scope in LONG_GROUPS_FIRST else len(LONG_GROUPS_FIRST)

    class LongGroupsFirst(LoadGroupScheduling):
        ranked = False

        def _assign_work_unit(self, node) -> None:
            if not self.ranked:  # the queue is complete before the first unit is handed out
                queue = sorted(self.workqueue.items(), key=lambda item: rank(item[0]))  # stable: xdist's order
                self.workqueue.clear()
                self.workqueue.update(queue)
                self.ranked = True
            super()._assign_work_unit(node)

    return LongGroupsFirst(config, log)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def lesson_files() -> list[Path]:
    return sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def source_assignments() -> list[Path]:
    return sorted((ROOT / "assignments" / "source").glob("*/*.ipynb"))


# One learner edition per run, and each lesson executed once, from inside it (what a learner runs), shared by
# tests/test_notebooks.py and tests/test_learner_edition.py: both are in the xdist group "notebooks".
NOTEBOOKS_GROUP = "notebooks"


@pytest.fixture(scope="session")
def edition(tmp_path_factory) -> Path:
    from exocourse.build.learner_edition import build

    return build(tmp_path_factory.mktemp("edition") / "learner-edition", ROOT)


@pytest.fixture(scope="session")
def executed_lessons(edition):
    """{lesson stem: executed notebook}: each lesson run top to bottom once, from inside the learner edition."""
    import nbformat
    from nbclient import NotebookClient

    cache: dict = {}

    def run(stem: str):
        if stem not in cache:
            path = edition / "lessons" / f"{stem}.ipynb"
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=60, kernel_name="python3", store_widget_state=True,
                           resources={"metadata": {"path": str(path.parent)}}).execute(
                env={**os.environ, "EXOCOURSE_ROOT": str(edition)})
            cache[stem] = nb
        return cache[stem]

    return run


def pytest_terminal_summary(terminalreporter):
    """Content review age is reported here, not failed on (DESIGN section 3)."""
    from exocourse import manifest

    due = manifest.review_due_report(manifest.load_manifest(ROOT))  # lessons, then CE review and expiry dates
    terminalreporter.write_sep("-", "content review")
    if due:
        for line in due:
            terminalreporter.write_line(f"{line} (make review-due)")
    else:
        terminalreporter.write_line("every lesson and the CE dates were reviewed within the last 365 days")


# ------------------------------------------------------------------------------------------- releases ---
def shared_folder(tmp_path_factory) -> Path:
    """A folder of this test run that every xdist worker sees (the run's base folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _release_key() -> str:
    """A digest of what `nbgrader generate_assignment` reads: the assignments' sources, the nbgrader and course
    configuration."""
    paths = [*(ROOT / "assignments/source").rglob("*"), ROOT / "nbgrader_config.py", ROOT / "course.yml",
             *(ROOT / "course.d").rglob("*")]
    digest = hashlib.sha256()
    for path in sorted(p for p in paths if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """released(course, *assignments): puts into a new scratch course (exocourse.grading.batch.scratch_course)
    the release of each of `assignments` and a gradebook that knows every assignment of the course, as
    `nbgrader generate_assignment` leaves them. Every assignment is generated once per test run, by one nbgrader
    process (an assignment-id glob), by the first xdist worker that needs a release (under a file lock), and
    copied from then on: for the tests that grade. The tests of generation itself run nbgrader every time, and
    tests/test_learner_edition.py checks that a glob's release of ps1 is byte for byte ps1's release alone."""
    from filelock import FileLock

    from exocourse.grading import batch

    cache = shared_folder(tmp_path_factory) / "releases"
    cache.mkdir(exist_ok=True)

    def install(course: Path, *assignments: str) -> None:
        entry = cache / f"every-assignment-{_release_key()}"
        with FileLock(f"{entry}.lock"):
            if not entry.exists():
                scratch = batch.scratch_course(ROOT, Path(tempfile.mkdtemp(prefix="release-", dir=cache)))
                batch.nbgrader(scratch, batch.environment(), "generate_assignment", "*", "--force", check=True)
                shutil.copytree(scratch / "assignments/release", scratch / "made" / "release")
                shutil.copy2(scratch / "grading/gradebook.db", scratch / "made" / "gradebook.db")
                (scratch / "made").rename(entry)
                shutil.rmtree(scratch)
        gradebook = course / "grading" / "gradebook.db"
        assert not gradebook.exists(), f"{course} has a gradebook already"
        gradebook.parent.mkdir(exist_ok=True)
        shutil.copy2(entry / "gradebook.db", gradebook)
        for assignment in assignments:
            shutil.copytree(entry / "release" / assignment, course / "assignments/release" / assignment)

    return install


# One JupyterLab server and one Chromium shared by tests/test_browser.py and tests/test_accessibility.py.
from browser_support import lesson_pool  # noqa: E402, F401


# ------------------------------------------------------------------------------------- grading in place ---
def _clean_copy(target):
    """What `git clone` gives: the tracked files (and new, not ignored ones) of this working tree."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)


@pytest.fixture(scope="session")
def in_place_course(tmp_path_factory):
    """A clean copy of the course (what `git clone` gives) with the `.venv` that `make lab` creates, and the shell
    an instructor has after `source .venv/bin/activate`: (folder, environment). Shared by the tests that grade in
    place (one xdist group, so one test at a time); each starts its own term by removing grading/."""
    folder = tmp_path_factory.mktemp("in-place") / "exosome-course"
    _clean_copy(folder)
    outer = str(ROOT / ".venv" / "bin")
    base = {k: v for k, v in os.environ.items() if k not in {"EXOCOURSE_ROOT", "VIRTUAL_ENV", "PYTHONPATH"}}
    base["PATH"] = os.pathsep.join(p for p in base["PATH"].split(os.pathsep) if p != outer)
    made = subprocess.run(["make", ".venv/.runtime-installed"], cwd=folder, env=base, capture_output=True, text=True)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    venv = folder / ".venv"
    shell = {**base, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{base['PATH']}",
             "EXOCOURSE_CELL_TIMEOUT": "10"}
    return folder, shell


# ------------------------------------------------------------------------------------------- gradebooks ---
@functools.cache
def _empty_gradebook_template() -> Path:
    from nbgrader.api import Gradebook

    from exocourse.instructor.gradebook import alembic_on_path

    alembic_on_path()
    made = Path(tempfile.mkdtemp(prefix="exocourse-gradebook-")) / "gradebook.db"
    atexit.register(shutil.rmtree, made.parent, ignore_errors=True)
    Gradebook(f"sqlite:///{made}").close()
    return made


def empty_gradebook(path: Path) -> str:
    """An empty nbgrader gradebook at `path` (its tables and alembic stamp, as nbgrader creates it) and its URL.
    nbgrader's first opening of a new database runs alembic (2–3 s); this makes one per worker and copies it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(_empty_gradebook_template(), path)
    return f"sqlite:///{path}"
