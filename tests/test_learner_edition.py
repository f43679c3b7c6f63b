"""The learner edition builds, runs from inside itself, and carries nothing a learner must not see. The edition
is built once per run (conftest.edition) and shared with tests/test_notebooks.py, which runs its lessons."""

import ast
import json
import os
import re
import shutil
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


def test_every_assignment_is_released_as_nbgrader_releases_it_alone(edition, tmp_path):
    """The edition generates all assignments in one nbgrader process (an assignment-id glob); each release is what
    `nbgrader generate_assignment <id>` makes alone: ps1 compared byte for byte with a release of ps1 alone."""
    from exocourse.grading import batch

    assert sorted(p.name for p in (edition / "assignments").iterdir()) == sorted(p.parent.name for p in SOURCES)
    course = batch.scratch_course(ROOT, tmp_path / "course")
    batch.nbgrader(course, batch.environment(), "generate_assignment", "ps1", "--force", check=True)
    one_folder, edition_folder = course / "assignments/release/ps1", edition / "assignments/ps1"
    alone = sorted(p.relative_to(one_folder) for p in one_folder.rglob("*"))
    assert alone == sorted(p.relative_to(edition_folder) for p in edition_folder.rglob("*"))
    for relative in alone:
        one, other = one_folder / relative, edition_folder / relative
        assert one.is_dir() or one.read_bytes() == other.read_bytes(), relative


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


# --------------------------------------------- Binder and hub images: repo2docker runs the edition's `start` ---
EDITION_PLUGINS = {f"@jupyter/nbgrader:{p}" for p in ("formgrader", "create-assignment", "course-list",
                                                       "validate-assignment")}
SHOW_PATHS = "import json, os; from jupyter_core.paths import jupyter_config_path; print(json.dumps(" \
             "{'env': os.environ.get('JUPYTER_CONFIG_PATH'), 'jupyter': jupyter_config_path()}))"
# What a server started with this environment would hide (JupyterLab's page-config merge) and switch off
# (jupyter_server's merge of jupyter_server_config.d over the same path, as ServerApp.find_server_extensions does).
SHOW_HIDDEN = """import json
from jupyter_core.paths import jupyter_config_path
from jupyter_server.extension.config import ExtensionConfigManager
from jupyterlab_server.config import get_static_page_config
hidden = get_static_page_config(level="all").get("disabledExtensions", {})
server = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
print(json.dumps({"hidden": sorted(k for k, v in hidden.items() if v),
                  "off": sorted(k.rsplit(".", 1)[-1] for k, v in server.items() if k.startswith("nbgrader") and not v)}))
"""


