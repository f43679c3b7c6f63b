import pytest

from exocourse.lessons import biology
from exocourse.lessons.biology import InputError
from exocourse.lessons.views import biology as biology_views


def outcome(method):
    return biology.separation_outcome(method)


def test_precipitation_recovers_most_but_is_least_pure():
    everyone = [outcome(m["method"]) for m in biology.separation_methods()]
    ppt = outcome("ppt")
    assert ppt.yield_percent == max(o.yield_percent for o in everyone)
    assert ppt.purity_percent == min(o.purity_percent for o in everyone)


def test_density_gradient_is_purer_than_differential_ultracentrifugation():
    assert outcome("dgc").purity_percent > outcome("duc").purity_percent


def test_histogram_totals_match_the_yield_and_purity():
    bins = biology.nta_histogram("sec")
    evs = sum(b["ev_per_ml"] for b in bins)
    other = sum(b["other_per_ml"] for b in bins)
    assert outcome("sec").purity_percent == pytest.approx(100 * evs / (evs + other), abs=0.05)
    assert len(bins) == 60 and bins[0]["bin_start_nm"] == 0 and bins[-1]["bin_end_nm"] == 600


def test_unknown_method_names_the_choices():
    with pytest.raises(InputError, match="Size-exclusion|sec"):
        biology.separation_outcome("magic")


def test_median_and_share_below_limit():
    assert biology.median_diameter_nm([80, 100, 300]) == 100
    assert biology.percent_below([80, 100, 300], 200) == pytest.approx(200 / 3)


@pytest.mark.parametrize("bad", [[], "100 nm", [100, -5], [100, float("nan")], None, [True]])
def test_bad_diameters_get_a_clear_message(bad):
    with pytest.raises(InputError):
        biology.median_diameter_nm(bad)


def test_missing_nta_file_gets_a_clear_message(tmp_path):
    with pytest.raises(InputError, match="No file called"):
        biology.load_nta_sample(str(tmp_path / "nope.csv"))


def test_nta_file_without_diameters_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("size\n100\n")
    with pytest.raises(InputError, match="diameter_nm"):
        biology.load_nta_sample(str(path))


def test_full_panel_meets_misev_checklist():
    report = ["source_amount", "particle_number", "protein_amount", "cd63", "cd81", "tsg101", "calnexin", "em", "nta"]
    assert all(r.met for r in biology.misev_minimal_check(report))
    assert biology.verdict(biology.misev_minimal_check(report)).startswith("Meets")


TRANSMEMBRANE = "At least one transmembrane or GPI-anchored EV protein (e.g. CD9, CD63, CD81)"
CYTOSOLIC = "At least one cytosolic EV protein (e.g. TSG101, syntenin, annexins)"
PURITY = "A purity check: at least one expected contaminant tested"


def test_three_tetraspanins_alone_miss_the_cytosolic_and_purity_items():
    requirements = {r.name: r.met for r in biology.misev_minimal_check(["cd9", "cd63", "cd81"])}
    assert requirements[TRANSMEMBRANE]
    assert not requirements[CYTOSOLIC]
    assert not requirements[PURITY]


def test_one_transmembrane_and_one_cytosolic_protein_meet_the_marker_items_without_a_count_of_three():
    """The rule follows the 2022 table of MISEV2018 requirements, which gives no count of positive markers."""
    requirements = {r.name: r.met for r in biology.misev_minimal_check(["cd63", "tsg101", "calnexin"])}
    assert requirements[TRANSMEMBRANE] and requirements[CYTOSOLIC] and requirements[PURITY]
    assert not any("three" in name for name in requirements)


def test_unknown_checklist_item_is_refused():
    with pytest.raises(InputError, match="Not on the checklist"):
        biology.misev_minimal_check(["cd63", "western"])


def test_explorer_updates_figures_and_text_when_the_method_changes():
    view = biology_views.nta_explorer("sec")
    before = (list(view.figures["histogram"].data[1].y), view.readout.value)
    view.controls["method"].value = "ppt"
    after = (list(view.figures["histogram"].data[1].y), view.readout.value)
    assert before[0] != after[0]
    assert "Polymer precipitation" in after[1] and "Size-exclusion" in before[1]
    star = view.figures["tradeoff"].data[1]
    assert (star.x[0], star.y[0]) == (outcome("ppt").yield_percent, outcome("ppt").purity_percent)


def test_marker_builder_reports_what_is_missing_and_updates_on_tick():
    view = biology_views.marker_panel_builder(["cd63"])
    assert "Does not yet meet" in view.readout.value
    for item in ["source_amount", "particle_number", "protein_amount", "cd81", "tsg101", "calnexin", "em", "nta"]:
        view.controls[item].value = True
    assert "Meets every item" in view.readout.value and "✘" not in view.readout.value


def test_marker_builder_headline_counts_what_is_missing_without_repeating_the_list():
    view = biology_views.marker_panel_builder(["particle_number", "nta", "cd63"])
    assert "Does not yet meet the checklist: 5 of 7 items missing." in view.readout.value
    assert view.readout.value.count("amount of starting material") == 1
