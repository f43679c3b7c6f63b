import pytest

from exocourse import therapeutics as tx
from exocourse.therapeutics import InputError


def test_no_program_in_the_table_is_approved():
    assert tx.programs() and all(row["phase_rank"] < 4 for row in tx.programs())


def test_every_program_row_cites_a_source_and_a_date():
    assert all(row["reference"] and row["status_date"] for row in tx.programs())


def test_filter_by_product_type_and_unknown_type_message():
    assert {row["product_type"] for row in tx.programs("Engineered EVs")} == {"Engineered EVs"}
    with pytest.raises(InputError, match="No programs of type"):
        tx.programs("Gene therapy")


def test_expected_approvals_scale_with_candidates():
    assert tx.expected_approvals(1000, 0.079) == pytest.approx(79)
    assert tx.expected_approvals(100, 0.079) == pytest.approx(7.9)


@pytest.mark.parametrize("candidates,likelihood", [(0, 0.1), (-5, 0.1), (2.5, 0.1), (10, 7.9), (10, -0.1)])
def test_bad_input_gets_a_clear_message(candidates, likelihood):
    with pytest.raises(InputError):
        tx.expected_approvals(candidates, likelihood)


def test_success_rates_are_proportions_with_sources():
    rates = tx.success_rates()
    assert len(rates) >= 2 and all(0 < r["likelihood_of_approval"] < 1 and r["reference"] for r in rates)


def test_trial_explorer_filters_the_figure_and_the_text():
    view = tx.trial_phase_explorer()
    everyone = len(view.figures["phases"].data[0].y)
    view.controls["product_type"].value = "MSC-derived EVs"
    shown = view.figures["phases"].data[0].y
    assert 0 < len(shown) < everyone and all("ExoFlo" in name for name in shown)
    assert "none is approved" in view.readout.value


def test_development_path_explorer_updates_bars_and_text():
    view = tx.development_path_explorer(candidates=100)
    view.controls["candidates"].value = 500
    assert [trace.y[0] for trace in view.figures["approvals"].data] == [500, 500]
    assert "Of 500 drug candidates" in view.readout.value
