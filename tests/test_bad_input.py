"""Bad input never deletes, forges or crashes (the bad-input probe, ../shared/reviews/2026-12_bad_input_probe.md).

Property-based tests (hypothesis) over the learner-id rule and the CSV writer, plus the probe's concrete cases as
regression tests."""

from __future__ import annotations

import csv
import glob
import os
from pathlib import Path

import pytest
from conftest import empty_gradebook
from hypothesis import given, settings
from hypothesis import strategies as st

from exocourse.grading.learner_ids import RESERVED, LearnerIdError, check_learner_id
from exocourse.safe_csv import FORMULA_START, escape_markdown, neutral, write_csv

ANY_TEXT = st.text(max_size=120)
# Near-ids too, so that the accepting side of the rule is exercised as often as the refusing side.
ID_LIKE = st.from_regex(r"[A-Za-z0-9.][A-Za-z0-9._@+*?/ -]{0,30}", fullmatch=True)


# ------------------------------------------------------------------------------------------ learner ids ---
@settings(max_examples=400, deadline=None)
@given(st.one_of(ANY_TEXT, ID_LIKE))
def test_an_accepted_learner_id_never_escapes_its_own_folder(value):
    try:
        learner_id = check_learner_id(value)
    except LearnerIdError as error:
        assert str(error)  # always a message that says why
        return
    grading = Path("/course/grading")
    for folder in ("submitted", "autograded", "feedback", "certificates"):
        path = (grading / folder / learner_id).resolve()
        assert path.parent == grading / folder and path.name == learner_id
    assert glob.escape(learner_id) == learner_id  # no glob character
    assert "+" not in learner_id and learner_id == learner_id.strip()  # nbgrader's exchange separator
    assert learner_id.lower() not in RESERVED


@pytest.mark.parametrize("value", ["../..", "../../etc", "*", "", "alice/", "??", "[ab]*", " alice ", "alice ",
                                   "a b", "feedback", "submitted", "autograded", "integrity", "release", "exchange",
                                   "inbound", "certificates", "demo", "course", "Feedback", 'x"; echo INJECTED; "',
                                   "demo0$1", "ps1", "exo101", None, 5, "a" * 101, ".hidden", "-rf"])
def test_the_probes_learner_ids_are_refused_with_a_reason(value):
    with pytest.raises(LearnerIdError) as refused:
        check_learner_id(value, reserved={"ps1", "exo101"})
    assert len(str(refused.value).splitlines()) == 1


@pytest.mark.parametrize("value", ["alice", "jupyter-alice", "demo01", "a.b_c@d-e", "A1"])
def test_hub_and_nbgrader_style_ids_are_accepted(value):
    assert check_learner_id(value) == value


# ------------------------------------------------------------------------------------------------ CSV ---
def _starts_a_formula(cell: str) -> bool:
    if not cell.startswith(FORMULA_START):
        return False
    try:
        float(cell)
        return False
    except ValueError:
        return True


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.one_of(ANY_TEXT, st.integers(), st.floats(allow_nan=False)), min_size=2, max_size=2),
                max_size=5))
def test_no_cell_the_course_writes_starts_a_formula(tmp_path_factory, rows):
    path = write_csv(tmp_path_factory.mktemp("csv") / "out.csv", ["=name", "comment"], rows)
    with path.open(newline="", encoding="utf-8") as handle:
        written = list(csv.reader(handle))
    assert not [cell for row in written for cell in row if _starts_a_formula(cell)]
    assert len(written) == len(rows) + 1


@pytest.mark.parametrize("value,shown", [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("@SUM(1+1)", "'@SUM(1+1)"), ("-2+3", "'-2+3"), ("\tx", "'\tx"), ("-2.5", "-2.5"), ("Zoë Müller", "Zoë Müller"),
    (7, 7), (-1.5, -1.5)])
def test_the_probes_formulas_are_neutralised_and_numbers_kept(value, shown):
    assert neutral(value) == shown


