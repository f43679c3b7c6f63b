"""Build the learner edition: the folder hosts hand to learners (nbgitpuller, Binder, hub images).

It holds the lessons, the data, the helper package, the manifest and, for self-study without a hub, the
released assignments. It never holds assignments/source/, solutions, hidden tests or answer keys: the build
generates release copies with nbgrader in a scratch copy of the course (so the instructor's gradebook is not
touched), then scans everything it wrote for leaks against the source notebooks and refuses to finish if any.
Its requirements.txt is the learners' part of the course's requirements.txt, and its `make lab` starts JupyterLab
with the edition's own settings (.jupyter/), which hide nbgrader's instructor tools; so does its `start` file, which
repo2docker (Binder, hub images) runs before the server.

    python -m exocourse.build.learner_edition build/learner-edition
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from exocourse.grading.batch import scratch_course
from exocourse.grading.env import with_python_on_path
from exocourse.paths import course_root

COPIED = ["lessons", "data", "course.yml", "course.d", "runtime.txt", "pyproject.toml"]
# requirements.txt lists the instructors' packages after this line; the learner edition's copy stops above it.
INSTRUCTORS_ONLY = "# --- Instructors only"
LEARNER_REQUIREMENTS_HEADER = """\
# What a learner's environment needs (Python >= 3.11; runtime.txt pins 3.11 for repo2docker).
# `-e .` installs the course's helper package from this folder.
"""
# The learner edition's own Jupyter settings, which its `make lab` starts JupyterLab with (JUPYTER_CONFIG_PATH):
# nbgrader's instructor pieces are hidden (Formgrader, Create Assignment, Course List, the notebook toolbar's
# Validate button); the Assignments tab, which hubs use, stays with the server extensions it calls.
JUPYTER_CONFIG = ".jupyter"
JUPYTER_SETTINGS = {
    "labconfig/page_config.json": {"disabledExtensions": {
        "@jupyter/nbgrader:formgrader": True,
        "@jupyter/nbgrader:create-assignment": True,
        "@jupyter/nbgrader:course-list": True,
        "@jupyter/nbgrader:validate-assignment": True,
    }},
    "jupyter_server_config.d/exocourse-learner.json": {"ServerApp": {"jpserver_extensions": {
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
    }}},
}
# repo2docker (Binder, and hub images built from the edition) runs an executable `start` at the top of the repository
# before the server, with the server's command as arguments; it does not set JUPYTER_CONFIG_PATH. This one adds the
# edition's settings to the path AFTER any folders a hub already put there (deploy/course_hub.py gives one per role):
# JupyterLab and jupyter_server let the first folder win, key by key, so a hub's role settings (an instructor's
# Course List) stay in force and the edition's settings fill in the rest. On Binder the path is the edition's alone.
# REPO_DIR is where repo2docker's image put the repository (its Dockerfile sets it; its entrypoint uses it); the
# script's own folder is the fallback (a local run, or REPO_DIR holding something else).
START = "start"
START_SCRIPT = """#!/bin/bash
# Written by the course's learner-edition build. repo2docker (Binder, hub images built from this folder) runs this
# file before the server: it gives JupyterLab this folder's settings (.jupyter/, nbgrader's instructor tools
# hidden), after any settings a hub already gives (those win), then starts the server. Keep it executable.
if [ -n "${REPO_DIR:-}" ] && [ -d "$REPO_DIR/.jupyter" ]; then
  edition="$REPO_DIR"
else
  edition="$(cd "$(dirname "$0")" && pwd)"
fi
case ":${JUPYTER_CONFIG_PATH:-}:" in
  *":$edition/.jupyter:"*) ;;  # already there (started twice)
  *) JUPYTER_CONFIG_PATH="${JUPYTER_CONFIG_PATH:+$JUPYTER_CONFIG_PATH:}$edition/.jupyter" ;;
