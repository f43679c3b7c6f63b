"""The learner edition builds, runs from inside itself, and carries nothing a learner must not see. The edition
is built once per run (conftest.edition) and shared with tests/test_notebooks.py, which runs its lessons."""

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
