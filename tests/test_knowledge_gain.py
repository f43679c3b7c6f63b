"""Knowledge gain from a small gradebook, with exact numbers; learners with one test are shown, not dropped."""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import ROOT, empty_gradebook

from exocourse.grading.env import with_python_on_path
from exocourse.instructor import knowledge_gain

# learner -> (pre-test points, post-test points) out of 12 each; None: that test was not taken.
CLASS = {"ana": (6, 9), "ben": (3, 12), "cy": (8, 8), "dee": (10, 7), "eli": (5, None), "fay": (None, 11),
         "gus": (None, None)}


def _gradebook(root):
    """A gradebook built through nbgrader's API: two 12-item one-point assignments and the class above."""
    from nbgrader.api import Gradebook

    os.environ["PATH"] = with_python_on_path(dict(os.environ))["PATH"]  # nbgrader runs `alembic` by name
    with Gradebook(empty_gradebook(root / "grading/gradebook.db")) as gb:
        for test in ("pretest", "posttest"):
            gb.add_assignment(test)
            gb.add_notebook(test, test)
            for n in range(1, 13):
                gb.add_grade_cell(f"t{n:02d}", test, test, max_score=1, cell_type="code")
        for learner, points in CLASS.items():
            gb.add_student(learner)
            for test, score in zip(("pretest", "posttest"), points, strict=True):
                if score is None:
                    continue
                submission = gb.add_submission(test, learner)
                for n, grade in enumerate(sorted(submission.notebooks[0].grades, key=lambda g: g.name)):
                    grade.auto_score = 1 if n < score else 0
                gb.db.commit()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("kg")
    shutil.copy2(ROOT / "course.yml", root / "course.yml")
    shutil.copytree(ROOT / "course.d", root / "course.d")
    _gradebook(root)
    return root


@pytest.fixture(scope="module")
def rows(course):
    return knowledge_gain.scores(course)


def test_each_learner_has_exact_percentages_and_gain(rows):
    table = {r["learner"]: (r["status"], r["pretest_percent"], r["posttest_percent"], r["gain"], r["passed_posttest"])
             for r in rows}
    assert table == {
        "ana": ("both tests", 50.0, 75.0, 25.0, True),   # 9/12 is exactly the pass mark: passes
        "ben": ("both tests", 25.0, 100.0, 75.0, True),
        "cy": ("both tests", 66.7, 66.7, 0.0, False),
        "dee": ("both tests", 83.3, 58.3, -25.0, False),
        "eli": ("pre-test only", 41.7, None, None, None),
        "fay": ("post-test only", None, 91.7, None, True),
        "gus": ("neither test", None, None, None, None),
    }


def test_cohort_summary_pairs_the_gain_and_counts_single_tests_apart(rows):
    s = knowledge_gain.cohort_summary(rows, 75)
    assert (s["learners"], s["both"], s["pretest_only"], s["posttest_only"], s["neither"]) == (7, 4, 1, 1, 1)
    # Gains of the 4 paired learners: 25, 75, 0, -25.
    assert (s["mean_gain"], s["median_gain"]) == (18.8, 12.5)
    assert (s["improved"], s["unchanged"], s["declined"]) == (2, 1, 1)
    assert (s["paired_mean_pretest_percent"], s["paired_mean_posttest_percent"]) == (56.2, 75.0)
    assert (s["mean_pretest_percent"], s["mean_posttest_percent"]) == (53.3, 78.3)
    assert s["passed_posttest"] == 3


def test_figure_shows_single_test_learners_and_tells_tests_apart_by_shape(rows):
    fig = knowledge_gain.figure(rows, 75)
    traces = {t.name: t for t in fig.data}
    assert traces["Pre-test"].marker.symbol == "circle-open" and traces["Post-test"].marker.symbol == "diamond"
    assert "eli (pre-test only)" in traces["Pre-test"].y and "fay (post-test only)" in traces["Post-test"].y
    assert len(traces["Pre-test"].x) == 5 and len(traces["Post-test"].x) == 5  # gus, with no test, is not plotted
    assert list(traces["Post-test"].y)[:4] == ["dee", "cy", "ana", "ben"]  # sorted by gain, lowest first
    assert fig.layout.meta["caption"].startswith("Pre-test and post-test score of each learner")
    assert fig.layout.meta["caption"].endswith(knowledge_gain.INDICATOR)
    assert "form A (pre-test) with form B (post-test)" in knowledge_gain.INDICATOR and "indicator, not an exact measure" in \
        knowledge_gain.INDICATOR
    assert fig.layout.meta["text_alternative"] == knowledge_gain.describe(rows, 75)[1]