def test_learner_text_in_a_markdown_summary_is_inert():
    text = escape_markdown('<img src=x onerror=alert(1)> [click](javascript:alert(1))')
    assert "<img" not in text and "](javascript" not in text and "&lt;img" in text


# ---------------------------------------------------------------------------------------------- rosters ---
from exocourse.instructor import completion  # noqa: E402
from exocourse.instructor.roster import RosterError  # noqa: E402

HEADER = "learner_id,legal_name,licence_number\n"


def _roster(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_roster_saved_by_excel_as_csv_utf8_is_read(tmp_path):
    path = _roster(tmp_path, "\ufeff" + HEADER + "demo01,Zoë Müller,L-1\n")
    assert completion.read_roster(path)["demo01"]["legal_name"] == "Zoë Müller"


def test_a_latin1_roster_is_read_with_a_note(tmp_path):
    notes = []
    path = _roster(tmp_path, HEADER + "demo01,Zoë Müller,L-1\n", encoding="latin-1")
    assert completion.read_roster(path, notes=notes)["demo01"]["legal_name"] == "Zoë Müller"
    assert len(notes) == 1 and "not UTF-8" in notes[0]


@pytest.mark.parametrize("body,says", [
    ("demo01,Avery Quillfeather,DEMO-1\ndemo01,Mallory Impostor,FAKE-9999\n",
     "row 3: learner id demo01 appears again (first on row 2)"),
    (",Avery Quillfeather,DEMO-1\n", "row 2: learner_id is blank"),
    ("demo01,,DEMO-1\n", "row 2: legal_name is blank for demo01"),
    ("../x,Avery,DEMO-1\n", "row 2: '../x' is not a learner id"),
    ("feedback,Avery,DEMO-1\n", "row 2: 'feedback' is the name of a course folder"),
    ("demo09,Avery,DEMO-1\n", "row 2: learner id demo09 is not in the gradebook"),
    ("", "the roster has no learners"),
])
def test_every_roster_problem_is_reported_with_its_row_and_nothing_is_returned(tmp_path, body, says):
    with pytest.raises(RosterError) as refused:
        completion.read_roster(_roster(tmp_path, HEADER + body), known={"demo01"})
    assert says in str(refused.value) and "Nothing was written" in str(refused.value)


def test_a_roster_without_its_columns_names_what_it_found(tmp_path):
    with pytest.raises(RosterError, match="lacks the column.s. legal_name, licence_number .found: 'learner_id', 'name', 'x'"):
        completion.read_roster(_roster(tmp_path, "learner_id,name,x\n"))


def test_a_roster_problem_changes_nothing_on_disk(tmp_path):
    """An empty or broken roster must not rewrite the registrar's report or touch any certificate."""
    from nbgrader.api import Gradebook

    grading = tmp_path / "grading"
    grading.mkdir()
    (tmp_path / "course.yml").write_text("x")
    report = grading / completion.REPORT_NAME
    report.write_text("learner_id,completed\ndemo01,yes\n")
    certificate = grading / "certificates/demo01/exo101_certificate_demo01.pdf"
    certificate.parent.mkdir(parents=True)
    certificate.write_bytes(b"%PDF-1.4 issued")
    with Gradebook(empty_gradebook(tmp_path / "grading/gradebook.db")) as gradebook:
        gradebook.add_student("demo01")
    import exocourse.manifest

    original = exocourse.manifest.load_manifest
    exocourse.manifest.load_manifest = lambda root: {"course_id": "exo101", "title": "t", "modules": [], "ce": {}}
    try:
        with pytest.raises(RosterError):
            completion.report(tmp_path, _roster(tmp_path, HEADER))
    finally:
        exocourse.manifest.load_manifest = original
    assert report.read_text() == "learner_id,completed\ndemo01,yes\n"
    assert certificate.read_bytes() == b"%PDF-1.4 issued"


def test_the_registrar_report_neutralises_formulas_from_the_roster(tmp_path):
    rows = [{"learner_id": "demo01", "legal_name": '=HYPERLINK("http://x","y")', "licence_number": "+cmd|' /C calc'!A0"}]
    path = completion.write_report(rows, tmp_path / "completion_report.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert written[0]["legal_name"] == '\'=HYPERLINK("http://x","y")'
    assert written[0]["licence_number"].startswith("'+")


def test_clearing_a_flag_with_no_gradebook_creates_none(tmp_path):
    with pytest.raises(ValueError, match="No gradebook"):
        completion.clear_flag(tmp_path, "alice", "ps1", by="Dr Reviewer", reason="checked")
    assert not (tmp_path / "grading/gradebook.db").exists()


# ---------------------------------------------------------------------------- learner-facing functions ---
def test_course_errors_show_one_line_in_a_notebook():
    from exocourse import data
    from exocourse.lessons import biology, diagnostics

    for error in (diagnostics.InputError("Prevalence must be between 0 and 1."), data.DataError("No self-checks"),
                  biology.InputError("x")):
        assert error._render_traceback_() == [str(error)]


@pytest.mark.parametrize("value", [10**400, 1e30, 1e27, -1e19])
def test_a_huge_number_answer_gets_a_friendly_line(value):
    from exocourse import answers

    with pytest.raises(answers.AnswerFormError, match="powers of ten"):
        answers.normalise_number(value, 2)


@pytest.mark.parametrize("call", [
    lambda d: d.natural_frequencies(0.1, 0.9, 0.8, people=-1000),
    lambda d: d.natural_frequencies(0.1, 0.9, 0.8, people=0.5),
    lambda d: d.natural_frequencies(0.1, 0.9, 0.8, people=float("nan")),
    lambda d: d.load_scores(0), lambda d: d.load_scores(True), lambda d: d.load_confusion_matrix(2),
    lambda d: d.load_scores(None), lambda d: d.load_scores("x" * 1_000_000), lambda d: d.load_scores("."),
    lambda d: d.area_under_curve([float("nan"), 1.0], [1, 0]), lambda d: d.roc_points(None, [1, 0]),
    lambda d: d.confusion_at_cutpoint([10**400, 1], [1, 0], 1), lambda d: d.area_under_curve(["abc", 1], [1, 0]),
    lambda d: d.roc_points([1, 2], [[1], [0]]),
])
def test_diagnostics_refuse_nonsense_with_a_course_error(call):
    from exocourse.lessons import diagnostics

    with pytest.raises(diagnostics.InputError):
        call(diagnostics)


def test_a_scores_file_with_nan_is_refused(tmp_path):
    from exocourse.lessons import diagnostics

    path = tmp_path / "scores.csv"
    path.write_text("score,outcome\nnan,1\n2.0,0\n")
    with pytest.raises(diagnostics.InputError, match="not a finite number"):
        diagnostics.load_scores(str(path))


@pytest.mark.parametrize("text", ["diameter_nm\nabc\n", "diameter_nm\n\xe9\n"])
def test_a_broken_nta_file_is_refused_with_a_course_error(tmp_path, text):
    from exocourse.lessons import biology

    path = tmp_path / "nta.csv"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(biology.InputError):
        biology.load_nta_sample(str(path))
    with pytest.raises(biology.InputError):
        biology.load_nta_sample(str(tmp_path))  # a folder


def test_the_probes_other_model_cases():
    from exocourse.data import DataError
    from exocourse.lessons import biology, consent, regulation, risk, therapeutics
    from exocourse.lessons.views import quiz as quiz_views

    with pytest.raises(biology.InputError):
        biology.verdict([])  # once: "Meets every item"
    with pytest.raises(biology.InputError):
        biology.misev_minimal_check([63])
    with pytest.raises(regulation.InputError):
        regulation.decide_pathway(None)
    with pytest.raises(regulation.InputError):
        regulation.pathway_code("x")
    with pytest.raises(consent.InputError):
        consent.reading_grade("word " * 4000)  # once: grade 1556
    with pytest.raises(consent.InputError):
        consent.reading_grade("外泌体是细胞分泌的小囊泡。")
    with pytest.raises(DataError):
        quiz_views.self_check("biology", "no-such-id")
    with pytest.raises(DataError):
        quiz_views.self_check("../../course", "x")
    with pytest.raises(risk.InputError):
        risk.probability_lot_passes(0.01, 10**400)
    with pytest.raises(therapeutics.InputError):
        therapeutics.expected_approvals(10**400, 0.5)
    assert risk.patients_needed(0.99, confidence=1e-17) == 1  # once: 0
    assert risk.units_to_detect(1e-17) > 10**16  # once: ZeroDivisionError


# ------------------------------------------------------------- property: any input → a course error or a result ---
from exocourse.errors import OneLineError  # noqa: E402
from exocourse.lessons import biology, claims, consent, diagnostics, regulation, risk, therapeutics, timeline  # noqa: E402

VALUE = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**20, max_value=10**400),
                  st.floats(), st.text(max_size=40), st.lists(st.one_of(st.floats(), st.integers(), st.text(max_size=5)),
                                                             max_size=6))
