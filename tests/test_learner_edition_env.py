"""The learner edition's own requirements.txt is all a learner needs (issue 16): a clean virtual environment built
from it alone, in a copy of the edition (what a learner downloads), runs every lesson without an error and every
released assignment with no error but the course's own check messages (the assignments are unanswered, so their
checks say "no answer yet"). The environment is built the way repo2docker's Python build pack builds it (Binder, the
Zero to JupyterHub image): Debian's Python 3.11 where there is one (runtime.txt), `pip install -r
requirements.txt`, then `pip install .`. pip reaches only the package registry, through its cache. A hosting test,
like tests/test_repo2docker.py: runs in CI, or locally with EXOCOURSE_HUB_TEST=1."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOTEBOOKS_GROUP
from test_repo2docker import PYTHON311, SKIP, clean_env

RUNNER = Path(__file__).with_name("run_notebooks_in_env.py")
# The edition fixture (conftest) is built once per run in the "notebooks" group; this test shares it.
pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.xdist_group(NOTEBOOKS_GROUP),
              pytest.mark.skipif(SKIP, reason="hosting test: runs in CI, or with EXOCOURSE_HUB_TEST=1")]


@pytest.fixture(scope="module")
def learner_copy(edition, tmp_path_factory) -> tuple[Path, Path]:
    """(a copy of the edition, its clean environment made as the edition's README says: venv + requirements.txt)."""
    work = tmp_path_factory.mktemp("learner")
    copy = shutil.copytree(edition, work / "course")
    venv = work / "venv"
    python = PYTHON311 if PYTHON311.exists() else Path(sys.executable)
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True, env=clean_env())
    for args in (["-r", "requirements.txt"], ["."]):  # repo2docker: the requirements, then the folder itself
        installed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *args],
                                   cwd=copy, env=clean_env(), capture_output=True, text=True, timeout=1200)
        assert installed.returncode == 0, installed.stderr[-3000:]
    return copy, venv


@pytest.fixture(scope="module")
def results(learner_copy) -> dict:
    copy, venv = learner_copy
    notebooks = sorted((copy / "lessons").glob("[0-9][0-9]_*.ipynb")) + sorted((copy / "assignments").glob("*/*.ipynb"))
    ran = subprocess.run([str(venv / "bin" / "python"), str(RUNNER), *map(str, notebooks)], cwd=copy,
                         capture_output=True, text=True, timeout=1800,
                         env={**clean_env(), "JUPYTER_CONFIG_DIR": str(venv / "jupyter-config"),
                              "JUPYTER_DATA_DIR": str(venv / "jupyter-data"),
                              "JUPYTER_RUNTIME_DIR": str(venv / "jupyter-runtime")})
    assert ran.returncode == 0, ran.stderr[-3000:]
    return {"copy": copy, "venv": venv, **json.loads(ran.stdout.strip().splitlines()[-1])}


def test_the_kernel_uses_the_learner_environment_and_the_editions_package(results):
    prefix, package = results["kernel"].split()
    assert Path(prefix) == results["venv"], prefix
    # repo2docker's `pip install .` puts the edition's package into the environment: never this checkout's
    assert Path(package).is_relative_to(results["venv"]) or Path(package).is_relative_to(results["copy"]), package


def test_the_environment_has_no_instructor_only_packages(learner_copy):
    _, venv = learner_copy
    listed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"], env=clean_env(),
                            capture_output=True, text=True, check=True).stdout
    names = {package["name"].lower() for package in json.loads(listed)}
    assert {"nbgrader", "jupyterlab", "nbgitpuller", "exocourse"} <= names
    assert "reportlab" not in names


def test_every_lesson_runs_without_an_error(results):
    lessons = {path: r for path, r in results["notebooks"].items() if "/lessons/" in path}
    assert len(lessons) == len(list((results["copy"] / "lessons").glob("[0-9][0-9]_*.ipynb"))) > 0
    for path, report in lessons.items():
        assert report["run"] == report["code_cells"] > 0, path
        assert report["errors"] == [], (path, [e["ename"] + ": " + e["evalue"] for e in report["errors"]])


def test_every_released_assignment_runs_with_only_the_courses_own_check_messages(results):
    assignments = {path: r for path, r in results["notebooks"].items() if "/assignments/" in path}
    assert len(assignments) == len(list((results["copy"] / "assignments").glob("*/*.ipynb"))) > 0
    for path, report in assignments.items():
        assert report["run"] == report["code_cells"] > 0, path
        for error in report["errors"]:
            # A check's message, shown as one friendly line: never another exception, never a traceback.
            assert error["ename"] == "NotYet", (path, error["ename"], error["evalue"])
            assert error["traceback"] == [error["evalue"]], (path, error["traceback"])
    # Unanswered, the checks do speak: the errors above are their messages ("no answer yet"), so they were run.
    assert any("no answer yet" in e["evalue"] for r in assignments.values() for e in r["errors"])
