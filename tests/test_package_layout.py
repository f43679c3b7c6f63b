"""The helper package's wings: who may import whom (exocourse/README.md), and old import lines still working."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "exocourse"
WINGS = ("lessons", "grading", "instructor", "build")
# What each part may import besides itself. The core (exocourse/*.py) imports only the core.
ALLOWED = {"core": {"core"}, "lessons": {"core", "lessons"}, "grading": {"core", "grading"},
           "build": {"core", "lessons", "grading", "build"}, "instructor": {"core", "lessons", "grading", "build",
                                                                             "instructor"}}
# The lessons wing's models (exocourse/lessons/<topic>.py) are pure: data, calculations and text. Their widgets are in
# exocourse/lessons/views/, built with the toolkit files; only those import a widget library.
WIDGET_LIBRARIES = {"ipywidgets", "plotly", "anywidget", "IPython"}
LESSONS_TOOLKIT = {"plots.py", "ui.py", "slider.py", "figure.py"}


def part_of(module: str) -> str:
    """'exocourse.lessons.risk' -> 'lessons'; 'exocourse.data' -> 'core'."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 2 and pieces[1] in WINGS else "core"


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("exocourse")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("exocourse"):
            for alias in node.names:  # `from exocourse import data` imports the module exocourse.data
                candidate = f"{node.module}.{alias.name}"
                is_module = (ROOT / (candidate.replace(".", "/") + ".py")).exists() or \
                    (ROOT / candidate.replace(".", "/")).is_dir()
                found.add(candidate if is_module else node.module)
    return found


def imported_libraries(path: Path) -> set[str]:
    """The top-level names of every library a module imports, at top level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def lesson_models() -> list[Path]:
    return sorted(p for p in (PACKAGE / "lessons").glob("*.py") if p.name not in LESSONS_TOOLKIT)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_wing_imports_only_what_it_may(path):
    rel = path.relative_to(PACKAGE)
    part = rel.parts[0] if len(rel.parts) > 1 else "core"
    wrong = sorted(m for m in imported_modules(path) if part_of(m) not in ALLOWED[part] and m != "exocourse")
    assert not wrong, f"exocourse/{rel} ({part}) imports {wrong}: see exocourse/README.md for what each wing may import"


@pytest.mark.parametrize("path", lesson_models(), ids=lambda p: p.name)
def test_lesson_models_import_no_widget_library(path):
    widgets = sorted(imported_libraries(path) & WIDGET_LIBRARIES)
    widgets += sorted(m for m in imported_modules(path) if m.startswith("exocourse.lessons.views"))
    assert not widgets, f"exocourse/lessons/{path.name} imports {widgets}: widgets go in exocourse/lessons/views/"


def test_each_view_has_its_model():
    views = sorted(p for p in (PACKAGE / "lessons" / "views").glob("*.py") if p.name != "__init__.py")
    assert views and all((PACKAGE / "lessons" / view.name).is_file() for view in views), views
    assert all(imported_libraries(view) & WIDGET_LIBRARIES for view in views)  # a view builds widgets


def test_every_module_of_the_package_is_short():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300}
    assert not long, f"split these files by job (at most 300 lines each): {long}"


def test_the_wings_are_folders_and_the_core_is_small():
    assert all((PACKAGE / wing / "__init__.py").is_file() for wing in WINGS)
    core = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert core == ["__init__", "answers", "cli", "currency", "data", "errors", "manifest", "paths", "safe_csv"], core


def test_a_learners_old_import_lines_still_work():
    """Learners' own copies of lessons and assignments import exocourse.<topic> (the layout before the wings)."""
    from exocourse import MOVED

    split = 0
    for old, new in MOVED.items():
        module, view = importlib.import_module(new), new.replace(".lessons.", ".lessons.views.")
        assert module.__spec__.name == new  # the module keeps its own spec
        if not (ROOT / (view.replace(".", "/") + ".py")).is_file():
            assert importlib.import_module(f"exocourse.{old}") is module
            continue
        split += 1
        view_module = importlib.import_module(view)
        for source in (module, view_module):  # the old name offers every public name of the model and of the view
            for name in (n for n in vars(source) if not n.startswith("_")):
                assert getattr(importlib.import_module(f"exocourse.{old}"), name) is getattr(source, name), (old, name)
    assert split >= 9  # every topic with a view (biology ... timeline, quiz)
    from exocourse.diagnostics import post_test_probability  # the old spellings, on purpose: an old assignment
    from exocourse.quiz import self_check

    from exocourse import risk  # and an old lesson
    from exocourse.lessons import diagnostics
    from exocourse.lessons.views import quiz
    from exocourse.lessons.views import risk as risk_view

    assert post_test_probability is diagnostics.post_test_probability and self_check is quiz.self_check
    assert risk.zero_events_explorer is risk_view.zero_events_explorer and risk.rule_of_three(300) == 0.01
    with pytest.raises(AttributeError):
        risk.no_such_name  # noqa: B018 — a missing name is still an AttributeError (an ImportError in `from`)


def test_the_package_readme_is_short_and_names_every_wing():
    text = (PACKAGE / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 60
    assert all(f"exocourse/{wing}/" in text for wing in WINGS)


def test_no_package_file_is_hidden_from_git():
    """A clean clone has the whole package: no .gitignore line matches a package file (`grading/` once hid
    exocourse/grading/env.py, so a clean clone could not import it)."""
    import shutil
    import subprocess

    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "ls-files", "--others", "--ignored", "--exclude-standard", "exocourse"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    hidden = [p for p in ignored if "__pycache__" not in p and ".egg-info" not in p]
    assert hidden == [], f"ignored by git, so missing from a clone: {hidden}"
