import pytest

from exocourse.lessons import therapeutics
from exocourse.lessons.therapeutics import InputError
from exocourse.lessons.views import therapeutics as therapeutics_views


def test_no_program_in_the_table_is_approved():
    assert therapeutics.programs() and all(row["phase_rank"] < 4 for row in therapeutics.programs())


def test_every_program_row_cites_a_source_and_a_date():
    assert all(row["reference"] and row["status_date"] for row in therapeutics.programs())


def test_filter_by_product_type_and_unknown_type_message():
    assert {row["product_type"] for row in therapeutics.programs("Engineered EVs")} == {"Engineered EVs"}
    with pytest.raises(InputError, match="No programs of type"):
        therapeutics.programs("Gene therapy")


def test_expected_approvals_scale_with_candidates():
    assert therapeutics.expected_approvals(1000, 0.079) == pytest.approx(79)
    assert therapeutics.expected_approvals(100, 0.079) == pytest.approx(7.9)


@pytest.mark.parametrize("candidates,likelihood", [(0, 0.1), (-5, 0.1), (2.5, 0.1), (10, 7.9), (10, -0.1)])
def test_bad_input_gets_a_clear_message(candidates, likelihood):
    with pytest.raises(InputError):
        therapeutics.expected_approvals(candidates, likelihood)


def test_success_rates_are_proportions_with_sources():
    rates = therapeutics.success_rates()
    assert len(rates) >= 2 and all(0 < r["likelihood_of_approval"] < 1 and r["reference"] for r in rates)


def test_trial_explorer_filters_the_figure_and_the_text():
    view = therapeutics_views.trial_phase_explorer()
    everyone = len(view.figures["phases"].data[0].y)
    view.controls["product_type"].value = "MSC-derived EVs"
    shown = view.figures["phases"].data[0].y
    assert 0 < len(shown) < everyone and all("ExoFlo" in name for name in shown)
    assert f"none had reached approval as of {therapeutics.approval_as_of()}" in view.readout.value


def test_development_path_explorer_updates_bars_and_text():
    view = therapeutics_views.development_path_explorer(candidates=100)
    view.controls["candidates"].value = 500
    assert [trace.y[0] for trace in view.figures["approvals"].data] == [500, 500]
    assert "Of 500 drug candidates" in view.readout.value


def test_success_rates_are_never_shown_more_precisely_than_published():
    view = therapeutics_views.development_path_explorer(candidates=100)
    assert "14%" in view.readout.value and "14.0%" not in view.readout.value
    assert "7.9%" in view.readout.value
    assert [trace.text[1] for trace in view.figures["approvals"].data] == ["7.9", "14"]


def test_stated_digits_follow_the_published_figure():
    assert [therapeutics.stated_digits(p) for p in (0.079, 0.14, 0.125)] == [2, 2, 3]
    assert therapeutics.as_published(14.000000000000002, 2) == "14" and therapeutics.as_published(147.0, 2) == "150"


def test_a_phase_1_2_trial_is_labelled_as_such_where_it_is_placed_at_phase_1():
    exosting = next(row for row in therapeutics.programs() if row["name"].startswith("exoSTING"))
    assert exosting["phase_rank"] == 1 and "phase 1/2" in exosting["name"]


def test_an_ongoing_trial_gets_the_recruiting_marker():
    assert therapeutics_views._status_symbol("Ongoing per the sponsor's release") == "circle"
