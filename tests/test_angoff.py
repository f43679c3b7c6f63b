"""The modified-Angoff worksheet: a blank from the post-test, exact panel figures, and every worksheet problem
reported with its row number before anything is computed."""

from __future__ import annotations

import math
import shutil

import nbformat
import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell, new_notebook

from exocourse import cli
from exocourse.instructor import angoff, angoff_result
from exocourse.manifest import load_manifest

# A small post-test: two 1-point items and a 2-point item (4 autograded points), and a hand-graded answer
# (w1_explain) that the worksheet must leave out.
POINTS = {"t01_definition": 1, "t02_ppv": 1, "t03_consent": 2}
HEADER = "judge,item,probability"


def _cell(grade_id: str, points: int, n: int, solution: bool = False) -> nbformat.NotebookNode:
    meta = {"grade": True, "grade_id": grade_id, "locked": not solution, "points": points, "schema_version": 3,
            "solution": solution, "task": False}
    return new_code_cell(f'from exocourse.grading import check_form\ncheck_form("Question {n}", "q{n}")',
                         metadata={"nbgrader": meta})


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy2(ROOT / "course.yml", root / "course.yml")
    shutil.copytree(ROOT / "course.d", root / "course.d")
    folder = root / "assignments" / "source" / "posttest"
    folder.mkdir(parents=True)
    cells = [_cell(name, points, n) for n, (name, points) in enumerate(POINTS.items(), start=1)]
    nbformat.write(new_notebook(cells=[*cells, _cell("w1_explain", 3, 4, solution=True)]), folder / "posttest.ipynb")
    return root


# Three judges. Expected scores (probability x points, summed):
#   Dr A: 0.8 x 1 + 0.6 x 1 + 0.5 x 2 = 2.4
#   Dr B: 0.9 x 1 + 0.7 x 1 + 0.7 x 2 = 3.0
#   Dr C: 0.7 x 1 + 0.5 x 1 + 0.6 x 2 = 2.4
# Mean = 7.8 / 3 = 2.6 points = 2.6 / 4 = 65%.
# Deviations -0.2, +0.4, -0.2; squares 0.04 + 0.16 + 0.04 = 0.24; sample variance 0.24 / 2 = 0.12;
# SD = sqrt(0.12) = 0.3464 points = 8.66%; SE = SD / sqrt(3) = sqrt(0.04) = 0.2 points = 5%.
# Lowest 2.4 (Dr A and Dr C) = 60%, highest 3.0 (Dr B) = 75%; at least ceil(2.6) = 3 of 4 points to pass.
PANEL = [("Dr A", "t01_definition", "0.8"), ("Dr A", "t02_ppv", "0.6"), ("Dr A", "t03_consent", "0.5"),
         ("Dr B", "t01_definition", "0.9"), ("Dr B", "t02_ppv", "0.7"), ("Dr B", "t03_consent", "0.7"),
         ("Dr C", "t01_definition", "0.7"), ("Dr C", "t02_ppv", "0.5"), ("Dr C", "t03_consent", "0.6")]


def worksheet(tmp_path, rows, header: str = HEADER):
    path = tmp_path / "filled.csv"
    path.write_text("\n".join([header, *(",".join(row) for row in rows)]) + "\n", encoding="utf-8")
    return path


def problems(course, path) -> str:
    """The message of the worksheet's problems (nothing computed)."""
    _, items = angoff.posttest_items(course)
    with pytest.raises(angoff.WorksheetError) as caught:
        angoff.read_worksheet(path, items)
    return str(caught.value)


# ----------------------------------------------------------------------------------------- blank worksheet ---
def test_blank_worksheet_has_a_row_per_judge_and_post_test_item(tmp_path):
    posttest, items = angoff.posttest_items(ROOT)  # the course's real post-test
    manifest = load_manifest(ROOT)
    listed = next(a["items"] for a in manifest["course_assessments"] if a["id"] == posttest)
    assert [(i.name, i.points) for i in items] == [(x["grade_id"], x["points"]) for x in listed]  # as course.yml says
    sheet, notes, fresh = angoff.write_blank(tmp_path, posttest, items, manifest["pass_mark_percent"])
    lines = sheet.read_text(encoding="utf-8").splitlines()
    assert fresh and lines[0] == HEADER and len(lines) == 1 + len(items) * angoff.BLANK_JUDGES
    assert lines[1:3] == [f"judge 1,{items[0].name},", f"judge 1,{items[1].name},"]
    assert lines[-1] == f"judge {angoff.BLANK_JUDGES},{items[-1].name},"
    text = notes.read_text(encoding="utf-8")
    assert f"pass mark of {manifest['pass_mark_percent']:g}% (course.yml pass_mark_percent) is provisional" in text
    total = sum(i.points for i in items)
    assert f"## The items ({len(items)}, {total:g} autograded points)" in text
    assert f"| {items[0].name} | {items[0].question} | {items[0].points:g} |" in text


