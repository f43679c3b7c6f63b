"""Item analysis from a real nbgrader gradebook and submitted notebooks, with figures computed by hand."""

from __future__ import annotations

import math
import os
import warnings

import nbformat
import pytest
from conftest import empty_gradebook
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from exocourse import cli
from exocourse.answers import digest
from exocourse.grading.env import with_python_on_path
from exocourse.instructor import item_analysis, item_report, item_sources, item_statistics

ITEMS = ("t1_origin", "t2_claim", "t3_ppv")  # two multiple-choice items (keys B and C) and a number item
STUB = "# Type your answer here, as in the example above, then run this cell."


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    return {"nbgrader": {**meta, "points": points} if grade else meta}


def _test_cell(grade_id: str, question: str, variable: str, kind: str, key: str) -> nbformat.NotebookNode:
    extra = ", decimals=0" if kind == "number" else ""
    source = (f'"""{question}: checks the form of your answer."""\nfrom exocourse.grading import check_form\n'
              f'check_form("{question}", "{variable}", kind="{kind}"{extra})\n### BEGIN HIDDEN TESTS\n'
              f'import importlib\ngrading = importlib.reload(importlib.import_module("exocourse.grading"))\n'
              f'grading.check_answer("{question}", "{variable}", key="{key}", kind="{kind}"{extra})\n'
              "### END HIDDEN TESTS")
    return new_code_cell(source, metadata=_meta(grade_id, grade=True, points=1))


