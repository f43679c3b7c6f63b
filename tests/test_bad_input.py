"""Bad input never deletes, forges or crashes (the bad-input probe, ../shared/reviews/2026-12_bad_input_probe.md).

Property-based tests (hypothesis) over the learner-id rule and the CSV writer, plus the probe's concrete cases as
regression tests."""

from __future__ import annotations

import csv
import glob
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exocourse.learner_ids import RESERVED, LearnerIdError, check_learner_id
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