def test_text_alternative_gives_the_figures_in_words(rows):
    assert knowledge_gain.describe(rows, 75)[1] == (
        "7 learner(s): 4 took both tests, 1 only the pre-test, 1 only the post-test, 1 neither. Learners who took "
        "both tests scored a mean of 56.2% before and 75% after, a mean gain of 18.8 points (median 12.5); 2 "
        "improved, 1 did not change and 1 declined. 3 reached the pass mark of 75% on the post-test.")


def test_cli_writes_csv_markdown_and_html(course):
    assert knowledge_gain.main([str(course)]) == 0
    csv_text = (course / "grading/knowledge_gain.csv").read_text(encoding="utf-8")
    assert csv_text.splitlines()[:2] == ["learner,status,pretest_percent,posttest_percent,gain,passed_posttest",
                                         "ana,both tests,50.0,75.0,25.0,True"]
    assert "eli,pre-test only,41.7,,," in csv_text
    md = (course / "grading/knowledge_gain.md").read_text(encoding="utf-8")
    assert "**Text version:** 7 learner(s)" in md and "| fay | post-test only | — | 91.7 | — | yes |" in md
    page = (course / "grading/knowledge_gain.html").read_text(encoding="utf-8")
    assert knowledge_gain.INDICATOR in md and knowledge_gain.INDICATOR in page  # the gain is reported as an indicator, not a measure
    assert "<strong>Text version:</strong>" in page and '<script src="https://cdn' not in page  # works offline


def test_no_gradebook_yet_gives_no_rows(tmp_path):
    shutil.copy2(ROOT / "course.yml", tmp_path / "course.yml")
    shutil.copytree(ROOT / "course.d", tmp_path / "course.d")
    assert knowledge_gain.scores(tmp_path) == [] and not (tmp_path / "grading").exists()


def test_form_a_against_form_b_objective_by_objective(tmp_path):
    """The forms share one grade id per objective, so the share answering each objective's item correctly is
    compared for learners who took both tests (eli, with the pre-test only, is left out)."""
    from nbgrader.api import Gradebook

    from exocourse import manifest

    shutil.copy2(ROOT / "course.yml", tmp_path / "course.yml")
    shutil.copytree(ROOT / "course.d", tmp_path / "course.d")
    items = manifest.assessment(manifest.load_manifest(tmp_path), "posttest")["items"]
    first, second = items[0]["grade_id"], items[1]["grade_id"]
    # learner -> {test: grade ids answered correctly}
    answers = {"ana": {"pretest": {first}, "posttest": {first, second}},
               "ben": {"pretest": set(), "posttest": {first}},
               "eli": {"pretest": {first, second}}}
    os.environ["PATH"] = with_python_on_path(dict(os.environ))["PATH"]
    with Gradebook(empty_gradebook(tmp_path / "grading/gradebook.db")) as gb:
        for test in ("pretest", "posttest"):
            gb.add_assignment(test)
            gb.add_notebook(test, test)
            for item in items:
                gb.add_grade_cell(item["grade_id"], test, test, max_score=1, cell_type="code")
        for learner, taken in answers.items():
            gb.add_student(learner)
            for test, right in taken.items():
                submission = gb.add_submission(test, learner)
                for grade in submission.notebooks[0].grades:
                    grade.auto_score = 1 if grade.name in right else 0
                gb.db.commit()
    rows = knowledge_gain.by_objective(tmp_path)
    assert len(rows) == len(items) and rows[0]["objective"] == items[0]["objectives"][0]
    assert [(r["learners"], r["pretest_correct_percent"], r["posttest_correct_percent"], r["change"])
            for r in rows[:3]] == [(2, 50.0, 100.0, 50.0), (2, 0.0, 50.0, 50.0), (2, 0.0, 0.0, 0.0)]
    md = knowledge_gain.summary_markdown(knowledge_gain.scores(tmp_path), 75, rows)
    assert "## Form A against form B, objective by objective" in md
    assert f"| {items[0]['objectives'][0]} | 2 | 50 | 100 | 50 |" in md
