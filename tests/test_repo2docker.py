"""The learner edition is ready for repo2docker (Binder, and the Zero to JupyterHub image): a Python pinned by
runtime.txt, requirements.txt installing the helper package, nothing that makes repo2docker ignore those files,
and a clean virtual environment built the way repo2docker's Python build pack does it (pip install -r
requirements.txt, then pip install .) imports the package from its own site-packages and runs lesson 00.

repo2docker itself needs Docker and image downloads, which this machine does not have; this is the same install
sequence without the container. Part of the hosting tests: runs with CI=true, or locally with EXOCOURSE_HUB_TEST=1
(it needs Debian's /usr/bin/python3.11 with venv, which deploy/test-hub/setup.sh installs).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON311 = Path("/usr/bin/python3.11")

SKIP = os.environ.get("CI") != "true" and os.environ.get("EXOCOURSE_HUB_TEST") != "1"
pytestmark = [pytest.mark.hub, pytest.mark.slow,
              pytest.mark.skipif(SKIP, reason="hosting test: runs in CI, or with EXOCOURSE_HUB_TEST=1")]


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("r2d") / "learner-edition"
    subprocess.run([sys.executable, "-m", "exocourse.build.learner_edition", str(target)], check=True, cwd=ROOT,
                   capture_output=True)
    return target


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


def test_clean_environment_built_like_repo2docker_imports_the_package_and_runs_lesson_00(edition, tmp_path):
    python = PYTHON311 if PYTHON311.exists() else Path(sys.executable)
    env_dir = tmp_path / "env"
    env = clean_env()
    subprocess.run([str(python), "-m", "venv", str(env_dir)], check=True, env=env)
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    # repo2docker's Python build pack: requirements.txt from the repository folder, then the package itself.
    for args in (["-r", "requirements.txt"], ["."]):
        result = subprocess.run(pip + args, cwd=edition, env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stderr[-3000:]
    where = subprocess.run([str(env_dir / "bin" / "python"), "-c", "import exocourse; print(exocourse.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(env_dir)), where  # from the environment, not this checkout
    lesson = edition / "lessons" / "00_start_here.ipynb"
    run = ("import nbclient, nbformat, sys\n"
           f"nb = nbformat.read({str(lesson)!r}, as_version=4)\n"
           f"nbclient.NotebookClient(nb, timeout=120, kernel_name='python3', "
           f"resources={{'metadata': {{'path': {str(lesson.parent)!r}}}}}).execute()\n"
           "errors = [o for c in nb.cells if c.cell_type == 'code' for o in c.outputs if o.output_type == 'error']\n"
           "print(len([c for c in nb.cells if c.cell_type == 'code']), len(errors))\n")
    result = subprocess.run([str(env_dir / "bin" / "python"), "-c", run], cwd=lesson.parent, capture_output=True,
                            text=True, timeout=300, env={**env, "JUPYTER_DATA_DIR": str(tmp_path / "data"),
                                                         "JUPYTER_CONFIG_DIR": str(tmp_path / "config")})
    assert result.returncode == 0, result.stderr[-3000:]
    code_cells, errors = map(int, result.stdout.split()[-2:])
    assert code_cells > 0 and errors == 0, result.stdout