MODEL_FUNCTIONS = [  # (function, number of arguments)
    (diagnostics.accuracy_from_counts, 4), (diagnostics.likelihood_ratios, 2), (diagnostics.predictive_values, 3),
    (diagnostics.post_test_probability, 2), (diagnostics.natural_frequencies, 4),
    (diagnostics.confusion_at_cutpoint, 3), (diagnostics.roc_points, 2), (diagnostics.area_under_curve, 2),
    (diagnostics.load_scores, 1), (diagnostics.load_confusion_matrix, 1), (diagnostics.cutpoint_table, 2),
    (risk.rule_of_three, 1), (risk.exact_upper_bound, 2), (risk.patients_needed, 2),
    (risk.probability_lot_passes, 2), (risk.units_to_detect, 2), (therapeutics.expected_approvals, 2),
    (therapeutics.programs, 1), (biology.median_diameter_nm, 1), (biology.percent_below, 2),
    (biology.misev_minimal_check, 1), (biology.verdict, 1), (biology.nta_histogram, 1),
    (biology.separation_outcome, 1), (biology.load_nta_sample, 1), (consent.reading_grade, 1),
    (consent.audit_consent_form, 1), (claims.find_lookalikes, 1), (claims.normalise, 1),
    (claims.count_lookalikes, 1), (regulation.decide_pathway, 1), (regulation.pathway_code, 1),
    (timeline.events, 1),
]