esac
export JUPYTER_CONFIG_PATH
exec "$@"
"""
# Of the helper package, only what lessons and released assignments import (exocourse/README.md): the core, the
# lessons wing and the assignment checks. No grading kernel, hostile cases, certificates or instructor tools.
LEARNER_PACKAGE = ["exocourse/*.py", "exocourse/*.json", "exocourse/lessons/*.py", "exocourse/lessons/*.js",
                   "exocourse/lessons/views/*.py", "exocourse/grading/__init__.py"]
IGNORED = shutil.ignore_patterns("_drafts", ".ipynb_checkpoints", "__pycache__", "*.pyc", "*.egg-info")
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
KEY = re.compile(r"\b[0-9a-f]{64}\b")

LEARNER_README = """# {title} — learner edition

Lessons and practice assignments of the course. Start with `lessons/00_start_here.ipynb`.

- On a course hub: open the link your program gave you.
- On Binder (self-study, no account): open the Binder link your program gave you. Binder sessions are temporary:
  download what you want to keep (File, then Download).
- On your own computer (Python 3.11 or newer): `make lab`, or without make:
  `python -m venv .venv`, then `.venv/bin/pip install -r requirements.txt` (Windows: `.venv\\Scripts\\pip`),
  then `JUPYTER_CONFIG_PATH=.jupyter .venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 lessons/00_start_here.ipynb`
  (Windows PowerShell: `$env:JUPYTER_CONFIG_PATH = ".jupyter"`, then `.venv\\Scripts\\jupyter lab ...`).

Practice copies of the assignments are in `assignments/`. The `start` file is for Binder and hub images: it gives
JupyterLab this folder's settings (`.jupyter/`), as `make lab` does. Graded work is fetched and submitted through your
course hub. Corrections after release are listed in `ERRATA.md` when there are any.

