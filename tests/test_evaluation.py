"""The course evaluation is read without running learner code and summarised without learner ids."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from exocourse import evaluation, manifest

M = manifest.load_manifest(ROOT)
SOURCE = ROOT / "assignments/source/evaluation/evaluation.ipynb"
FIELDS = {"relevance", "objectives_met_biology", "objectives_met_uses", "objectives_met_risk_regulation",
          "objectives_met_consent_claims", "commercial_bias", "commercial_bias_details", "practice_change",
          "practice_change_details", "hours_spent", "attest_hours", "comments"}


def filled(answers: dict[str, str]) -> nbformat.NotebookNode:
    """The evaluation notebook with the answer cells of `answers` (cell id -> source) typed in."""
    nb = nbformat.read(SOURCE, as_version=4)
    for cell in nb.cells:
        if cell.get("id", "").startswith("answer-"):
            key = cell.id.removeprefix("answer-").replace("-", "_")
            if key in answers:
                cell.source = answers[key]
    return nb


# Five learners (ids chosen so that they could never occur by chance in a comment).
LEARNERS = {
    "zq_ada": {"relevance": "relevance = 5", "objectives_met": "objectives_met_biology = 4\nobjectives_met_uses = 5",
               "commercial_bias": 'commercial_bias = "no"', "practice_change": 'practice_change = "A"',
               "practice_change_details": 'practice_change_details = """I will ask for the IND number."""',
               "hours_spent": "hours_spent = 8.5", "attest_hours": "attest_hours = True",
               "comments": 'comments = """More cases, please."""'},
    "zq_ben": {"relevance": "relevance = 4", "commercial_bias": 'commercial_bias = " Yes "',
               "commercial_bias_details": 'commercial_bias_details = """Lesson 02 names one test maker often."""',
               "practice_change": 'practice_change = "b"', "hours_spent": "hours_spent = 12",
               "attest_hours": "attest_hours = True"},
    "zq_cy": {"relevance": "relevance = 4", "hours_spent": "hours_spent = 6", "attest_hours": 'attest_hours = "yes"',
              "comments": 'comments = """zq_cy here: too long."""'},
    "zq_dee": {"relevance": "relevance = 7", "objectives_met": "objectives_met_biology = 3",
               "practice_change": 'practice_change = "D"', "hours_spent": "hours_spent = float('nan')",
               "attest_hours": "attest_hours = True"},
    # Hostile: code in the answer cells must never run (the file would exist if it did).
    "zq_eve": {"relevance": "relevance = __import__('pathlib').Path('/tmp/exocourse-evaluation-pwned').touch()",
               "comments": "import os\nos.system('touch /tmp/exocourse-evaluation-pwned')\ncomments = 'fine'",
               "hours_spent": "hours_spent = 3\nprint('unclosed'", "attest_hours": "attest_hours = True"},
}


def make_course(tmp_path: Path, learners: dict) -> Path:
    root = tmp_path / "course"
    root.mkdir(parents=True)
    shutil.copy2(ROOT / "course.yml", root / "course.yml")
    shutil.copytree(ROOT / "course.d", root / "course.d")
    for learner, answers in learners.items():
        folder = root / "grading/submitted" / learner / "evaluation"
        folder.mkdir(parents=True)
        nbformat.write(filled(answers), folder / "evaluation.ipynb")
    return root


@pytest.fixture
def course(tmp_path):
    return make_course(tmp_path, LEARNERS)


def test_the_notebook_has_one_labelled_answer_for_every_question():
    nb = nbformat.read(SOURCE, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert set(evaluation.parse_answers(nbformat.writes(nb), FIELDS)) == FIELDS
    assert {f"objectives_met_{m['module']}" for m in M["modules"]} <= FIELDS
    assert "relevance = None  # 1, 2, 3, 4 or 5" in code and "attest_hours = None" in code


def test_the_untouched_notebook_gives_no_answers_and_no_problems():
    answers, problems = evaluation.clean_answers(evaluation.parse_answers(SOURCE.read_text(), FIELDS), M)
    assert problems == [] and all(value is None for value in answers.values())


def test_answers_are_parsed_and_checked_without_running_learner_code(course):
    marker = Path("/tmp/exocourse-evaluation-pwned")
    marker.unlink(missing_ok=True)
    responses = {r["learner"]: r for r in evaluation.read_responses(course)}
    assert not marker.exists()
    assert list(responses) == ["zq_ada", "zq_ben", "zq_cy", "zq_dee", "zq_eve"]
    ada, ben, cy, dee, eve = responses.values()
    assert (ada["relevance"], ada["objectives_met_biology"], ada["objectives_met_uses"]) == (5, 4, 5)
    assert ada["objectives_met_risk_regulation"] is None and ada["practice_change"] == "A"
    assert (ben["commercial_bias"], ben["practice_change"], ben["hours_spent"]) == ("yes", "B", 12.0)
    assert cy["attest_hours"] is True and cy["problems"] == []  # "yes" in quotes: the intent is clear
    assert dee["relevance"] is None and dee["hours_spent"] is None
    assert sorted(dee["problems"]) == ["hours_spent: expected a number of hours greater than 0, for example 8.5",
                                       "relevance: expected a number 1, 2, 3, 4 or 5"]
    # eve: a call is not a literal; a cell that is not Python is skipped whole; comments came after an import.
    assert eve["relevance"] is None and eve["hours_spent"] is None and eve["comments"] == "fine"


def test_attested_hours_are_as_the_learner_gave_them_and_need_the_attestation(course):
    # ben reported 12 h: reported as 12 (the completion report caps the credit). cy attested with "yes" in quotes.
    # dee's number is invalid. eve's hours sit in a cell that is not valid Python.
    assert evaluation.attested_hours(course) == {"zq_ada": 8.5, "zq_ben": 12.0, "zq_cy": 6.0}


@pytest.mark.parametrize("typed, attested, problem", [
    (True, True, None), (False, False, None), ("yes", True, None), (" True ", True, None), ("no", False, None),
    ("maybe", None, "attest_hours: expected True (capital T, no quotes)"),
    (1, None, "attest_hours: expected True (capital T, no quotes)")])
def test_the_attestation_accepts_true_or_yes_typed_in_quotes(typed, attested, problem):
    answers, problems = evaluation.clean_answers({"attest_hours": typed}, M)
    assert answers["attest_hours"] is attested and problems == ([problem] if problem else [])


def test_practice_change_offers_not_applicable():
    answers, problems = evaluation.clean_answers({"practice_change": "e"}, M)
    assert answers["practice_change"] == "E" and problems == []
    _, problems = evaluation.clean_answers({"practice_change": "F"}, M)
    assert problems == ['practice_change: expected one letter "A", "B", "C", "D" or "E" in quotes']
    text = "".join(cell.source for cell in nbformat.read(SOURCE, as_version=4).cells)
    assert "Not applicable: I am not in clinical practice" in text and '"D" or "E"' in text


def test_anonymous_summary_has_exact_counts(course):
    summary = evaluation.anonymous_summary(evaluation.read_responses(course), M)
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
    hours = evaluation.anonymous_summary(responses, M)["hours_spent"]
    assert hours["bands"] == {"under 6 h": 1, "6 to under 8 h": 1, "8 to 10 h": 2, "over 10 h": 1}
    assert (hours["median"], hours["iqr"]) == (8.0, (6.0, 10.0)) and "min" not in hours and "max" not in hours
    summary = evaluation.anonymous_summary(responses, M)
    text = evaluation.summary_markdown(summary) + evaluation.summary_csv(summary)
    assert "Median 8 h (interquartile range 6–10 h)." in text and "| 8 to 10 h | 2 |" in text
    assert "5.5" not in text and "10.5" not in text


def test_the_export_contains_no_learner_id(course, tmp_path):
    summary = evaluation.anonymous_summary(evaluation.read_responses(course), M)
    csv_path, md_path = evaluation.export(summary, tmp_path / "out")
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
    first = evaluation.anonymous_summary(evaluation.read_responses(make_course(tmp_path / "a", LEARNERS)), M)
    second = evaluation.anonymous_summary(evaluation.read_responses(make_course(tmp_path / "b", renamed)), M)
    third = evaluation.anonymous_summary(list(reversed(evaluation.read_responses(make_course(tmp_path / "c",
                                                                                            LEARNERS)))), M)
    # cy's own id in a comment is removed whatever it is, so the comments match too.
    assert first == third
    assert evaluation.summary_csv(first) == evaluation.summary_csv(third)
    assert {k: v for k, v in first.items() if k != "comments"} == {k: v for k, v in second.items() if k != "comments"}


def test_the_cli_writes_the_summary_into_grading(course):
    assert evaluation.main([str(course)]) == 0
    text = (course / "grading/evaluation_summary.md").read_text(encoding="utf-8")
    assert "5 evaluation(s) submitted" in text and "| Relevance to my practice | 0 | 0 | 0 | 2 | 1 | 3 | 4.33 |" in text
    assert (course / "grading/evaluation_summary.csv").read_text(encoding="utf-8").startswith(
        "section,question,answer,count\nresponses,Evaluations submitted,,5\n")


def test_review_my_answers_tells_the_learner_what_to_fix_without_a_traceback(capsys):
    evaluation.review_my_answers({"relevance": 9, "practice_change": "A", "hours_spent": 8}, M)
    out = capsys.readouterr().out
    assert "relevance: expected a number 1, 2, 3, 4 or 5" in out and "did not attest" in out
    evaluation.review_my_answers({"relevance": 4}, M)
    assert "Thank you: 1 answer(s)" in capsys.readouterr().out
    evaluation.review_my_answers(None, M)  # nonsense in: a friendly line out, never a traceback
    assert "submit it as it is" in capsys.readouterr().out


def test_no_submissions_gives_an_empty_summary(tmp_path):
    root = make_course(tmp_path, {})
    assert evaluation.read_responses(root) == [] and evaluation.attested_hours(root) == {}
    summary = evaluation.anonymous_summary([], M)
    assert summary["responses"] == 0 and summary["hours_spent"]["median"] is None
    assert set(summary["hours_spent"]["bands"].values()) == {0}
    assert "No learner reported hours." in evaluation.summary_markdown(summary)
