"""Completion rules, the registrar CSV, certificates and flag clearance, on small constructed gradebooks."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from exocourse import completion
from exocourse.completion import Submission

MODULES = ["ps1", "ps2", "ps3", "ps4"]
MANIFEST = {
    "course_id": "exo101", "title": "Exosome medicine (test)", "pass_mark_percent": 75,
    "modules": [{"assessments": [{"id": a}]} for a in MODULES],
    "ce": {"credit_hours": 9.0, "pretest": "pretest", "posttest": "posttest", "evaluation": "evaluation",
           "accreditation_statement": "[Accredited provider to insert: statement]", "contact": "ce@example.org"},
}
ROSTER = {"demo01": {"legal_name": "Avery Quillfeather", "licence_number": "DEMO-0001"}}


def day(n: int) -> dt.datetime:
    return dt.datetime(2026, 9, 1, 10, 0) + dt.timedelta(days=n)


def complete_class() -> dict:
    """demo01 with every required submission fully graded and the post-test at 10/12, dated day 1…5."""
    subs = {("demo01", a): Submission(8, 10, day(n), False) for n, a in enumerate(MODULES, start=1)}
    subs[("demo01", "posttest")] = Submission(10, 12, day(5), False)
    subs[("demo01", "pretest")] = Submission(4, 12, day(0), False)
    return subs


@pytest.fixture(autouse=True)
def plain_manifest_api(monkeypatch):
    """The rules read module assignments and CE facts through exocourse.manifest; use the small manifest's."""
    from exocourse import manifest

    monkeypatch.setattr(manifest, "module_assignments", lambda m: MODULES, raising=False)
    monkeypatch.setattr(manifest, "ce_info", lambda m: m["ce"], raising=False)


def row_of(subs, flags=None, hours=None):
    return completion.completion_rows(subs, MANIFEST, ROSTER, flags or {}, hours)[0]


def test_a_learner_with_everything_graded_and_a_pass_completes_on_the_last_required_submission():
    row = row_of(complete_class())
    assert row["completed"] == "yes" and row["not_complete_because"] == ""
    assert row["completion_date"] == "2026-09-06"  # day 5: the post-test, not the earlier pre-test
    assert row["posttest_percent"] == "83.3" and row["posttest_result"] == "pass"
    assert row["credit_hours"] == "9" and row["legal_name"] == "Avery Quillfeather"


def test_completion_date_is_the_latest_required_submission_even_if_the_post_test_came_first():
    row = row_of(complete_class() | {("demo01", "ps4"): Submission(8, 10, day(9), False)})
    assert row["completion_date"] == "2026-09-10"


def test_exactly_the_pass_mark_passes_and_one_point_less_fails():
    assert row_of(complete_class() | {("demo01", "posttest"): Submission(9, 12, day(5), False)})["completed"] == "yes"
    row = row_of(complete_class() | {("demo01", "posttest"): Submission(8, 12, day(5), False)})
    assert row["completed"] == "no" and row["posttest_result"] == "fail" and row["completion_date"] == ""
    assert row["not_complete_because"] == "post-test 66.7% is below the pass mark of 75%"


def test_a_score_that_only_rounds_up_to_the_pass_mark_fails():
    row = row_of(complete_class() | {("demo01", "posttest"): Submission(7499, 10000, day(5), False)})
    assert row["posttest_percent"] == "75" and row["completed"] == "no"
    assert row["not_complete_because"] == "post-test 74.99% is below the pass mark of 75%"


def test_a_pending_manual_grade_holds_completion():
    row = row_of(complete_class() | {("demo01", "ps3"): Submission(7, 10, day(3), True)})
    assert row["completed"] == "no" and row["not_complete_because"] == "ps3 waits for a manual grade"


def test_a_missing_assignment_holds_completion():
    subs = complete_class()
    del subs[("demo01", "ps2")]
    row = row_of(subs)
    assert row["completed"] == "no" and row["not_complete_because"] == "ps2 not submitted"
    assert row["ps2_score"] == ""


def test_a_missing_post_test_is_not_taken():
    subs = complete_class()
    del subs[("demo01", "posttest")]
    row = row_of(subs)
    assert row["posttest_result"] == "not taken" and row["not_complete_because"] == "posttest not submitted"


def test_an_open_flag_holds_completion_even_on_the_pre_test():
    assert row_of(complete_class(), {("demo01", "ps1"): ["calls os._exit"]})["not_complete_because"] == \
        "ps1 has an open integrity flag"
    assert row_of(complete_class(), {("demo01", "pretest"): ["x"]})["completed"] == "no"


