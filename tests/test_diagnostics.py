import math

import pytest

from exocourse.lessons import diagnostics
from exocourse.lessons.diagnostics import InputError
from exocourse.lessons.views import diagnostics as diagnostics_views


def test_accuracy_from_a_two_by_two_table():
    acc = diagnostics.accuracy_from_counts(tp=90, fp=180, fn=10, tn=720)
    assert acc.sensitivity == pytest.approx(0.9) and acc.specificity == pytest.approx(0.8)
    assert acc.ppv == pytest.approx(90 / 270) and acc.npv == pytest.approx(720 / 730)
    assert acc.lr_positive == pytest.approx(4.5) and acc.lr_negative == pytest.approx(0.125)
    assert acc.prevalence == pytest.approx(0.1)


def test_ppv_falls_as_prevalence_falls():
    ppvs = [diagnostics.predictive_values(p, 0.9, 0.8)[0] for p in (0.5, 0.2, 0.05, 0.01)]
    assert ppvs == sorted(ppvs, reverse=True)


def test_npv_rises_as_prevalence_falls():
    npvs = [diagnostics.predictive_values(p, 0.9, 0.8)[1] for p in (0.5, 0.2, 0.05)]
    assert npvs == sorted(npvs)


def test_predictive_values_agree_with_counts():
    ppv, npv = diagnostics.predictive_values(0.1, 0.9, 0.8)
    acc = diagnostics.accuracy_from_counts(90, 180, 10, 720)
    assert (ppv, npv) == pytest.approx((acc.ppv, acc.npv))


def test_post_test_probability_uses_odds():
    assert diagnostics.post_test_probability(0.25, 3) == pytest.approx(0.5)  # odds 1/3 × 3 = 1 → 50%
    assert diagnostics.post_test_probability(0.25, 1) == pytest.approx(0.25)
    assert diagnostics.post_test_probability(0.0, 10) == 0.0


def test_natural_frequencies_add_up_to_the_people_tested():
    counts = diagnostics.natural_frequencies(0.1, 0.9, 0.8)
    assert counts == {"true positives": 90, "false negatives": 10, "false positives": 180, "true negatives": 720}
    assert sum(diagnostics.natural_frequencies(0.137, 0.913, 0.777, 1000).values()) == 1000


@pytest.mark.parametrize("call", [
    lambda: diagnostics.predictive_values(25, 0.9, 0.8),        # percent instead of proportion
    lambda: diagnostics.predictive_values(0.2, -0.1, 0.8),
    lambda: diagnostics.predictive_values("high", 0.9, 0.8),
    lambda: diagnostics.accuracy_from_counts(-1, 2, 3, 4),
    lambda: diagnostics.accuracy_from_counts(1.5, 2, 3, 4),
    lambda: diagnostics.accuracy_from_counts(0, 0, 0, 5),
    lambda: diagnostics.post_test_probability(0.2, -3),
    lambda: diagnostics.confusion_at_cutpoint([1, 2], [1], 1.5),
    lambda: diagnostics.confusion_at_cutpoint([1, 2], [1, 1], 1.5),
])
def test_bad_input_gets_a_clear_message(call):
    with pytest.raises(InputError):
        call()


def test_percent_given_for_a_proportion_says_how_to_fix_it():
    with pytest.raises(InputError, match="For 25% type 0.25"):
        diagnostics.predictive_values(25, 0.9, 0.8)


def test_confusion_at_cutpoint_counts_at_or_above_as_positive():
    assert diagnostics.confusion_at_cutpoint([1, 2, 3, 4], [0, 1, 0, 1], 2) == {"tp": 2, "fp": 1, "fn": 0, "tn": 1}


def test_roc_runs_from_corner_to_corner_and_perfect_separation_has_auc_one():
    points = diagnostics.roc_points([1, 2, 3, 4], [0, 0, 1, 1])
    assert points[0][:2] == (0.0, 0.0) and points[-1][:2] == (1.0, 1.0)
    assert diagnostics.area_under_curve([1, 2, 3, 4], [0, 0, 1, 1]) == 1.0
    assert diagnostics.area_under_curve([1, 1, 1, 1], [0, 1, 0, 1]) == 0.5  # ties count half


def test_synthetic_biomarker_matches_its_published_auc_within_sampling_error():
    scores, outcomes = diagnostics.biomarker_data()
    assert abs(diagnostics.area_under_curve(scores, outcomes) - 0.70) < 0.05
    assert math.isclose(sum(outcomes) / len(outcomes), 0.32, abs_tol=0.01)


def test_predictive_value_explorer_updates_when_prevalence_moves():
    view = diagnostics_views.predictive_value_explorer()
    before = view.readout.value
    view.controls["prevalence"].value = 40
    assert view.readout.value != before and "of whom 360 have the condition" in view.readout.value
    marks = sum(len(trace.x) for trace in view.figures["patients"].data)
    assert marks == 1000


def test_cutpoint_explorer_moves_the_star_along_the_roc():
    view = diagnostics_views.cutpoint_explorer(cutpoint=10)
    star = view.figures["roc"].data[2]
    low = (star.x[0], star.y[0])
    view.controls["cutpoint"].value = 20
    high = (star.x[0], star.y[0])
    assert high[0] < low[0] and high[1] < low[1]  # higher cut-point: fewer false and true positives
    assert "cut-point of 20" in view.readout.value


def test_confusion_matrix_file_errors_are_plain(tmp_path):
    with pytest.raises(InputError, match="No file"):
        diagnostics.load_confusion_matrix(str(tmp_path / "nope.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="2×2"):
        diagnostics.load_confusion_matrix(str(bad))


def test_explorer_starts_at_the_values_the_lesson_uses():
    view = diagnostics_views.predictive_value_explorer(prevalence=0.30, sensitivity=0.90, specificity=0.35)
    assert view.controls["specificity"].value == 35
    assert "false positives: 455" in view.figures["patients"].layout.annotations[0].text  # the picture's key


def test_patient_picture_is_one_trace_whose_marker_arrays_a_slider_restyles():
    """The 1,000-patient picture repaints by restyling one trace (one batch_update), never by adding traces."""
    view = diagnostics_views.predictive_value_explorer(prevalence=0.30, sensitivity=0.90, specificity=0.35)
    figure = view.figures["patients"]
    assert len(figure.data) == 1
    trace = figure.data[0]
    positions = (tuple(trace.x), tuple(trace.y))
    symbols = list(trace.marker.symbol)
    assert symbols.count("circle") == 270 and symbols.count("x") == 455  # filled vs open: not colour alone
    assert symbols.count("circle-open") == 30 and symbols.count("square-open") == 245
    colours = list(trace.marker.color)
    sent = []
    original = figure._send_update_msg
    figure._send_update_msg = lambda *args, **kwargs: (sent.append(args), original(*args, **kwargs))
    view.controls["prevalence"].value = 10
    assert len(figure.data) == 1 and (tuple(trace.x), tuple(trace.y)) == positions
    assert list(trace.marker.symbol).count("circle") == 90 and list(trace.marker.symbol).count("x") == 585
    assert list(trace.marker.color) != colours and len(trace.marker.color) == 1000
    assert len(sent) == 1  # one update message for the whole repaint
    assert "false positives: 585" in figure.layout.annotations[0].text


def test_patient_marks_refuses_counts_that_do_not_add_up_to_1000():
    with pytest.raises(InputError, match="add up to 1000"):
        diagnostics_views.patient_marks({"true positives": 1, "false negatives": 1, "false positives": 1, "true negatives": 1})