def test_blank_worksheet_leaves_hand_graded_answers_out_and_never_overwrites_ratings(course, capsys):
    assert angoff.main(["--course", str(course)]) == 0
    sheet = course / "grading" / "angoff" / "worksheet.csv"
    assert [line.split(",")[1] for line in sheet.read_text(encoding="utf-8").splitlines()[1:4]] == list(POINTS)
    assert "provisional" in capsys.readouterr().out
    sheet.write_text(HEADER + "\nDr A,t01_definition,0.8\n", encoding="utf-8")  # a judge has started
    assert angoff.main(["--course", str(course)]) == 0
    assert "left as it is" in capsys.readouterr().out
    assert sheet.read_text(encoding="utf-8") == HEADER + "\nDr A,t01_definition,0.8\n"


# ----------------------------------------------------------------------------------------------- the panel ---
def test_three_judges_give_exact_mean_sd_range_and_standard_error(course, tmp_path):
    _, items = angoff.posttest_items(course)
    result = angoff.cut_score(angoff.read_worksheet(worksheet(tmp_path, PANEL), items), items)
    assert result["total_points"] == 4 and result["judges"] == 3
    assert result["expected"] == pytest.approx({"Dr A": 2.4, "Dr B": 3.0, "Dr C": 2.4})
    assert (result["mean"], result["mean_percent"]) == pytest.approx((2.6, 65.0))
    assert (result["sd"], result["sd_percent"]) == pytest.approx((math.sqrt(0.12), 25 * math.sqrt(0.12)))
    assert (result["se"], result["se_percent"]) == pytest.approx((0.2, 5.0))
    assert (result["min"], result["max"], result["min_percent"], result["max_percent"]) == pytest.approx(
        (2.4, 3.0, 60.0, 75.0))
    assert result["lowest"] == ["Dr A", "Dr C"] and result["highest"] == ["Dr B"]
    assert angoff_result.whole_points(result, items) == 3