def test_a_cleared_flag_stops_holding_until_the_learner_submits_again():
    subs = complete_class()
    flags = {("demo01", "ps2"): ["patches a module"]}
    cleared = [{"learner_id": "demo01", "assignment": "ps2", "submission_timestamp": day(2).isoformat()}]
    assert completion.open_flags(flags, cleared, subs) == {}
    resubmitted = subs | {("demo01", "ps2"): Submission(8, 10, day(7), False)}
    assert completion.open_flags(flags, cleared, resubmitted) == flags


def test_credit_hours_are_what_the_learner_attested_capped_at_the_designated_hours():
    assert row_of(complete_class(), hours={"demo01": 6.5})["credit_hours"] == "6.5"
    assert row_of(complete_class(), hours={"demo01": 12})["credit_hours"] == "9"
    unattested = row_of(complete_class(), hours={})
    assert unattested["completed"] == "yes" and unattested["credit_hours"] == ""


def test_every_reason_is_listed_when_several_hold():
    subs = complete_class() | {("demo01", "posttest"): Submission(3, 12, day(5), False),
                               ("demo01", "ps4"): Submission(6, 10, day(4), True)}
    reasons = row_of(subs, {("demo01", "ps1"): ["x"]})["not_complete_because"].split("; ")
    assert reasons == ["ps1 has an open integrity flag", "ps4 waits for a manual grade",
                       "post-test 25% is below the pass mark of 75%"]


def _gradebook(tmp_path):
    """A real nbgrader gradebook: ps1 with one autograded and one written item, two learners."""
    from nbgrader.api import Gradebook

    completion._alembic_on_path()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        gb.add_assignment("ps1")
        gb.add_notebook("ps1", "ps1")
        gb.add_grade_cell("q1", "ps1", "ps1", max_score=2, cell_type="code")
        gb.add_grade_cell("q2", "ps1", "ps1", max_score=3, cell_type="markdown")
        gb.add_solution_cell("q2", "ps1", "ps1")
        for learner, stamp in (("demo01", day(1)), ("demo02", day(2))):
            gb.add_student(learner)
            gb.add_submission("ps1", learner, timestamp=stamp)
            auto = gb.find_grade("q1", "ps1", "ps1", learner)
            auto.auto_score, auto.needs_manual_grade = 2, False  # what autograde does
            written = gb.find_grade("q2", "ps1", "ps1", learner)
            written.needs_manual_grade = True
        written = gb.find_grade("q2", "ps1", "ps1", "demo01")
        written.manual_score, written.needs_manual_grade = 2, False  # what formgrader does
        gb.db.commit()
    return url


def test_gradebook_reading_gives_scores_dates_and_pending_manual_grades(tmp_path):
    subs = completion.gradebook_submissions(_gradebook(tmp_path))
    assert subs[("demo01", "ps1")] == Submission(4.0, 5.0, day(1), False)
    assert subs[("demo02", "ps1")] == Submission(2.0, 5.0, day(2), True)


def test_certificate_is_a_real_pdf_with_name_hours_and_the_providers_statement(tmp_path):
    from pypdf import PdfReader

    row = row_of(complete_class(), hours={"demo01": 8})
    path = completion.write_certificate(row, MANIFEST, tmp_path / "c.pdf")
    assert path.read_bytes().startswith(b"%PDF-")
    text = " ".join(PdfReader(path).pages[0].extract_text().split())
    assert "Avery Quillfeather" in text and "DEMO-0001" in text and "2026-09-06" in text
    assert "up to 9 hours" in text and "Hours recorded for this learner: 8." in text
    assert "[Accredited provider to insert: statement]" in text
    again = completion.write_certificate(row, MANIFEST, tmp_path / "d.pdf")
    assert again.read_bytes() == path.read_bytes()  # re-running the report changes nothing


def test_roster_needs_its_columns(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("learner_id,name\ndemo01,A\n")
    with pytest.raises(ValueError, match="licence_number"):
        completion.read_roster(path)
    completion.write_roster(path, ROSTER)
    assert completion.read_roster(path)["demo01"]["licence_number"] == "DEMO-0001"


def test_clear_flag_records_who_why_and_which_submission(tmp_path):
    (tmp_path / "grading").mkdir()
    url = _gradebook(tmp_path / "grading")
    assert url.endswith("grading/gradebook.db")
    with pytest.raises(ValueError, match="--reason"):
        completion.clear_flag(tmp_path, "demo01", "ps1", by="Dr Reviewer", reason=" ")
    with pytest.raises(ValueError, match="No submission"):
        completion.clear_flag(tmp_path, "demo09", "ps1", by="Dr Reviewer", reason="checked")
    completion.clear_flag(tmp_path, "demo01", "ps1", by="Dr Reviewer", reason="exit call was harmless")
    with (tmp_path / "grading" / "cleared_flags.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["learner_id"], r["assignment"], r["cleared_by"], r["submission_timestamp"]) for r in rows] == [
        ("demo01", "ps1", "Dr Reviewer", day(1).isoformat())]
