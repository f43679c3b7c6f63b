"""The learner edition is ready for repo2docker (Binder, and the Zero to JupyterHub image): a Python pinned by
runtime.txt, requirements.txt installing the helper package, nothing that makes repo2docker ignore those files,
and a clean virtual environment built the way repo2docker's Python build pack does it (pip install -r
requirements.txt, then pip install .) runs every lesson and released assignment: tests/test_learner_edition_env.py.

repo2docker itself needs Docker and image downloads, which this machine does not have; this is the same install
sequence without the container. Part of the hosting tests: runs with CI=true, or locally with EXOCOURSE_HUB_TEST=1
(it needs Debian's /usr/bin/python3.11 with venv, which deploy/test-hub/setup.sh installs).
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from conftest import NOTEBOOKS_GROUP

ROOT = Path(__file__).resolve().parent.parent
PYTHON311 = Path("/usr/bin/python3.11")

SKIP = os.environ.get("CI") != "true" and os.environ.get("EXOCOURSE_HUB_TEST") != "1"
# The learner edition is conftest's `edition`, built once per run in the xdist group "notebooks".
pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.xdist_group(NOTEBOOKS_GROUP),
              pytest.mark.skipif(SKIP, reason="hosting test: runs in CI, or with EXOCOURSE_HUB_TEST=1")]


def clean_env() -> dict:
    """No course root, Python path or Jupyter folders of this checkout leak into the new environment."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("EXOCOURSE_", "PYTHON", "VIRTUAL_ENV", "JUPYTER_"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def test_learner_edition_has_what_repo2docker_reads_and_nothing_that_overrides_it(edition):
    assert (edition / "runtime.txt").read_text().strip() == "python-3.11"  # repo2docker's default 3.10 is too old
    for overriding in ("Dockerfile", "environment.yml", "binder", ".binder", "Pipfile", "setup.py"):
        assert not (edition / overriding).exists(), f"{overriding} would change how repo2docker builds"
    requirements = (edition / "requirements.txt").read_text().splitlines()
    assert any(line.strip() in ("-e .", ".") for line in requirements)  # installs the helper package
    assert "nbgrader==0.9.6" in requirements
    project = tomllib.loads((edition / "pyproject.toml").read_text())["project"]
    minimum = re.fullmatch(r">=\s*3\.(\d+)", project["requires-python"])
    assert minimum and int(minimum.group(1)) <= 11  # repo2docker refuses a requires-python that excludes runtime.txt
    assert not (edition / "assignments" / "source").exists()


def test_published_edition_keeps_start_executable_where_repo2docker_looks_for_it(edition, tmp_path):
    """repo2docker runs `start` from the repository's top folder (no binder/ folder here, which would move it) as
    the image's entry point; a repository published from the edition (docs/publishing_learner_edition.md, git or
    rsync -a) must keep it executable. Its behaviour: tests/test_learner_edition.py."""
    import shutil
    import subprocess

    copy = tmp_path / "exo101-learner"
    shutil.copytree(edition, copy)  # keeps modes, like rsync -a
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "core.fileMode=true"]
    subprocess.run([*git, "init", "--quiet"], cwd=copy, check=True)
    subprocess.run([*git, "add", "--all"], cwd=copy, check=True)
    staged = subprocess.run([*git, "ls-files", "--stage", "start"], cwd=copy, check=True, capture_output=True,
                            text=True).stdout.split()
    assert staged[0] == "100755", staged