{disclaimer}
"""

LEARNER_MAKEFILE = """.PHONY: lab
# JupyterLab refuses to start as root unless told; containers often run as root.
AS_ROOT := $(filter 0,$(shell id -u))
lab:
\ttest -x .venv/bin/python || python3 -m venv .venv
\t.venv/bin/python -m pip install --quiet -r requirements.txt
\t@$(if $(AS_ROOT),echo "Running as root (a container?): passing --allow-root (JupyterLab will not start as root without it).")
\tJUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter" .venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 $(if $(AS_ROOT),--allow-root) lessons/00_start_here.ipynb
"""


class LeakError(RuntimeError):
    """Something a learner receives contains a solution, a hidden test or an answer key."""


def secrets_of(source_notebook: Path, tests_only: bool = False) -> set[str]:
    """Lines a learner must never see: solution lines and hidden-test lines (less imports, and less lines the
    question itself shows, such as a formula it gives), and every answer-key digest. With tests_only, only the
    hidden tests and keys (for feedback, which rightly shows a learner's own answers)."""
    import nbformat

    nb = nbformat.read(source_notebook, as_version=4)
    hidden_tests = [part for c in nb.cells for part in HIDDEN.findall(c.source)]
    hidden_parts = hidden_tests + ([] if tests_only else [p for c in nb.cells for p in SOLUTION.findall(c.source)])
    public = {line.strip() for c in nb.cells for line in HIDDEN.sub("", SOLUTION.sub("", c.source)).splitlines()}
    public |= {line.strip(" `") for line in public}
    # A line every hidden test repeats (re-importing the grading helper) is boilerplate, not an answer.
    counts: dict[str, int] = {}
    for part in hidden_tests:
        for line in {line.strip() for line in part.splitlines()}:
            counts[line] = counts.get(line, 0) + 1
    public |= {line for line, n in counts.items() if n > 1}
    secrets = {line.strip() for part in hidden_parts for line in part.splitlines()}
    secrets = {line for line in secrets
               if len(line) >= 8 and line not in public and not line.startswith(("from ", "import "))}
    secrets.update(KEY.findall("\n".join(c.source for c in nb.cells)))
    return secrets


def find_leaks(source_notebooks: list[Path], folder: Path, tests_only: bool = False) -> list[str]:
    """Every file under `folder` that contains a secret of a source notebook, with the secret found."""
    secrets = set()
    for notebook in source_notebooks:
        secrets |= secrets_of(notebook, tests_only)
    leaks = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if path.suffix in {".ipynb", ".html"}:
            for marker in ("### BEGIN HIDDEN TESTS",) if tests_only else ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
                if marker in text:
                    leaks.append(f"{path}: contains {marker!r}")
        for secret in secrets:
            if secret in text:
                leaks.append(f"{path}: contains {secret[:60]!r}")
    return leaks


def learner_requirements(root: Path) -> str:
    """requirements.txt of the learner edition: the course's requirements.txt, less its opening comment, down to
    its instructors-only part."""
    lines = (root / "requirements.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    cut = next((n for n, line in enumerate(lines) if line.startswith(INSTRUCTORS_ONLY)), None)
    if cut is None:
        raise ValueError(f"requirements.txt has no line starting {INSTRUCTORS_ONLY!r}: cannot tell what learners need")
    start = next(n for n, line in enumerate(lines) if not line.startswith("#"))
    return LEARNER_REQUIREMENTS_HEADER + "".join(lines[start:cut])


def write_jupyter_settings(target: Path) -> None:
    for name, settings in JUPYTER_SETTINGS.items():
        path = target / JUPYTER_CONFIG / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")


def write_start_script(target: Path) -> None:
    path = target / START
    path.write_text(START_SCRIPT, encoding="utf-8", newline="\n")
    path.chmod(0o755)


def release_assignments(root: Path, into: Path) -> list[str]:
    """Generate the release copy of every source assignment in a scratch copy of the course; copy them `into`."""
    names = sorted(p.name for p in (root / "assignments" / "source").iterdir() if p.is_dir())
    with tempfile.TemporaryDirectory(prefix="exocourse-release-") as scratch:
        course = scratch_course(root, Path(scratch) / "course")
        env = with_python_on_path({**os.environ, "JUPYTER_CONFIG_DIR": str(Path(scratch) / "jupyter")})
        # One nbgrader process for all of them: its assignment id is a glob over assignments/source (7 processes
        # took 14.3 s, one 6.9 s, with the same release files).
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "*", "--force", "--log-level=WARN"],
                       cwd=course, env=env, check=True)
        for name in names:
            shutil.copytree(course / "assignments" / "release" / name, into / name)
    return names


def build(target: Path, root: Path | None = None) -> Path:
    """Build the learner edition in `target` (replaced if it exists). Raises LeakError if anything leaks."""
    from exocourse import manifest

    root = Path(root) if root else course_root()
    target = Path(target).resolve()
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for item in COPIED:
        source = root / item
        if source.is_dir():
            shutil.copytree(source, target / item, ignore=IGNORED)
        else:
            shutil.copy2(source, target / item)
    for pattern in LEARNER_PACKAGE:
        for source in sorted(root.glob(pattern)):
            (target / source.relative_to(root)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / source.relative_to(root))
    (target / "requirements.txt").write_text(learner_requirements(root), encoding="utf-8")
    write_jupyter_settings(target)
    write_start_script(target)
    release_assignments(root, target / "assignments")
    m = manifest.load_manifest(root)
    (target / "README.md").write_text(LEARNER_README.format(title=m["title"], disclaimer=m["disclaimer"]),
                                      encoding="utf-8")
    (target / "Makefile").write_text(LEARNER_MAKEFILE, encoding="utf-8")
    if (root / "ERRATA.md").exists():
        shutil.copy2(root / "ERRATA.md", target / "ERRATA.md")
    leaks = find_leaks(sorted((root / "assignments" / "source").glob("*/*.ipynb")), target)
    if leaks:
        raise LeakError("The learner edition would leak answers:\n" + "\n".join(leaks))
    return target


if __name__ == "__main__":
    out = build(Path(sys.argv[1] if len(sys.argv) > 1 else "build/learner-edition"))
    print(f"Learner edition built in {out} (no solutions, hidden tests or answer keys found).")