def source_notebook(answers: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The assignment as authored (answers None: the solutions) or as a learner submitted it."""
    answers = answers or {"q1": '### BEGIN SOLUTION\nq1 = "B"\n### END SOLUTION',
                          "q2": '### BEGIN SOLUTION\nq2 = "C"\n### END SOLUTION',
                          "q3": "### BEGIN SOLUTION\nq3 = 100 * 90 / 360\n### END SOLUTION"}
    return new_notebook(cells=[
        new_markdown_cell("## Question 1\n\n- **A.** …\n- **B.** …\n- **C.** …\n- **D.** …"),
        new_code_cell(answers.get("q1", STUB), metadata=_meta("q1_answer", solution=True)),
        _test_cell("t1_origin", "Question 1", "q1", "choice", digest("q1", "B")),
        new_code_cell(answers.get("q2", STUB), metadata=_meta("q2_answer", solution=True)),
        _test_cell("t2_claim", "Question 2", "q2", "choice", digest("q2", "C")),
        new_code_cell(answers.get("q3", STUB), metadata=_meta("q3_answer", solution=True)),
        _test_cell("t3_ppv", "Question 3", "q3", "number", digest("q3", "25")),
        new_code_cell("w1 = 'explain'", metadata=_meta("w1_explain", grade=True, solution=True, points=2)),
    ])


# Six learners: (item scores t1, t2, t3), and what they typed for q1 and q2. dee's q2 would create a file if it ran.
SIX = {
    "ada": ((1, 1, 1), 'q1 = "B"', 'q2 = "C"'),
    "ben": ((1, 1, 0), 'q1 = "b"', 'q2 = " C "'),
    "cy": ((1, 0, 1), 'q1 = "B"', 'q2 = "d"'),
    "dee": ((1, 0, 0), 'q1 = "B"', "q2 = __import__('pathlib').Path({pwned!r}).touch()"),
    "eli": ((0, 1, 0), 'q1 = "A"', 'q2 = "C"'),
    "fay": ((1, 0, 0), 'q1 = "B"', STUB),
}
# Twelve learners: t1 right for all but L12, who chose D; t2 right for L07-L12 (L01-L04 chose A, L05-L06 B);
# t3 right for L10-L12.
TWELVE = {f"L{n:02d}": ((int(n != 12), int(n >= 7), int(n >= 10)), 'q1 = "D"' if n == 12 else 'q1 = "B"',
                        'q2 = "C"' if n >= 7 else 'q2 = "A"' if n <= 4 else 'q2 = "B"') for n in range(1, 13)}


def _add_assignment(gb, name: str, learners: dict) -> None:
    """An assignment with the three autograded items and a hand-graded answer (w1_explain, 2 points) that the
    analysis must leave out; every learner gets full hand marks on it."""
    gb.add_assignment(name)
    gb.add_notebook(name, name)
    for item in ITEMS:
        gb.add_grade_cell(item, name, name, max_score=1, cell_type="code")
    gb.add_grade_cell("w1_explain", name, name, max_score=2, cell_type="code")
    gb.add_solution_cell("w1_explain", name, name)
    for learner, scores in learners.items():
        gb.update_or_create_student(learner)
        submission = gb.add_submission(name, learner)
        for grade in submission.notebooks[0].grades:
            if grade.name in ITEMS:
                grade.auto_score = scores[ITEMS.index(grade.name)]
            else:
                grade.manual_score = 2
        gb.db.commit()


def _write(root, assignment: str, learners: dict, pwned) -> None:
    folder = root / "assignments" / "source" / assignment
    folder.mkdir(parents=True)
    nbformat.write(source_notebook(), folder / f"{assignment}.ipynb")
    for learner, (_, q1, q2) in learners.items():
        submitted = root / "grading" / "submitted" / learner / assignment
        submitted.mkdir(parents=True)
        nbformat.write(source_notebook({"q1": q1, "q2": q2.format(pwned=str(pwned))}),
                       submitted / f"{assignment}.ipynb")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder with a gradebook built through nbgrader's API: quiz (6 learners), quiz12 (12), partial
    (t3 not graded for anyone), ungraded (nothing graded) and empty (no submission)."""
    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("items")
    pwned = root / "pwned"
    os.environ["PATH"] = with_python_on_path(dict(os.environ))["PATH"]  # nbgrader runs `alembic` by name
    with warnings.catch_warnings(), Gradebook(empty_gradebook(root / "grading/gradebook.db")) as gb:
        warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session")  # nbgrader 0.9's noise
        _add_assignment(gb, "quiz", {k: v[0] for k, v in SIX.items()})
        _add_assignment(gb, "quiz12", {k: v[0] for k, v in TWELVE.items()})
        _add_assignment(gb, "partial", {k: (*v[0][:2], None) for k, v in SIX.items()})
        _add_assignment(gb, "ungraded", {k: (None, None, None) for k in SIX})
        _add_assignment(gb, "empty", {})
    _write(root, "quiz", SIX, pwned)
    _write(root, "quiz12", TWELVE, pwned)
    return root


@pytest.fixture(scope="module")
def six(course):
    return item_analysis.analyse_assignment(course, "quiz")


@pytest.fixture(scope="module")
def twelve(course):
    return item_analysis.analyse_assignment(course, "quiz12")


def _rows(report) -> dict:
    return {row["item"].name: row for row in report["items"]}


# ------------------------------------------------------------------------------------ six learners, by hand ---
def test_groups_are_27_percent_rounded_half_up_at_least_one():
    assert [item_statistics.group_size(n) for n in (1, 2, 6, 12, 50, 100)] == [1, 1, 2, 3, 14, 27]  # 27% of 50 = 13.5 -> 14


def test_only_autograded_items_are_analysed_in_notebook_order(six):
    assert [row["item"].name for row in six["items"]] == list(ITEMS)  # w1_explain (hand-graded) is left out
    assert [row["item"].question for row in six["items"]] == ["Question 1", "Question 2", "Question 3"]
    assert [row["item"].key for row in six["items"]] == ["B", "C", None]  # from the hidden tests' salted keys


def test_difficulty_is_the_proportion_of_points_earned(six):
    # t1: 5 of 6 learners right; t2: ada, ben, eli = 3 of 6; t3: ada, cy = 2 of 6.
    rows = _rows(six)
    assert [rows[i]["graded"] for i in ITEMS] == [6, 6, 6]
    assert [rows[i]["difficulty"] for i in ITEMS] == pytest.approx([5 / 6, 1 / 2, 1 / 3])


def test_discrimination_is_the_point_biserial_against_the_rest_of_the_test(six):
    # Totals (hand-graded w1 left out): ada 3, ben 2, cy 2, dee 1, eli 1, fay 1.
    # t1 item x = (1,1,1,1,0,1), rest y = total - x = (2,1,1,0,1,0); means 5/6 and 5/6.
    #   Sxy = [7 + 1 + 1 - 5 - 5 - 5] / 36 = -1/6; Sxx = 30/36 = 5/6; Syy = 102/36 = 17/6
    #   r = (-1/6) / sqrt(5/6 * 17/6) = -1/sqrt(85) = -0.1085
    # t2 x = (1,1,0,0,1,0), y = (2,1,2,1,0,1); means 1/2 and 7/6.
    #   Sxy = [5 - 1 - 5 + 1 - 7 + 1] / 12 = -1/2; Sxx = 3/2; Syy = 102/36 = 17/6
    #   r = (-1/2) / sqrt(3/2 * 17/6) = -1/sqrt(17) = -0.2425
    # t3 x = (1,0,1,0,0,0), y = (2,2,1,1,1,1); means 1/3 and 4/3.
    #   Sxy = [4 - 2 - 2 + 1 + 1 + 1] / 9 = 1/3; Sxx = 12/9; Syy = 12/9
    #   r = (1/3) / (4/3) = 0.25
    rows = _rows(six)
    assert rows["t1_origin"]["discrimination"] == pytest.approx(-1 / math.sqrt(85))
    assert rows["t2_claim"]["discrimination"] == pytest.approx(-1 / math.sqrt(17))
    assert rows["t3_ppv"]["discrimination"] == pytest.approx(0.25)


def test_upper_lower_index_uses_groups_sorted_by_total_then_learner_id(six):
    # 27% of 6 = 1.62 -> groups of 2. Ascending by (total, id): dee 1, eli 1, fay 1, ben 2, cy 2, ada 3.
    # Bottom = dee, eli (fay, tied at 1, is left out by id); top = cy, ada.
    # t1: top 2/2 - bottom 1/2 = 0.5; t2: top 1/2 - bottom 1/2 = 0; t3: top 2/2 - bottom 0/2 = 1.
    rows = _rows(six)
    assert six["group_size"] == 2 and six["complete"] == 6
    assert [rows[i]["upper_lower"] for i in ITEMS] == pytest.approx([0.5, 0.0, 1.0])


def test_option_shares_are_read_from_submitted_notebooks_without_running_them(six, course):
    rows = _rows(six)
    # q1: eli typed "A", ben "b" (read as B), the rest "B".
    assert rows["t1_origin"]["options"] == {"A": 1, "B": 5, "C": 0, "D": 0, item_sources.NO_VALID_ANSWER: 0, item_sources.NOT_READ: 0}
    # q2: ada, ben (" C "), eli chose C; cy "d"; dee typed code (not a plain value), fay left the stub.
    assert rows["t2_claim"]["options"] == {"A": 0, "B": 0, "C": 3, "D": 1, item_sources.NO_VALID_ANSWER: 2, item_sources.NOT_READ: 0}
    assert rows["t2_claim"]["top"]["D"] == 1 and rows["t2_claim"]["bottom"]["D"] == 0  # cy is in the top group
    assert rows["t3_ppv"]["options"] is None  # a number item has no options
    assert not (course / "pwned").exists()  # dee's code never ran


def test_six_learners_flags_in_plain_language(six):
    rows = _rows(six)
    nobody = "was chosen by nobody: it is not a plausible distractor; consider replacing it"
    weak = ("(below 0.2), so learners who did well on the rest of the test were not clearly more likely to earn its "
            "points; it is negative: check the key")
    assert rows["t1_origin"]["flags"] == [f"low discrimination: r = -0.11 {weak}", f"option C {nobody}",
                                          f"option D {nobody}"]
    assert rows["t2_claim"]["flags"] == [
        f"low discrimination: r = -0.24 {weak}", f"option A {nobody}", f"option B {nobody}",
        "option D was chosen by more learners of the top group (1) than of the bottom group (0): check that it is "
        "not also a defensible answer"]
    assert rows["t3_ppv"]["flags"] == []


def test_fewer_than_ten_learners_says_the_statistics_are_not_yet_meaningful(six):
    assert not six["meaningful"]
    assert item_analysis.not_meaningful(six) == (
        "Fewer than 10 learners have been graded on every item (6), so these statistics are not yet meaningful: "
        "read them as counts, and do not change, drop or rescore an item on their strength.")


def test_cli_writes_markdown_csv_and_an_accessible_html_page(course, six):
    assert item_analysis.main(["quiz", "--course", str(course)]) == 0
    folder = course / "grading" / "item_analysis"
    md = (folder / "quiz.md").read_text(encoding="utf-8")
    assert md.splitlines()[:6] == [
        "# Item analysis: quiz", "",
        "6 learner(s) submitted quiz. Graded on every item with graded answers: 6; these are used for "
        "discrimination and the upper-lower index (top and bottom groups of 2).", "",
        f"> **Not yet meaningful:** {item_analysis.not_meaningful(six)}", ""]
    assert "| Question 1 (t1_origin) | 1 | 6 | 0.83 | -0.11 | 0.50 | 3 |" in md
    assert "| Question 3 (t3_ppv) | 1 | 6 | 0.33 | 0.25 | 1.00 | none |" in md
    assert "## Options of Question 2 (t2_claim): keyed answer C" in md and "| C (key) | 3 | 50% | 1 | 1 |" in md
    assert "| no valid answer | 2 | 33% | 0 | 1 |" in md and "**Text version:** 3 item(s), 2 flagged." in md
    csv_lines = (folder / "quiz.csv").read_text(encoding="utf-8").splitlines()
    assert csv_lines[0] == ",".join(item_report.COLUMNS)
    assert csv_lines[3].startswith("quiz,t3_ppv,Question 3,1.0,6,0.333,0.25,1.0,,,")
    assert "A=1; B (key)=5; C=0; D=0; no valid answer=0" in csv_lines[1]
    page = (folder / "quiz.html").read_text(encoding="utf-8")
    assert "<html lang='en'>" in page and "<figure aria-label='Difficulty (proportion of points earned" in page
    assert "<strong>Text version:</strong>" in page and "<th scope='col'>Discrimination (r)</th>" in page
    assert "Not yet meaningful:" in page and '<script src="https://cdn' not in page  # works offline


def test_figure_tells_flagged_items_apart_by_shape_and_label_not_only_colour(six):
    fig = item_report.figure(six)
    traces = {t.name: t for t in fig.data}
    assert traces["No flag"].marker.symbol == "circle" and traces["Flagged"].marker.symbol == "x"
    assert list(traces["Flagged"].text) == ["t1_origin (flagged)", "t2_claim (flagged)"]
    assert list(traces["No flag"].text) == ["t3_ppv"]
    assert fig.layout.meta["text_alternative"] == item_report.describe(six)[1]


# ------------------------------------------------------------------------------------------ twelve learners ---
def test_twelve_learners_flag_easy_hard_weak_items_and_distractors(twelve):
    # Totals: L01-L06 1, L07-L09 2, L10-L11 3, L12 2 (t1 wrong). Groups of 3 (27% of 12 = 3.24):
    # bottom L01, L02, L03; top (ascending, last three) L12, L10, L11.
    # t1: 11/12 = 0.917 > 0.9. x = 1 except L12; rest: L01-06 0, L07-09 1, L10-11 2, L12 2; means 11/12, 3/4.
    #   Sxy = (1/12)(6(-3/4) + 3(1/4) + 2(5/4)) + (-11/12)(5/4) = -5/48 - 55/48 = -5/4
    #   Sxx = 11/12, Syy = 33/4, r = (-5/4) / sqrt(11/12 * 33/4) = -5/11 = -0.45
    # t2: 6/12 = 0.5; r = 1/sqrt(5) = 0.45. t3: 3/12 = 0.25 < 0.3; r = 0.75 / sqrt(9/4 * 35/12) = 0.29.
    rows = _rows(twelve)
    assert twelve["meaningful"] and item_analysis.not_meaningful(twelve) is None and twelve["group_size"] == 3
    assert [rows[i]["difficulty"] for i in ITEMS] == pytest.approx([11 / 12, 1 / 2, 1 / 4])
    assert [rows[i]["discrimination"] for i in ITEMS] == pytest.approx(
        [-5 / 11, 1 / math.sqrt(5), 0.75 / math.sqrt(9 / 4 * 35 / 12)])
    # t1: top 2/3 - bottom 3/3 = -1/3; t2 and t3: top 3/3 - bottom 0/3 = 1.
    assert [rows[i]["upper_lower"] for i in ITEMS] == pytest.approx([-1 / 3, 1, 1])
    nobody = "was chosen by nobody: it is not a plausible distractor; consider replacing it"
    assert rows["t1_origin"]["flags"] == [
        "too easy: 92% of its points were earned (above 90%), so it tells learners apart little",
        "low discrimination: r = -0.45 (below 0.2), so learners who did well on the rest of the test were not "
        "clearly more likely to earn its points; it is negative: check the key",
        f"option A {nobody}", f"option C {nobody}",
        "option D was chosen by more learners of the top group (1) than of the bottom group (0): check that it is "
        "not also a defensible answer"]
    assert rows["t2_claim"]["flags"] == [f"option D {nobody}"]  # A and B: chosen by the bottom group only
    assert rows["t3_ppv"]["flags"] == [
        "too hard: only 25% of its points were earned (below 30%); check the key, the wording and whether the "
        "lessons teach it"]


def test_twelve_learners_report_has_no_small_cohort_warning(course, twelve):
    item_analysis.write_report(twelve, course / "grading" / "item_analysis")
    md = (course / "grading" / "item_analysis" / "quiz12.md").read_text(encoding="utf-8")
    assert "not yet meaningful" not in md and md.splitlines()[4:6] == ["## Flags", ""]


# ---------------------------------------------------------------------------------------- the plain sentences ---
def test_an_item_without_graded_answers_gets_one_sentence(course):
    report = item_analysis.analyse_assignment(course, "partial")
    rows = _rows(report)
    assert rows["t3_ppv"]["flags"] == ["no learner's answer to this item has been graded yet, so it has no statistics"]
    assert rows["t3_ppv"]["graded"] == 0 and rows["t3_ppv"]["difficulty"] is None
    assert rows["t1_origin"]["difficulty"] == pytest.approx(5 / 6) and report["complete"] == 6


def _error(capsys, argv) -> str:
    assert cli.run(item_analysis.main, argv) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "Traceback" not in captured.err
    return captured.err


def test_unknown_assignment_is_one_sentence(course, capsys):
    assert _error(capsys, ["ps9", "--course", str(course)]) == (
        "error: The gradebook has no assignment called 'ps9' (it has: empty, partial, quiz, quiz12, ungraded); "
        "check the name, or autograde it first.\n")


def test_assignment_without_submissions_is_one_sentence(course, capsys):
    assert _error(capsys, ["empty", "--course", str(course)]) == (
        "error: No learner has submitted empty yet, so there is nothing to analyse.\n")


def test_assignment_with_nothing_graded_is_one_sentence(course, capsys):
    assert _error(capsys, ["ungraded", "--course", str(course)]) == (
        "error: No answer to ungraded has been graded yet: autograde it first (make autograde "
        "ASSIGNMENT=ungraded).\n")


def test_missing_gradebook_is_one_sentence_and_creates_none(tmp_path, capsys):
    assert _error(capsys, ["ps1", "--course", str(tmp_path)]) == (
        f"error: There is no gradebook at {tmp_path / 'grading' / 'gradebook.db'} yet: autograde ps1 first "
        "(make autograde ASSIGNMENT=ps1).\n")
    assert not (tmp_path / "grading").exists()


def test_an_assignment_name_that_is_a_path_or_blank_is_refused(course, capsys):
    assert _error(capsys, ["../quiz", "--course", str(course)]) == (
        "error: '../quiz' is not an assignment name; give one such as ps1 (make item-analysis ASSIGNMENT=ps1).\n")
    assert _error(capsys, ["", "--course", str(course)]) == (
        "error: Give the assignment to analyse, for example make item-analysis ASSIGNMENT=ps1.\n")
