"""The learner edition builds, runs from inside itself, and carries nothing a learner must not see. The edition
is built once per run (conftest.edition) and shared with tests/test_notebooks.py, which runs its lessons."""

import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import NOTEBOOKS_GROUP, ROOT

from exocourse.build import learner_edition
from exocourse.build.learner_edition import LeakError, build, find_leaks

pytestmark = pytest.mark.xdist_group(NOTEBOOKS_GROUP)
SOURCES = sorted((ROOT / "assignments/source").glob("*/*.ipynb"))


def test_edition_has_lessons_data_package_and_released_assignments_but_no_sources(edition):
    assert (edition / "lessons/00_start_here.ipynb").exists()
    assert (edition / "data/datapackage.json").exists() and (edition / "exocourse/__init__.py").exists()
    assert (edition / "assignments/ps1/ps1.ipynb").exists() and (edition / "assignments/ps1/nta_sample.csv").exists()
    assert (edition / "assignments/ps2/ps2.ipynb").exists() and (edition / "assignments/ps2/confusion_matrix.csv").exists()
    assert not (edition / "assignments/source").exists() and not (edition / "nbgrader_config.py").exists()
    for ce in ("pretest", "posttest", "evaluation"):  # released like the problem sets (issue 7)
        assert (edition / f"assignments/{ce}/{ce}.ipynb").exists()
    assert not list(edition.rglob("_drafts")) and not list(edition.rglob("tests"))


def test_edition_ships_only_the_learner_part_of_the_package(edition):
    """No grading kernel, hostile cases, certificate or instructor code reaches learners."""
    shipped = sorted(str(p.relative_to(edition)) for p in (edition / "exocourse").rglob("*.py"))
    assert "exocourse/grading/__init__.py" in shipped and "exocourse/lessons/biology.py" in shipped
    views = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "exocourse/lessons/views").glob("*.py"))
    assert views and set(views) <= set(shipped)  # the lessons' widgets (exocourse/lessons/views/) ship too
    assert not [p for p in shipped if p.startswith(("exocourse/instructor", "exocourse/build"))
                or (p.startswith("exocourse/grading/") and p != "exocourse/grading/__init__.py")], shipped
    text = "\n".join((edition / p).read_text(encoding="utf-8") for p in shipped)
    for marker in ("bwrap", "reportlab", "def build_class", "monkeypatches_grading", "def write_certificate"):
        assert marker not in text, marker


def test_edition_carries_no_solution_hidden_test_or_key(edition):
    assert find_leaks(SOURCES, edition) == []


def test_the_leak_scan_would_catch_a_planted_solution(edition, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(edition, copy)
    shutil.copy2(ROOT / "assignments/source/ps1/ps1.ipynb", copy / "assignments/ps1/ps1.ipynb")
    assert any("BEGIN SOLUTION" in leak or "q1 = " in leak for leak in find_leaks(SOURCES, copy))


def test_build_refuses_when_a_source_answer_leaks(tmp_path, monkeypatch):
    import shutil

    fake = tmp_path / "course"
    shutil.copytree(ROOT, fake, ignore=shutil.ignore_patterns(".venv", ".git", "grading", "build", "*.egg-info",
                                                          "screenshots", ".jupyter-test", "node_modules"))
    (fake / "lessons/_leak.md").write_text('q5 = "CECEE"')  # a solution line pasted into a learner file
    # The release copies are what test_edition_carries_no_solution_hidden_test_or_key checks; skip regenerating
    # them here (7 nbgrader runs): the leak is in a copied learner file.
    monkeypatch.setattr(learner_edition, "release_assignments", lambda root, into: [])
    with pytest.raises(LeakError, match="CECEE"):
        build(tmp_path / "out", fake)


@pytest.mark.parametrize("name", [p.stem for p in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))])
def test_lessons_run_from_inside_the_edition(executed_lessons, name):
    nb = executed_lessons(name)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]


# ------------------------------------------------------------------- what learners install (issue 16) ---
def _name(requirement: str) -> str:
    from packaging.requirements import Requirement

    return re.sub(r"[-_.]+", "-", Requirement(requirement).name).lower()


def pinned(requirements_txt: Path) -> set[str]:
    """The distributions a requirements file names (less options such as -e . and -r, and comments)."""
    lines = (line.split("#")[0].strip() for line in requirements_txt.read_text(encoding="utf-8").splitlines())
    return {_name(line) for line in lines if line and not line.startswith("-")}


def third_party_imports(files) -> set[str]:
    """The distributions that the modules in `files` import (anywhere in them: lazy imports too)."""
    from importlib.metadata import packages_distributions

    modules = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    modules -= set(sys.stdlib_module_names) | {"exocourse", "__future__"}
    distributions = packages_distributions()
    unknown = modules - set(distributions)
    assert not unknown, f"imported but not installed: {unknown}"
    return {_name(d) for module in modules for d in distributions[module]}


