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
    result = subprocess.run([sys.executable, "-m", "exocourse.build.render", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_review_due_is_a_report_not_a_failure():
    later = dt.date.fromisoformat(M["content_current_as_of"]) + dt.timedelta(days=800)
    assert manifest.review_due(M, today=later)  # all lessons would be due
    assert manifest.review_due(M, today=dt.date.fromisoformat(M["content_current_as_of"])) == []


# Continuing-education (CE) metadata: DESIGN section 7, issue 7 part 3.

def _graded_ids(assignment_id: str) -> dict[str, dict]:
    """grade_id -> nbgrader metadata of the graded cells of an assignment's source notebook."""
    nb = nbformat.read(ROOT / "assignments/source" / assignment_id / f"{assignment_id}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def test_every_objective_is_assessed_by_a_graded_cell_in_a_notebook():
    """Read from the notebooks themselves: an objective counts only if a graded cell that exists assesses it."""
    known = {o["id"] for o in manifest.objectives(M)}
    assessed = set()
    for assessment in manifest.assessments(M):
        on_disk = _graded_ids(assessment["id"])
        assessed |= {o for item in assessment["items"] if item["grade_id"] in on_disk for o in item["objectives"]}
    assert sorted(known - assessed) == []


def test_every_graded_cell_names_objectives_that_exist():
    known = {o["id"] for o in manifest.objectives(M)}
    for assessment in manifest.assessments(M):
        items = {item["grade_id"]: item for item in assessment["items"]}
        for grade_id in _graded_ids(assessment["id"]):
            assert grade_id in items, f"{assessment['id']}: graded cell {grade_id} is not in the manifest"
            assert set(items[grade_id]["objectives"]) <= known, grade_id


def test_minutes_add_up_to_the_credit_hours():
    lessons = sum(lesson["minutes"] for lesson in manifest.lessons(M))
    tests = sum(a["minutes"] for a in manifest.assessments(M) if a["id"] != M["ce"]["evaluation"])
    assert lessons + tests == manifest.credit_minutes(M) == 396
    assert M["ce"]["credit_hours"] * 60 == manifest.credit_minutes(M)


def test_expiry_is_after_release_and_within_three_years():
    release = dt.date.fromisoformat(M["ce"]["release_date"])
    expiry = dt.date.fromisoformat(M["ce"]["expiry_date"])
    assert release < expiry <= manifest.latest_expiry(release) == dt.date(release.year + 3, release.month, release.day)
    assert release <= dt.date.fromisoformat(M["ce"]["last_review_date"]) < expiry


@pytest.mark.parametrize("expiry, message", [("2026-11-24", "release_date <= last_review_date < expiry_date"),
                                             ("2029-11-26", "more than 3 years")])
def test_manifest_rejects_an_expiry_before_release_or_beyond_three_years(expiry, message):
    broken = manifest.read_manifest(ROOT)
    broken["ce"].update(release_date="2026-11-25", last_review_date="2026-11-25", expiry_date=expiry)
    with pytest.raises(manifest.ManifestError, match=message):
        manifest.validate_manifest(broken)


def test_manifest_rejects_ce_without_disclosures_or_an_unknown_posttest():
    broken = manifest.read_manifest(ROOT)
    broken["ce"]["disclosures"] = []
    with pytest.raises(manifest.ManifestError, match="disclosures"):
        manifest.validate_manifest(broken)
    broken = manifest.read_manifest(ROOT)
    broken["ce"]["posttest"] = "final_exam"
    with pytest.raises(manifest.ManifestError, match="final_exam"):
        manifest.validate_manifest(broken)


def test_module_assignments_are_the_problem_sets_only():
    assert manifest.module_assignments(M) == ["ps1", "ps2", "ps3", "ps4"]
    assert [a["id"] for a in manifest.assessments(M)] == ["ps1", "ps2", "ps3", "ps4", "pretest", "posttest",
                                                          "evaluation"]


def test_ce_info_gives_the_pass_points_and_what_the_program_must_complete():
    info = manifest.ce_info(M)
    assert (info["credit_hours"], info["pass_mark_percent"], info["posttest_points"], info["pass_points"]) == \
        (6.6, 75, 25, 19)
    assert (info["pretest"], info["posttest"], info["evaluation"]) == ("pretest", "posttest", "evaluation")
    # Nobody's name, credentials or relationships are invented: the program fills them in.
    assert {"ce.faculty[0].name", "ce.disclosures[0].relationships", "ce.contact",
            "ce.accreditation_statement"} <= set(info["placeholders"])
    assert "Accredited provider to insert" in info["accreditation_statement"]


def test_pass_mark_is_inclusive():
    assert manifest.pass_points(75, 12) == 9 and manifest.pass_points(75, 10) == 8
    assert manifest.passed(9, 12, 75) and not manifest.passed(8, 12, 75)


def test_pretest_and_posttest_are_parallel_forms_autograded_only():
    """Form A and form B of the item bank: the same grade ids and objectives (one item per objective, so scores
    compare objective by objective), but different questions, so the post-test is not a memory of the pre-test."""
    pre = nbformat.read(ROOT / "assignments/source/pretest/pretest.ipynb", as_version=4)
    post = nbformat.read(ROOT / "assignments/source/posttest/posttest.ipynb", as_version=4)
    assert manifest.assessment(M, "pretest")["items"] == manifest.assessment(M, "posttest")["items"]
    objectives = [o["id"] for o in manifest.objectives(M)]
    assert [i["objectives"] for i in manifest.assessment(M, "posttest")["items"]] == [[o] for o in objectives]
    questions = {}
    for name, nb in (("pre", pre), ("post", post)):
        graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert len(graded) == len(objectives) and all(c.cell_type == "code" and c.metadata.nbgrader.points == 1
                                                      for c in graded)
        assert [c.metadata.nbgrader.grade_id for c in graded] == [i["grade_id"] for i in
                                                                  manifest.assessment(M, "pretest")["items"]]
        questions[name] = {c.source.split("\n\n", 1)[1] for c in nb.cells
                           if c.cell_type == "markdown" and c.source.startswith("## Question")}
    assert len(questions["pre"]) == len(objectives) and questions["pre"].isdisjoint(questions["post"])
    # Both are taken closed-book, and both say that treatment uses are investigational (without quoting FDA's
    # statement, which question 9 asks about).
    assert "without looking things up" in pre.cells[0].source
    assert "without the lessons, notes or other sources" in post.cells[0].source
    assert "not an exact measure" in post.cells[0].source
    for nb in (pre, post):
        assert "Any treatment use of exosome products in these questions is investigational" in nb.cells[0].source
        assert "FDA-approved" not in nb.cells[0].source
    info = manifest.ce_info(M)  # the post-test announces the manifest's pass mark, not a stale copy
    assert f"Pass mark: {info['pass_mark_percent']}% ({info['pass_points']} of\n{info['posttest_points']} points)" \
        in post.cells[0].source


def test_the_evaluation_is_ungraded():
    nb = nbformat.read(ROOT / "assignments/source/evaluation/evaluation.ipynb", as_version=4)
    assert not [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert manifest.assessment(M, "evaluation")["items"] == []
    assert f"designed for about {M['ce']['credit_hours']:g} hours" in "".join(c.source for c in nb.cells)


def test_lesson_00_and_readme_show_the_ce_facts_from_the_manifest():
    lesson = (ROOT / "lessons/00_start_here.ipynb").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in (lesson, readme):
        assert "75% on the post-test (19 of 25 points)" in text
        assert "**Expiry (termination) date:** 2029-11-24" in text and "6.6 hours (396 minutes" in text
        assert "[Accredited provider to insert:" in text
        # The course states estimated time; only the accredited provider decides credit.
        assert "**Total estimated time (pre-test, lessons, assignments, post-test)** | | **396**" in text
        assert "counts toward credit" not in text
        # The privacy statement names where names and licence numbers are kept, and how long records are kept.
        assert "roster kept only in the instructors' grading folder" in text and "never stored" not in text
        assert "hours appear on your certificate only if you attest them there" in text
    minutes = manifest.lessons(M)[0]["minutes"]
    assert manifest.lessons(M)[0]["file"] == "lessons/00_start_here.ipynb"
    assert f"**Estimated time:** {minutes} minutes" in nbformat.read(ROOT / "lessons/00_start_here.ipynb", 4).cells[0].source


def test_render_check_fails_when_the_ce_block_is_out_of_date(tmp_path):
    import shutil

    from exocourse.build import render

    for item in ["course.yml", "course.d", "README.md", "lessons", "data"]:
        (shutil.copytree if (ROOT / item).is_dir() else shutil.copy2)(ROOT / item, tmp_path / item)
    assert render.outdated(tmp_path) == []
    course = tmp_path / "course.yml"
    course.write_text(course.read_text(encoding="utf-8").replace("expiry_date: 2029-11-24", "expiry_date: 2029-06-30"),
                      encoding="utf-8")
    manifest.load_manifest.cache_clear()
    assert render.outdated(tmp_path) == ["README.md", "lessons/00_start_here.ipynb"]


def test_review_due_reports_ce_dates_without_failing():
    later = dt.date(2029, 10, 1)
    lines = manifest.review_due_report(M, today=later)
    assert "CE content review: last on 2026-11-25, 1041 days ago — due for review" in lines
    assert "CE expiry: 2029-11-24, in 54 days — re-review and set new dates" in lines
    assert manifest.ce_review_report(M, today=dt.date(2026, 11, 25)) == []
    result = subprocess.run([sys.executable, "-m", "exocourse.manifest", "review-due"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0 and "Nothing is due for review" in result.stdout
