"""Completion rules, the registrar CSV, certificates and flag clearance, on small constructed gradebooks."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from conftest import empty_gradebook

from exocourse.instructor import certificates, completion_rules, gradebook, roster
from exocourse.instructor.flags import clear_flag, open_flags, submission_digest
from exocourse.instructor.gradebook import Submission

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
    return completion_rules.completion_rows(subs, MANIFEST, ROSTER, flags or {}, hours)[0]


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


def test_a_cleared_flag_covers_only_the_content_that_was_reviewed():
    flags = {("demo01", "ps2"): ["patches a module"]}
    cleared = [{"learner_id": "demo01", "assignment": "ps2", "submission_timestamp": "", "submission_sha256": "aa"}]
    assert open_flags(flags, cleared, {("demo01", "ps2"): "aa"}) == {}
    # a re-submission with other content, even with no submission time (off a hub), is flagged afresh
    assert open_flags(flags, cleared, {("demo01", "ps2"): "bb"}) == flags
    # a clearance that names no content (recorded before clearances were keyed on it) covers nothing
    legacy = [{"learner_id": "demo01", "assignment": "ps2", "submission_timestamp": day(2).isoformat()}]
    assert open_flags(flags, legacy, {("demo01", "ps2"): ""}) == flags


def test_submission_digest_changes_with_any_notebook_content(tmp_path):
    folder = tmp_path / "grading" / "submitted" / "demo01" / "ps1"
    assert submission_digest(tmp_path, "demo01", "ps1") == ""
    folder.mkdir(parents=True)
    (folder / "ps1.ipynb").write_text('{"cells": []}')
    (folder / "timestamp.txt").write_text("2026-09-02 10:00:00.000000 UTC")
    first = submission_digest(tmp_path, "demo01", "ps1")
    (folder / "timestamp.txt").write_text("2026-09-03 10:00:00.000000 UTC")  # only the time: same content
    assert submission_digest(tmp_path, "demo01", "ps1") == first
    (folder / "ps1.ipynb").write_text('{"cells": [1]}')
    assert submission_digest(tmp_path, "demo01", "ps1") not in ("", first)


def test_a_submission_without_a_recorded_time_gets_no_certificate_and_the_reason():
    row = row_of(complete_class() | {("demo01", "ps3"): Submission(8, 10, None, False)})
    assert row["completed"] == "no" and row["completion_date"] == ""
    assert row["not_complete_because"].startswith("ps3 has no recorded submission time, so the certificate would "
                                                  "have no completion date")


def test_a_hand_grade_whose_answer_changed_is_named():
    row = row_of(complete_class() | {("demo01", "ps2"): Submission(8, 10, day(2), True, ("q6_written",))})
    assert row["not_complete_because"] == "ps2 waits for a manual grade: the answer to q6_written changed after " \
        "it was graded"


def test_credit_hours_are_what_the_learner_attested_capped_at_the_designated_hours():
    within = row_of(complete_class(), hours={"demo01": 6.5})
    assert (within["hours_attested"], within["credit_hours"], within["credit_hours_reason"]) == \
        ("6.5", "6.5", "the hours the learner attested")
    over = row_of(complete_class(), hours={"demo01": 12})
    assert (over["hours_attested"], over["credit_hours"], over["credit_hours_reason"]) == \
        ("12", "9", "attested 12 h, capped at the course's designated 9 h")
    unattested = row_of(complete_class(), hours={})
    assert unattested["completed"] == "yes" and unattested["credit_hours"] == ""
    assert unattested["credit_hours_reason"] == "the learner attested no hours in the evaluation"


def test_every_reason_is_listed_when_several_hold():
    subs = complete_class() | {("demo01", "posttest"): Submission(3, 12, day(5), False),
                               ("demo01", "ps4"): Submission(6, 10, day(4), True)}
    reasons = row_of(subs, {("demo01", "ps1"): ["x"]})["not_complete_because"].split("; ")
    assert reasons == ["ps1 has an open integrity flag", "ps4 waits for a manual grade",
                       "post-test 25% is below the pass mark of 75%"]


def _gradebook(tmp_path):
    """A real nbgrader gradebook: ps1 with one autograded and one written item, two learners."""
    from nbgrader.api import Gradebook

    url = empty_gradebook(tmp_path / "gradebook.db")
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
    subs = gradebook.gradebook_submissions(_gradebook(tmp_path))
    assert subs[("demo01", "ps1")] == Submission(4.0, 5.0, day(1), False)
    assert subs[("demo02", "ps1")] == Submission(2.0, 5.0, day(2), True)


def test_a_re_grade_keeps_a_hand_grade_of_an_unchanged_answer_and_names_a_changed_one(tmp_path):
    """What `autograde --force` does (SaveAutoGrades marks an earlier hand grade for review), then the course's
    ReconfirmManualGrades with the ledger noted before the re-grade."""
    import logging

    import nbformat
    from nbgrader.api import Gradebook

    from exocourse.grading import manual_grades

    grading = tmp_path / "grading"
    grading.mkdir()
    url = _gradebook(grading)
    q1 = nbformat.v4.new_code_cell("assert True", metadata={"nbgrader": {"grade": True, "grade_id": "q1"}})
    q2 = nbformat.v4.new_markdown_cell("Exosomes are 30-150 nm.",
                                       metadata={"nbgrader": {"grade": True, "solution": True, "grade_id": "q2"}})
    graded = grading / "autograded" / "demo01" / "ps1" / "ps1.ipynb"
    graded.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[q2, q1]), graded)
    assert manual_grades.record(grading, url) == 1  # demo01's confirmed q2; demo02's q2 is not graded yet
    assert manual_grades.record(grading, url) == 0  # unchanged: nothing new

    def regrade(text: str) -> tuple[bool, float]:
        with Gradebook(url) as gb:  # SaveAutoGrades: a grade given before needs review
            gb.find_grade("q2", "ps1", "ps1", "demo01").needs_manual_grade = True
            gb.db.commit()
        q2.source = text
        resources = {"nbgrader": {"db_url": url, "student": "demo01", "assignment": "ps1", "notebook": "ps1"}}
        step = manual_grades.ReconfirmManualGrades(log=logging.getLogger("test"))
        step.preprocess(nbformat.v4.new_notebook(cells=[q2, q1]), resources)
        with Gradebook(url) as gb:
            grade = gb.find_grade("q2", "ps1", "ps1", "demo01")
            return grade.needs_manual_grade, grade.manual_score

    assert regrade("Exosomes are 30-150 nm.") == (False, 2.0)
    assert regrade("Exosomes are 30-150 nm. Edited.") == (True, 2.0)
    assert manual_grades.regrade_needed(url) == {("demo01", "ps1"): ["q2"]}
    assert gradebook.gradebook_submissions(url)[("demo01", "ps1")].regrade_cells == ("q2",)


def test_certificate_is_a_real_pdf_with_name_hours_and_the_providers_statement(tmp_path):
    from pypdf import PdfReader

    row = row_of(complete_class(), hours={"demo01": 8})
    path = certificates.write_certificate(row, MANIFEST, tmp_path / "c.pdf")
    assert path.read_bytes().startswith(b"%PDF-")
    text = " ".join(PdfReader(path).pages[0].extract_text().split())
    assert "Avery Quillfeather" in text and "DEMO-0001" in text and "2026-09-06" in text
    assert "up to 9 hours" in text and "Hours recorded for this learner: 8." in text
    assert "[Accredited provider to insert: statement]" in text
    again = certificates.write_certificate(row, MANIFEST, tmp_path / "d.pdf")
    assert again.read_bytes() == path.read_bytes()  # re-running the report changes nothing


def test_roster_needs_its_columns(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("learner_id,name\ndemo01,A\n")
    with pytest.raises(ValueError, match="licence_number"):
        roster.read_roster(path)
    roster.write_roster(path, ROSTER)
    assert roster.read_roster(path)["demo01"]["licence_number"] == "DEMO-0001"


def test_clear_flag_records_who_why_and_which_submission(tmp_path):
    (tmp_path / "grading").mkdir()
    url = _gradebook(tmp_path / "grading")
    assert url.endswith("grading/gradebook.db")
    with pytest.raises(ValueError, match="--reason"):
        clear_flag(tmp_path, "demo01", "ps1", by="Dr Reviewer", reason=" ")
    with pytest.raises(ValueError, match="No submission"):
        clear_flag(tmp_path, "demo09", "ps1", by="Dr Reviewer", reason="checked")
    with pytest.raises(ValueError, match="not in grading/submitted/"):  # nothing to review: nothing cleared
        clear_flag(tmp_path, "demo01", "ps1", by="Dr Reviewer", reason="checked")
    submitted = tmp_path / "grading" / "submitted" / "demo01" / "ps1"
    submitted.mkdir(parents=True)
    (submitted / "ps1.ipynb").write_text('{"cells": []}')
    clear_flag(tmp_path, "demo01", "ps1", by="Dr Reviewer", reason="exit call was harmless")
    with (tmp_path / "grading" / "cleared_flags.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["learner_id"], r["assignment"], r["cleared_by"], r["submission_timestamp"], r["submission_sha256"])
            for r in rows] == [("demo01", "ps1", "Dr Reviewer", day(1).isoformat(),
                                submission_digest(tmp_path, "demo01", "ps1"))]
    assert len(rows[0]["submission_sha256"]) == 64