def learner_files() -> list[Path]:
    return [path for pattern in learner_edition.LEARNER_PACKAGE if pattern.endswith(".py")
            for path in sorted(ROOT.glob(pattern))]


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
DEPENDENCIES = {_name(r) for r in PROJECT["dependencies"]}
INSTRUCTOR = {_name(r) for r in PROJECT["optional-dependencies"]["instructor"]}


def test_pyproject_dependencies_are_what_the_learner_part_imports():
    # plotly's FigureWidget, which the lessons' figures are, needs anywidget without naming it in an import.
    assert DEPENDENCIES == third_party_imports(learner_files()) | {"anywidget"}


def test_pyproject_instructor_extra_covers_what_the_rest_of_the_package_imports():
    everything = third_party_imports(sorted((ROOT / "exocourse").rglob("*.py")))
    assert everything <= DEPENDENCIES | INSTRUCTOR, everything - DEPENDENCIES - INSTRUCTOR
    assert INSTRUCTOR <= everything - DEPENDENCIES, INSTRUCTOR - (everything - DEPENDENCIES)  # nothing extra
    dev = PROJECT["optional-dependencies"]["dev"]
    assert "exocourse[instructor]" in dev and pinned(ROOT / "requirements-dev.txt") == {_name(r) for r in dev} - {"exocourse"}


def test_edition_requirements_are_the_learner_part_of_the_courses(edition):
    learners, everyone = pinned(edition / "requirements.txt"), pinned(ROOT / "requirements.txt")
    lines = (edition / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "-e ." in lines and "nbgrader==0.9.6" in lines  # the helper package; hub learners' Assignments tab
    assert learners < everyone  # one source of truth: the course's own pins, fewer of them
    assert {"jupyterlab", "notebook", "ipywidgets", "plotly", "anywidget", "nbgitpuller"} <= learners
    assert DEPENDENCIES <= learners | {"ipython"}  # ipython comes with ipywidgets, unpinned as before
    # Of what only instructors' code imports, learners get nbgrader alone (the Assignments tab).
    assert learners & (third_party_imports(sorted((ROOT / "exocourse").rglob("*.py"))) - DEPENDENCIES) == {"nbgrader"}
    assert "reportlab" in everyone - learners


def test_learner_requirements_refuse_a_file_without_the_instructors_line(tmp_path):
    (tmp_path / "requirements.txt").write_text("jupyterlab==4.6.6\nreportlab==5.1.0\n-e .\n")
    with pytest.raises(ValueError, match="Instructors only"):
        learner_edition.learner_requirements(tmp_path)


# ------------------------------------------------------------- no instructor tools in learners' Lab ---
NBGRADER_LAB = Path(sys.prefix) / "share/jupyter/labextensions/@jupyter/nbgrader"


def test_editions_make_lab_starts_jupyterlab_with_the_editions_settings(edition):
    dry_run = subprocess.run(["make", "-n", "lab"], cwd=edition, capture_output=True, text=True, check=True).stdout
    (start,) = [line for line in dry_run.splitlines() if "jupyter lab" in line]
    assert start.startswith(f'JUPYTER_CONFIG_PATH="{edition / learner_edition.JUPYTER_CONFIG}" '), start
    for name, settings in learner_edition.JUPYTER_SETTINGS.items():
        assert json.loads((edition / learner_edition.JUPYTER_CONFIG / name).read_text()) == settings


def test_the_settings_name_nbgraders_real_plugins_and_keep_the_assignments_tab():
    """A renamed plugin or server extension in a later nbgrader would silently show the instructor tools again."""
    disabled = learner_edition.JUPYTER_SETTINGS["labconfig/page_config.json"]["disabledExtensions"]
    plugins = set(re.findall(r'"(@jupyter/nbgrader:[a-z-]+)"', "".join(
        path.read_text(encoding="utf-8") for path in (NBGRADER_LAB / "static").glob("*.js"))))
    assert set(disabled) <= plugins and all(disabled.values())
    assert set(disabled) == {f"@jupyter/nbgrader:{p}" for p in
                             ("formgrader", "create-assignment", "course-list", "validate-assignment")}
    server = learner_edition.JUPYTER_SETTINGS["jupyter_server_config.d/exocourse-learner.json"]
    off = server["ServerApp"]["jpserver_extensions"]
    enabled_by_nbgrader = json.loads((Path(sys.prefix) / "etc/jupyter/jupyter_server_config.d/nbgrader.json")
                                     .read_text())["ServerApp"]["jpserver_extensions"]
    assert set(off) <= set(enabled_by_nbgrader) and not any(off.values())
    # The Assignments tab's list and its per-notebook Validate button use these two: they stay on.
    assert {"nbgrader.server_extensions.assignment_list", "nbgrader.server_extensions.validate_assignment"} \
        == set(enabled_by_nbgrader) - set(off)