@pytest.mark.parametrize("function,arity", MODEL_FUNCTIONS, ids=lambda f: getattr(f, "__name__", str(f)))
def test_any_input_to_a_model_function_gives_a_result_or_a_course_error(function, arity):
    # EXOCOURSE_HYPOTHESIS_EXAMPLES=2000 for a deeper local search; CI runs the default.
    @settings(max_examples=int(os.environ.get("EXOCOURSE_HYPOTHESIS_EXAMPLES", "60")), deadline=None)
    @given(st.lists(VALUE, min_size=arity, max_size=arity))
    def check(arguments):
        try:
            function(*arguments)
        except OneLineError:
            pass  # a course error: one clear line for the learner

    check()


def test_nbgrader_export_writes_no_formula(tmp_path):
    """`nbgrader export` (nbgrader_config.py sets the course's exporter): a roster name can start a formula."""
    from nbgrader.api import Gradebook

    from exocourse.grading.preprocessors import SafeCsvExportPlugin

    with Gradebook(empty_gradebook(tmp_path / "gradebook.db")) as gradebook:
        gradebook.add_assignment("ps1")
        gradebook.add_student("demo01", first_name='=HYPERLINK("http://x")', last_name="@SUM(1)")
        gradebook.add_submission("ps1", "demo01")
        SafeCsvExportPlugin(to=str(tmp_path / "grades.csv")).export(gradebook)
    with (tmp_path / "grades.csv").open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells and "'@SUM(1)" in cells
    assert not [cell for cell in cells if _starts_a_formula(cell)]