def test_summary_markdown_and_csv_say_the_pass_mark_is_provisional(course, tmp_path, capsys):
    assert angoff.main(["--course", str(course), "--worksheet", str(worksheet(tmp_path, PANEL))]) == 0
    md = (course / "grading" / "angoff" / "summary.md").read_text(encoding="utf-8")
    assert md.splitlines()[:7] == [
        "# Modified-Angoff cut score: posttest", "",
        "3 judges recommend a cut score of 2.60 of 4 points (65.0%): SD 0.35 points (8.7%), range 2.40–3.00 points "
        "(60.0–75.0%), standard error 0.20 points (5.0%).", "",
        "A learner reaches it with at least 3 of 4 points. It is below the course's current pass mark of 75%.", "",
        "Until a program's standard-setting panel has done this, the course's pass mark of 75% (course.yml "
        "pass_mark_percent) is provisional. The program adopts a cut score by changing pass_mark_percent in "
        "course.yml (and announcing it to learners before they take the post-test)."]
    assert "| Dr B | 3.00 | 75.0 |" in md and "| Lowest judge (Dr A, Dr C) | 2.40 | 60.0 |" in md
    assert "| t03_consent | Question 3 | 2 | 0.60 | 0.50–0.70 |" in md
    rows = (course / "grading" / "angoff" / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "measure,judge,points,percent_of_posttest" and rows[1] == "expected score,Dr A,2.4,60.0"
    assert "recommended cut score (mean),,2.6,65.0" in rows and "standard error,,0.2,5.0" in rows
    assert "standard deviation across judges,,0.3464,8.66" in rows
    assert "provisional" in capsys.readouterr().out


# ------------------------------------------------------------------------- problems, each with its row number ---
def test_probability_outside_zero_to_one_is_reported_with_its_row(course, tmp_path):
    rows = [*PANEL[:1], ("Dr A", "t02_ppv", "70"), *PANEL[2:7], ("Dr C", "t02_ppv", "-0.1"), *PANEL[8:]]
    message = problems(course, worksheet(tmp_path, rows))
    assert "row 3 (Dr A, t02_ppv): the probability 70 is outside 0 to 1 (for 70%, write 0.7)" in message
    assert "row 9 (Dr C, t02_ppv): the probability -0.1 is outside 0 to 1. Nothing" in message
    assert message.endswith("Nothing was computed. Probabilities are numbers from 0 to 1 (0.7 for 70%); fix the "
                            "worksheet and run make angoff again.")


def test_probability_that_is_not_a_number_or_blank_is_reported_with_its_row(course, tmp_path):
    rows = [*PANEL[:3], ("Dr B", "t01_definition", "likely"), ("Dr B", "t02_ppv", ""), ("Dr B", "t03_consent", "nan"),
            *PANEL[6:]]
    message = problems(course, worksheet(tmp_path, rows))
    assert "row 5 (Dr B, t01_definition): the probability 'likely' is not a number" in message
    assert "row 6 (Dr B, t02_ppv): the probability is blank" in message
    assert "row 7 (Dr B, t03_consent): the probability 'nan' is not a finite number" in message


def test_missing_item_for_a_judge_is_reported_with_the_judges_rows(course, tmp_path):
    rows = [*PANEL[:4], *PANEL[5:]]  # Dr B has no row for t02_ppv
    assert problems(course, worksheet(tmp_path, rows)) == (
        f"Worksheet {tmp_path / 'filled.csv'}: rows 5–6: judge Dr B has no row for item(s) t02_ppv. Nothing was "
        "computed. Probabilities are numbers from 0 to 1 (0.7 for 70%); fix the worksheet and run make angoff again.")


def test_unknown_item_is_reported_with_its_row(course, tmp_path):
    message = problems(course, worksheet(tmp_path, [*PANEL, ("Dr C", "t13_extra", "0.5")]))
    assert "row 11 (Dr C): 't13_extra' is not an item of the post-test; worksheet.md lists the items." in message


def test_duplicated_judge_and_item_is_reported_with_both_rows(course, tmp_path):
    message = problems(course, worksheet(tmp_path, [*PANEL[:2], ("Dr A", "t01_definition", "0.9"), *PANEL[2:]]))
    assert "row 4: judge Dr A rated item t01_definition again (first on row 2)" in message


def test_fewer_than_two_judges_is_refused(course, tmp_path):
    message = problems(course, worksheet(tmp_path, PANEL[:3]))
    assert "the worksheet has 1 judge(s) (Dr A); a cut score needs at least 2." in message


def test_blank_lines_keep_row_numbers_true_to_the_file(course, tmp_path):
    path = tmp_path / "filled.csv"
    lines = [HEADER, *(",".join(row) for row in PANEL[:4]), "", ",,", "Dr B,t02_ppv,2", *(",".join(r) for r in PANEL[5:])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "row 8 (Dr B, t02_ppv): the probability 2 is outside 0 to 1 (for 2%, write 0.02)" in problems(course, path)


def test_missing_column_is_named(course, tmp_path):
    message = problems(course, worksheet(tmp_path, [row[:2] for row in PANEL], header="judge,item"))
    assert "lacks the column(s) probability (found: 'judge', 'item')" in message


def test_a_broken_worksheet_is_one_error_line_and_nothing_is_written(course, tmp_path, capsys):
    argv = ["--course", str(course), "--worksheet", str(worksheet(tmp_path, PANEL[:3]))]
    assert cli.run(angoff.main, argv) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: Worksheet ") and captured.err.count("\n") == 1
    assert "Traceback" not in captured.err and not (course / "grading" / "angoff" / "summary.md").exists()
    assert cli.run(angoff.main, ["--course", str(course), "--worksheet", str(tmp_path / "none.csv")]) == 1
    assert capsys.readouterr().err == (f"error: There is no worksheet at {tmp_path / 'none.csv'}; run make angoff "
                                       "without WORKSHEET for a blank one.\n")