def through_start(start: Path, code: str, cwd: Path, **env: str) -> object:
    """Run Python `code` the way repo2docker runs the server: as the arguments of `start` (REPO_DIR and
    JUPYTER_CONFIG_PATH only as given here); its printed JSON."""
    clean = {k: v for k, v in os.environ.items() if k not in ("REPO_DIR", "JUPYTER_CONFIG_PATH")}
    out = subprocess.run([str(start), sys.executable, "-c", code], cwd=cwd, env={**clean, **env},
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return json.loads(out)


def test_editions_start_is_an_executable_shell_script_that_ends_by_starting_the_server(edition):
    start = edition / learner_edition.START
    assert start.is_file() and os.access(start, os.X_OK)
    lines = start.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!/bin/bash" and lines[-1] == 'exec "$@"'  # what repo2docker's docs ask of it
    for shell in ("bash", "sh"):  # bash reads it; it is plain POSIX sh as well
        checked = subprocess.run([shell, "-n", str(start)], capture_output=True, text=True)
        assert checked.returncode == 0, (shell, checked.stderr)


def test_start_puts_the_editions_settings_on_jupyters_config_path(edition, tmp_path):
    settings = str(edition / learner_edition.JUPYTER_CONFIG)
    start = edition / learner_edition.START
    # Binder: nothing set; started from another folder (not the working directory: the script's own folder).
    binder = through_start(start, SHOW_PATHS, tmp_path)
    assert binder["env"] == settings
    assert binder["jupyter"][0] == settings  # JUPYTER_CONFIG_PATH comes first: before the environment's settings
    # A hub image: the hub's per-role folders are kept, and stay first (their settings win).
    hub = os.pathsep.join(["/etc/exocourse/jupyter/learner", "/etc/exocourse/jupyter/common"])
    assert through_start(start, SHOW_PATHS, tmp_path, JUPYTER_CONFIG_PATH=hub)["env"] == f"{hub}:{settings}"
    # Started twice: added once.
    assert through_start(start, SHOW_PATHS, tmp_path, JUPYTER_CONFIG_PATH=f"{hub}:{settings}")["env"] == \
        f"{hub}:{settings}"
    # repo2docker's REPO_DIR names the repository, wherever `start` is run from; REPO_DIR holding something else
    # falls back to the script's folder.
    copy = tmp_path / "elsewhere" / "start"
    copy.parent.mkdir()
    shutil.copy2(start, copy)
    assert through_start(copy, SHOW_PATHS, tmp_path, REPO_DIR=str(edition))["env"] == settings
    assert through_start(start, SHOW_PATHS, tmp_path, REPO_DIR=str(tmp_path))["env"] == settings


def test_through_start_learners_lose_the_instructor_tools_and_a_hubs_roles_keep_theirs(edition, tmp_path):
    """What JupyterLab's own page-config code makes of the path `start` gives: on Binder, the edition's settings;
    in a hub image, the hub's role folders first (deploy/jupyter/), so an instructor keeps Course List and Validate,
    which the edition hides, and a learner loses all four."""
    start = edition / learner_edition.START
    hub = ROOT / "deploy" / "jupyter"
    on_binder = through_start(start, SHOW_HIDDEN, tmp_path)
    assert EDITION_PLUGINS <= set(on_binder["hidden"]) and "@jupyter/nbgrader:assignment-list" not in on_binder["hidden"]
    assert on_binder["off"] == ["course_list", "formgrader"]
    role_path = {role: os.pathsep.join([str(hub / role), str(hub / "common")]) for role in ("learner", "instructor")}
    learner = through_start(start, SHOW_HIDDEN, tmp_path, JUPYTER_CONFIG_PATH=role_path["learner"])
    instructor = through_start(start, SHOW_HIDDEN, tmp_path, JUPYTER_CONFIG_PATH=role_path["instructor"])
    assert EDITION_PLUGINS <= set(learner["hidden"]) and "@jupyter/nbgrader:assignment-list" not in learner["hidden"]
    assert learner["off"] == ["course_list", "formgrader"]
    assert set(instructor["hidden"]) & EDITION_PLUGINS == {"@jupyter/nbgrader:formgrader",
                                                           "@jupyter/nbgrader:create-assignment"}
    assert instructor["off"] == ["formgrader"]  # the Courses tab's server extension stays on for instructors


@pytest.mark.slow
def test_jupyterlab_started_through_start_hides_the_instructor_tools(edition, monkeypatch):
    """The edition's JupyterLab, started as repo2docker starts it (the server's command as `start`'s arguments, no
    JUPYTER_CONFIG_PATH, from another folder): its page config disables the four plugins (what
    tests/test_learner_edition_ui.py sees in the browser), keeps the Assignments tab, and formgrader's server
    extension is off."""
    import urllib.error
    import urllib.request

    from browser_support import jupyterlab_server

    monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    monkeypatch.delenv("REPO_DIR", raising=False)
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with jupyterlab_server(edition, launcher=(str(edition / learner_edition.START),)) as lab:
        page = no_proxy.open(f"{lab.url}/lab?token={lab.token}", timeout=30).read().decode()
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        with pytest.raises(urllib.error.HTTPError) as formgrader:
            no_proxy.open(f"{lab.url}/formgrader?token={lab.token}", timeout=30)
    assert EDITION_PLUGINS <= set(config["disabledExtensions"]), config["disabledExtensions"]
    assert "@jupyter/nbgrader:assignment-list" not in config["disabledExtensions"]
    assert formgrader.value.code == 404
