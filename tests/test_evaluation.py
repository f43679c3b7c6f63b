"""The course evaluation is read without running learner code and summarised without learner ids."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from exocourse import manifest
from exocourse.instructor import evaluation_summary
from exocourse.lessons import evaluation_answers, evaluation_form

M = manifest.load_manifest(ROOT)
SOURCE = ROOT / "assignments/source/evaluation/evaluation.ipynb"
FIELDS = {"relevance", "objectives_met_biology", "objectives_met_uses", "objectives_met_risk_regulation",
          "objectives_met_consent_claims", "commercial_bias", "commercial_bias_details", "practice_change",
          "practice_change_details", "hours_spent", "attest_hours", "comments"}


def filled(answers: dict, legacy_code: str | None = None) -> nbformat.NotebookNode:
    """The evaluation notebook with `answers` (field -> what the learner typed) after their labels; with
    `legacy_code`, also a code cell as an evaluation in the earlier (Python-value) format had."""
    nb = evaluation_form.fill_answers(nbformat.read(SOURCE, as_version=4), answers, M)
    if legacy_code:
        nb.cells.insert(-2, nbformat.v4.new_code_cell(legacy_code))
    return nb


# Five learners (ids chosen so that they could never occur by chance in a comment), typing as clinicians do.
LEARNERS = {
    "zq_ada": {"relevance": "5", "objectives_met_biology": "4", "objectives_met_uses": "5 - fully",
               "commercial_bias": "No", "practice_change": "A",
               "practice_change_details": "I will ask for the IND number.", "hours_spent": "8.5 hours",
               "attest_hours": "yes", "comments": "More cases, please."},
    "zq_ben": {"relevance": "4/5", "commercial_bias": " Yes ",
               "commercial_bias_details": "Lesson 02 names one test maker often.", "practice_change": "b.",
               "hours_spent": "720 min", "attest_hours": "Y"},
    "zq_cy": {"relevance": "mostly", "hours_spent": "6", "attest_hours": "I attest",
              "comments": "zq_cy here: too long."},
    "zq_dee": {"relevance": "7", "objectives_met_biology": "3", "practice_change": "D",
               "hours_spent": "8-10 hours", "attest_hours": "yes"},
    # Hostile: code typed as answers, and an old-format code cell, must never run (the file would exist if it did).
    "zq_eve": {"relevance": "__import__('pathlib').Path('/tmp/exocourse-evaluation-pwned').touch()",
               "hours_spent": "3\nprint('unclosed'", "attest_hours": "yes",
               "_legacy": "import os\nos.system('touch /tmp/exocourse-evaluation-pwned')\ncomments = 'fine'"},
}


def make_course(tmp_path: Path, learners: dict) -> Path:
    root = tmp_path / "course"
    root.mkdir(parents=True)
    shutil.copy2(ROOT / "course.yml", root / "course.yml")
    shutil.copytree(ROOT / "course.d", root / "course.d")
    for learner, answers in learners.items():
        folder = root / "grading/submitted" / learner / "evaluation"
        folder.mkdir(parents=True)
        typed = {field: text for field, text in answers.items() if field != "_legacy"}
        nbformat.write(filled(typed, answers.get("_legacy")), folder / "evaluation.ipynb")
    return root


@pytest.fixture
def course(tmp_path):
    return make_course(tmp_path, LEARNERS)


def test_the_notebook_has_one_labelled_answer_for_every_question():
    nb = nbformat.read(SOURCE, as_version=4)
    assert set(evaluation_form.parse_text_answers(nbformat.writes(nb), M)) == FIELDS
    assert {f"objectives_met_{m['module']}" for m in M["modules"]} <= FIELDS
    answer_cells = [c for c in nb.cells if c.get("id", "").startswith("answer-")]
    assert all(c.cell_type == "markdown" and "nbgrader" not in c.metadata for c in answer_cells)  # editable text
    for label in evaluation_form.answer_labels(M).values():
        assert sum(f"✎ {label}" in c.source for c in answer_cells) == 1, label


def test_the_notebook_asks_for_plain_words_not_python_values():
    nb = nbformat.read(SOURCE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.source for c in code] == ["from exocourse.lessons.evaluation_form import review_my_answers\nreview_my_answers()"]
    assert code[0].metadata["jupyter"]["source_hidden"] is True
    text = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for python in ("None", "True", "capital T", "in quotes", "triple quotes", "attest_hours", "objectives_met_"):
        assert python not in text, python
    assert "yes" in text and "8.5 hours" in text and "510 minutes" in text


def test_the_untouched_notebook_gives_no_answers_and_no_problems():
    answers, problems = evaluation_answers.clean_answers(evaluation_form.read_notebook_answers(SOURCE.read_text(), M), M)
    assert problems == [] and all(value is None for value in answers.values())


def test_answers_are_parsed_and_checked_without_running_learner_code(course):
    marker = Path("/tmp/exocourse-evaluation-pwned")
    marker.unlink(missing_ok=True)
    responses = {r["learner"]: r for r in evaluation_summary.read_responses(course)}
    assert not marker.exists()
    assert list(responses) == ["zq_ada", "zq_ben", "zq_cy", "zq_dee", "zq_eve"]
    ada, ben, cy, dee, eve = responses.values()
    assert (ada["relevance"], ada["objectives_met_biology"], ada["objectives_met_uses"]) == (5, 4, 5)
    assert ada["objectives_met_risk_regulation"] is None and ada["practice_change"] == "A"
    assert ada["practice_change_details"] == "I will ask for the IND number." and ada["problems"] == []
    assert (ben["relevance"], ben["commercial_bias"], ben["practice_change"], ben["hours_spent"]) == (4, "yes", "B", 12.0)
    assert (cy["relevance"], cy["hours_spent"], cy["attest_hours"], cy["problems"]) == (4, 6.0, True, [])
    assert dee["relevance"] is None and dee["hours_spent"] is None
    assert sorted(dee["problems"]) == [
        "Relevance: “7” is not clear, so it counts as unanswered; type one number from 1 to 5.",
        "Time spent: “8-10 hours” is not clear, so it counts as unanswered; give one number, not a range (for "
        "example 8.5 hours)."]
    # eve: code typed as an answer is only text (and not a rating); the old-format code cell is read, never run.
    assert eve["relevance"] is None and eve["hours_spent"] is None and eve["comments"] == "fine"
    assert all("Traceback" not in problem for r in responses.values() for problem in r["problems"])


def test_an_evaluation_in_the_earlier_python_format_is_still_read(tmp_path):
    root = make_course(tmp_path, {})
    old = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in (
        "relevance = 4", "hours_spent = 7.5", "attest_hours = True", 'commercial_bias = "no"',
        'comments = """Good."""')])
    folder = root / "grading/submitted/zq_old/evaluation"
    folder.mkdir(parents=True)
    nbformat.write(old, folder / "evaluation.ipynb")
    (response,) = evaluation_summary.read_responses(root)
    assert (response["relevance"], response["hours_spent"], response["attest_hours"]) == (4, 7.5, True)
    assert (response["commercial_bias"], response["comments"], response["problems"]) == ("no", "Good.", [])
    assert evaluation_summary.attested_hours(root) == {"zq_old": 7.5}


def test_attested_hours_are_as_the_learner_gave_them_and_need_the_attestation(course):
    # ben reported 720 min = 12 h: reported as 12 (the completion report caps the credit). cy attested with
    # "I attest". dee's time is a range, eve's is not a time: neither is recorded, and the reason says why.
    hours = evaluation_summary.attested_hours(course)
    assert hours == {"zq_ada": 8.5, "zq_ben": 12.0, "zq_cy": 6.0}
    assert hours.not_recorded["zq_dee"].startswith("the evaluation's answer was not clear: Time spent: “8-10 hours”")
    assert set(hours.not_recorded) == {"zq_dee", "zq_eve"}


def test_a_time_given_but_not_attested_is_not_recorded_and_says_why(tmp_path):
    root = make_course(tmp_path, {"zq_no": {"hours_spent": "9 hours", "attest_hours": "no"},
                                  "zq_blank": {"hours_spent": "9 hours"}, "zq_none": {}})
    hours = evaluation_summary.attested_hours(root)
    assert hours == {}
    assert hours.not_recorded == {"zq_no": "the learner answered no to the attestation in the evaluation",
                                  "zq_blank": "the learner gave a time but did not attest it in the evaluation",
                                  "zq_none": "the learner gave no time spent in the evaluation"}


@pytest.mark.parametrize("typed, attested", [
    (True, True), (False, False), ("yes", True), ("Yes.", True), ("y", True), (" True ", True), ("I attest", True),
    ("yes, I attest", True), ("no", False), ("N", False), ("No.", False)])
def test_the_attestation_reads_yes_or_no_in_any_usual_form(typed, attested):
    answers, problems = evaluation_answers.clean_answers({"attest_hours": typed}, M)
    assert answers["attest_hours"] is attested and problems == []


@pytest.mark.parametrize("typed", ["maybe", "yes and no", "?", 1])
def test_an_unclear_attestation_counts_as_unanswered_with_a_reason(typed):
    answers, problems = evaluation_answers.clean_answers({"attest_hours": typed}, M)
    assert answers["attest_hours"] is None
    assert problems == [f"Attestation of your time: “{typed}” is not clear, so it counts as unanswered; type yes to "
                        "attest the time you gave, or no."]


@pytest.mark.parametrize("typed, hours", [
    ("8.5", 8.5), ("8.5 hours", 8.5), ("8,5 h", 8.5), ("12 hrs", 12.0), ("510 minutes", 8.5), ("45 min", 0.75),
    ("1.5 hours", 1.5), ("8 h 30 min", 8.5), ("8h30m", 8.5), ("about 9 hours", 9.0), ("~9h", 9.0), ("1:30", 1.5),
    ("9 hours.", 9.0), (8.5, 8.5), (12, 12.0)])
def test_the_time_spent_reads_hours_or_minutes_as_typed(typed, hours):
    answers, problems = evaluation_answers.clean_answers({"hours_spent": typed}, M)
    assert answers["hours_spent"] == pytest.approx(hours) and problems == []


@pytest.mark.parametrize("typed, reason", [
    ("8-10 hours", "give one number, not a range"), ("nine", "type the time as a number of hours"),
    ("510", "510 without a unit reads as 510 hours; if you meant minutes, write “510 minutes”"),
    ("0", "greater than 0"), ("8 30", "type the time as a number of hours"), (float("nan"), "greater than 0"),
    ("over 10 hours", "type the time as a number of hours")])
def test_an_unclear_time_counts_as_unanswered_and_says_what_to_type(typed, reason):
    answers, problems = evaluation_answers.clean_answers({"hours_spent": typed}, M)
    assert answers["hours_spent"] is None and len(problems) == 1
    assert problems[0].startswith("Time spent: “") and reason in problems[0]


@pytest.mark.parametrize("typed, rating", [
    ("4", 4), ("4/5", 4), ("3 out of 5", 3), ("5 - fully", 5), ("5 (fully)", 5), ("mostly", 4), ("Fully", 5),
    ("a little", 2), (" 1 ", 1), (2, 2), ("4.5", None), ("4 or 5", None), ("7", None), ("good", None), (True, None)])
def test_ratings_read_a_number_or_the_scale_word(typed, rating):
    answers, problems = evaluation_answers.clean_answers({"relevance": typed}, M)
    assert answers["relevance"] == rating and len(problems) == (rating is None)


def test_practice_change_offers_not_applicable():
    answers, problems = evaluation_answers.clean_answers({"practice_change": "e"}, M)
    assert answers["practice_change"] == "E" and problems == []
    for typed in ("(C)", "a)", "B. No: my practice already matches"):
        assert evaluation_answers.clean_answers({"practice_change": typed}, M)[0]["practice_change"] == typed.strip("(")[0].upper()
    _, problems = evaluation_answers.clean_answers({"practice_change": "F"}, M)
    assert problems == ["Change in your practice: “F” is not clear, so it counts as unanswered; type one letter from "
                        "A to E."]
    text = "".join(cell.source for cell in nbformat.read(SOURCE, as_version=4).cells)
    assert "Not applicable: I am not in clinical practice" in text and "one letter, A to E" in text


def test_commercial_bias_reads_yes_or_no_and_keeps_the_comment():
    answers, problems = evaluation_answers.clean_answers({"commercial_bias": "Yes", "commercial_bias_details": "Lesson 2"}, M)
    assert (answers["commercial_bias"], answers["commercial_bias_details"], problems) == ("yes", "Lesson 2", [])
    answers, problems = evaluation_answers.clean_answers({"commercial_bias": "not sure"}, M)
    assert answers["commercial_bias"] is None and problems == [
        "Commercial bias: “not sure” is not clear, so it counts as unanswered; type yes or no."]


def test_a_learner_who_deletes_the_label_still_has_the_answer_read():
    nb = nbformat.read(SOURCE, as_version=4)
    next(c for c in nb.cells if c.get("id") == "answer-relevance").source = "4"
    assert evaluation_form.parse_text_answers(nbformat.writes(nb), M)["relevance"] == "4"


def test_anonymous_summary_has_exact_counts(course):
    summary = evaluation_summary.anonymous_summary(evaluation_summary.read_responses(course), M)
    assert summary["responses"] == 5
    relevance = summary["ratings"]["relevance"]
    assert relevance["counts"] == {1: 0, 2: 0, 3: 0, 4: 2, 5: 1} and relevance["answered"] == 3
    assert relevance["mean"] == 4.33
    assert summary["ratings"]["objectives_met_biology"]["counts"] == {1: 0, 2: 0, 3: 1, 4: 1, 5: 0}
    assert summary["commercial_bias"]["counts"] == {"yes": 1, "no": 1}
    assert list(summary["practice_change"]["counts"].values()) == [1, 1, 0, 1, 0]
    # Hours in bands only: with fewer than 5 answers a median or quartile would be one learner's own answer.
    assert summary["hours_spent"] == {"question": "Hours spent on the course (learner-reported)", "answered": 3,
                                      "bands": {"under 6 h": 0, "6 to under 8 h": 1, "8 to 10 h": 1, "over 10 h": 1},
                                      "median": None, "iqr": None}
    assert summary["attested"] == 5  # ada, ben, dee and eve typed True, cy "yes" (their hours need not be valid)
    assert summary["comments"]["comments"] == ["More cases, please.", "[id removed] here: too long.", "fine"]


def test_hours_are_reported_as_bands_median_and_iqr_never_min_or_max(tmp_path):
    # 5.5 and 10.5 h are the extremes: a minimum or maximum would single out those two learners.
    responses = [{"learner": f"zq_{n}", "hours_spent": h, "attest_hours": True}
                 for n, h in enumerate([10.5, 6.0, 8.0, 5.5, 10.0])]
    hours = evaluation_summary.anonymous_summary(responses, M)["hours_spent"]
    assert hours["bands"] == {"under 6 h": 1, "6 to under 8 h": 1, "8 to 10 h": 2, "over 10 h": 1}
    assert (hours["median"], hours["iqr"]) == (8.0, (6.0, 10.0)) and "min" not in hours and "max" not in hours
    summary = evaluation_summary.anonymous_summary(responses, M)
    text = evaluation_summary.summary_markdown(summary) + evaluation_summary.summary_csv(summary)
    assert "Median 8 h (interquartile range 6–10 h)." in text and "| 8 to 10 h | 2 |" in text
    assert "5.5" not in text and "10.5" not in text


def test_the_export_contains_no_learner_id(course, tmp_path):
    summary = evaluation_summary.anonymous_summary(evaluation_summary.read_responses(course), M)
    csv_path, md_path = evaluation_summary.export(summary, tmp_path / "out")
    for path in (csv_path, md_path):
        text = path.read_text(encoding="utf-8")
        assert "More cases, please." in text
        for learner in LEARNERS:
            assert learner not in text and learner.split("_")[1] not in text.lower().split()


def test_shuffling_the_learners_does_not_change_the_summary_or_export(tmp_path):
    names = list(LEARNERS)
    shuffled = names[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != names
    # Same answers under other ids, in another order: identical summary and identical files.
    renamed = {f"zz_{n:02d}": LEARNERS[old] for n, old in enumerate(reversed(shuffled))}
    first = evaluation_summary.anonymous_summary(evaluation_summary.read_responses(make_course(tmp_path / "a", LEARNERS)), M)
    second = evaluation_summary.anonymous_summary(evaluation_summary.read_responses(make_course(tmp_path / "b", renamed)), M)
    third = evaluation_summary.anonymous_summary(list(reversed(evaluation_summary.read_responses(make_course(tmp_path / "c",
                                                                                            LEARNERS)))), M)
    # cy's own id in a comment is removed whatever it is, so the comments match too.
    assert first == third
    assert evaluation_summary.summary_csv(first) == evaluation_summary.summary_csv(third)
    assert {k: v for k, v in first.items() if k != "comments"} == {k: v for k, v in second.items() if k != "comments"}


def test_the_cli_writes_the_summary_into_grading(course):
    assert evaluation_summary.main([str(course)]) == 0
    text = (course / "grading/evaluation_summary.md").read_text(encoding="utf-8")
    assert "5 evaluation(s) submitted" in text and "| Relevance to my practice | 0 | 0 | 0 | 2 | 1 | 3 | 4.33 |" in text
    assert (course / "grading/evaluation_summary.csv").read_text(encoding="utf-8").startswith(
        "section,question,answer,count\nresponses,Evaluations submitted,,5\n")


def test_review_my_answers_reads_the_saved_notebook_and_says_what_to_fix(tmp_path, capsys):
    saved = tmp_path / "evaluation.ipynb"
    nbformat.write(filled({"relevance": "9", "practice_change": "A", "hours_spent": "8 hours"}), saved)
    evaluation_form.review_my_answers(manifest=M, notebook=saved)
    out = capsys.readouterr().out
    assert "Relevance: “9” is not clear" in out and "did not attest" in out and "Traceback" not in out
    nbformat.write(filled({"relevance": "4", "hours_spent": "8 hours", "attest_hours": "yes"}), saved)
    evaluation_form.review_my_answers(manifest=M, notebook=saved)
    assert "Thank you: 3 answer(s)" in capsys.readouterr().out
    nbformat.write(filled({}), saved)
    evaluation_form.review_my_answers(manifest=M, notebook=saved)
    assert "No answers found yet" in capsys.readouterr().out
    saved.write_text("{not a notebook")  # nonsense in: a friendly line out, never a traceback
    evaluation_form.review_my_answers(manifest=M, notebook=saved)
    evaluation_form.review_my_answers(manifest=M, notebook=tmp_path / "missing.ipynb")
    out = capsys.readouterr().out
    assert "Traceback" not in out and out.count("submit it as it is") == 1 and "No answers found yet" in out


def test_review_my_answers_still_checks_an_older_copy_that_passes_its_values(capsys):
    evaluation_form.review_my_answers({"relevance": 9, "practice_change": "A", "hours_spent": 8}, M)
    out = capsys.readouterr().out
    assert "Relevance: “9” is not clear" in out and "did not attest" in out


def test_no_submissions_gives_an_empty_summary(tmp_path):
    root = make_course(tmp_path, {})
    assert evaluation_summary.read_responses(root) == [] and evaluation_summary.attested_hours(root) == {}
    summary = evaluation_summary.anonymous_summary([], M)
    assert summary["responses"] == 0 and summary["hours_spent"]["median"] is None
    assert set(summary["hours_spent"]["bands"].values()) == {0}
    assert "No learner reported hours." in evaluation_summary.summary_markdown(summary)
