import pytest

from exocourse.lessons import risk
from exocourse.lessons.risk import InputError
from exocourse.lessons.views import risk as risk_views


def test_rule_of_three_and_exact_bound_for_300_patients():
    assert risk.rule_of_three(300) == pytest.approx(0.01)
    assert risk.exact_upper_bound(300) == pytest.approx(0.009936, abs=1e-6)  # 1 − 0.05^(1/300)


def test_exact_bound_is_below_the_rule_of_three_and_shrinks_with_n():
    bounds = [risk.exact_upper_bound(n) for n in (30, 300, 3000)]
    assert bounds == sorted(bounds, reverse=True)
    assert all(risk.exact_upper_bound(n) < risk.rule_of_three(n) for n in (30, 300, 3000))


def test_patients_needed_to_rule_out_one_in_a_thousand():
    assert risk.patients_needed(1 / 1000) == 2995  # log(0.05) / log(0.999) = 2994.2


def test_probability_a_contaminated_lot_passes():
    assert risk.probability_lot_passes(0.01, 20) == pytest.approx(0.99 ** 20)
    assert risk.probability_lot_passes(0, 20) == 1.0
    assert risk.units_to_detect(0.01) == 299  # log(0.05) / log(0.99) = 298.1


@pytest.mark.parametrize("call", [
    lambda: risk.rule_of_three(0), lambda: risk.rule_of_three(-10), lambda: risk.rule_of_three(2.5),
    lambda: risk.rule_of_three("300"), lambda: risk.exact_upper_bound(100, confidence=1.5),
    lambda: risk.patients_needed(0), lambda: risk.patients_needed(5), lambda: risk.probability_lot_passes(1.5, 10),
    lambda: risk.probability_lot_passes(0.01, 0), lambda: risk.probability_lot_passes("1%", 10),
])
def test_bad_input_gets_a_clear_message(call):
    with pytest.raises(InputError):
        call()


def test_percent_instead_of_proportion_says_how_to_write_it():
    with pytest.raises(InputError, match="1 in 1,000 is 0.001"):
        risk.patients_needed(5)


def test_zero_events_explorer_updates_star_and_text():
    view = risk_views.zero_events_explorer(n=300)
    view.controls["patients"].value = 3000
    star = view.figures["bound"].data[2]
    assert star.x[0] == 3000 and star.y[0] == pytest.approx(risk.exact_upper_bound(3000))
    view.controls["risk_one_in"].value = 1000
    assert "follow 2,995 patients" in view.readout.value


def test_sterility_explorer_updates_curve_and_star():
    view = risk_views.sterility_explorer(contamination=0.01, units=20)
    view.controls["units"].value = 100
    assert view.figures["passes"].data[1].y[0] == pytest.approx(0.99 ** 100)
    assert "does not show the lot is sterile" in view.readout.value


def test_every_risk_has_an_evidence_level_and_a_source():
    rows = risk.risks()
    assert len(rows) >= 7 and all(row["evidence_level"] and row["reference"] for row in rows)


def test_batch_variability_is_documented_in_the_laboratory_not_theoretical():
    row = next(row for row in risk.risks() if row["risk"].startswith("Batch-to-batch"))
    assert row["evidence_level"] == "observed in laboratory or animal studies"
    assert "not been documented" in row["evidence"]  # clinical consequences: not documented


def test_risk_matrix_places_a_risk_and_shows_its_evidence():
    view = risk_views.risk_matrix()
    matrix = view.figures["matrix"]
    # Before any placement the figure already shows the sliders' setting, and the caption and text version exist.
    assert list(matrix.data[0].x) == [3] and list(matrix.data[0].y) == [3]
    assert "<strong>Figure.</strong>" in view.readout.value and "You placed 0 risk(s)" in view.readout.value
    view.controls["likelihood"].value = 4
    assert list(matrix.data[0].x) == [4] and "likelihood 4" in view.readout.value
    first = view.controls["risk"].options[0]
    view.controls["likelihood"].value, view.controls["severity"].value = 2, 5
    view.place()
    assert list(matrix.data[1].x) == [2] and list(matrix.data[1].y) == [5]
    course = next(row for row in risk.risks() if row["risk"] == first)
    assert list(matrix.data[2].x) == [course["likelihood"]]
    assert course["evidence_level"] in view.readout.value and course["reference"] in view.readout.value
    assert "You placed 1 risk(s)" in view.readout.value


def test_timeline_lists_events_in_date_order_and_moves_the_star():
    from exocourse.lessons import timeline
    from exocourse.lessons.views import timeline as timeline_views

    rows = timeline.events("risk_events")
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    view = timeline_views.timeline_view("risk_events", "Events")
    view.controls["event"].value = len(rows) - 1
    assert view.figures["timeline"].data[1].x[0] == rows[-1]["date"]
    assert rows[-1]["event"] in view.readout.value and "<a href=" in view.readout.value
