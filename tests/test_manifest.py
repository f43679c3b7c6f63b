"""course.yml is valid, is the single source for nbgrader and the rendered texts, and matches the notebooks."""

import datetime as dt
import runpy
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT

from exocourse import manifest

M = manifest.load_manifest(ROOT)


def test_manifest_validates():
    manifest.validate_manifest(manifest.read_manifest(ROOT))


def test_schema_rejects_a_lesson_without_minutes():
    broken = manifest.read_manifest(ROOT)
    del broken["modules"][0]["lessons"][0]["minutes"]
    with pytest.raises(manifest.ManifestError, match="minutes"):
        manifest.validate_manifest(broken)


def test_unknown_objective_is_rejected():
    broken = manifest.read_manifest(ROOT)
    broken["modules"][0]["assessments"][0]["items"][0]["objectives"] = ["EXO-BIO-99"]
    with pytest.raises(manifest.ManifestError, match="EXO-BIO-99"):
        manifest.validate_manifest(broken)


def test_nbgrader_config_takes_the_course_id_from_the_manifest():
    from traitlets.config import Config

    config = Config()
    runpy.run_path(str(ROOT / "nbgrader_config.py"), init_globals={"get_config": lambda: config})
    assert config.CourseDirectory.course_id == M["course_id"]
    assert config.CourseDirectory.source_directory == "assignments/source"


def test_every_lesson_in_the_manifest_exists_and_every_lesson_is_in_the_manifest():
    listed = {lesson["file"] for lesson in manifest.lessons(M)}
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")}
    assert listed == on_disk


def test_every_objective_is_assessed_by_a_graded_item():
    assessed = {o for a in manifest.assessments(M) for item in a["items"] for o in item["objectives"]}
    assert {o["id"] for o in manifest.objectives(M)} <= assessed


@pytest.mark.parametrize("assessment", manifest.assessments(M), ids=lambda a: a["id"])
def test_graded_cells_match_the_manifest(assessment):
    nb = nbformat.read(ROOT / "assignments/source" / assessment["id"] / f"{assessment['id']}.ipynb", as_version=4)
    graded = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    # A written answer cell is the learner's own text: its locked question cell, just before it, names the objective.
    shown = {c.metadata.get("nbgrader", {}).get("grade_id"): (nb.cells[i - 1].source if c.cell_type == "markdown"
                                                             else "") + c.source for i, c in enumerate(nb.cells)}
    items = {item["grade_id"]: item for item in assessment["items"]}
    assert set(graded) == set(items)
    for grade_id, cell in graded.items():
        assert cell.metadata["nbgrader"]["points"] == items[grade_id]["points"], grade_id
        is_manual = cell.cell_type == "markdown"  # written answers are markdown cells graded by hand
        assert is_manual == bool(items[grade_id].get("manual")), grade_id
        for objective in items[grade_id]["objectives"]:  # each graded cell names what it assesses
            assert objective in shown[grade_id], f"{grade_id} does not name {objective}"


def test_rendered_readme_and_lessons_are_up_to_date():
    result = subprocess.run([sys.executable, "-m", "exocourse.render", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_review_due_is_a_report_not_a_failure():
    later = dt.date.fromisoformat(M["content_current_as_of"]) + dt.timedelta(days=800)
    assert manifest.review_due(M, today=later)  # all lessons would be due
    assert manifest.review_due(M, today=dt.date.fromisoformat(M["content_current_as_of"])) == []
