"""The lessons' widget toolkit (exocourse.lessons.ui) and the course's accessible slider (exocourse.lessons.slider)."""

from __future__ import annotations

import ipywidgets as w
import pytest

from exocourse import errors
from exocourse.lessons import biology, claims, consent, diagnostics, regulation, risk, therapeutics, ui
from exocourse.lessons.figure import Figure
from exocourse.lessons.slider import IntSlider, Slider
from exocourse.lessons.views import biology as biology_views
from exocourse.lessons.views import diagnostics as diagnostics_views
from exocourse.lessons.views import risk as risk_views
from exocourse.lessons.views import therapeutics as therapeutics_views
from exocourse.lessons.views import timeline as timeline_views

TOPICS = [biology, claims, consent, diagnostics, regulation, risk, therapeutics]


# ------------------------------------------------------------------------------------------------- slider ---
def test_whole_number_slider_keeps_ints_clamps_and_says_its_value_with_its_unit():
    s = ui.slider("Patients followed", 300, 10, 10000, 10, unit="patients", width="520px")
    assert isinstance(s, IntSlider) and isinstance(s, w.DOMWidget)
    assert (s.value, s.min, s.max, s.step, s.description) == (300, 10, 10000, 10, "Patients followed")
    assert s.layout.width == "520px"
    assert s.valuetext == "300 patients"
    s.value = 20_000
    assert s.value == 10000 and type(s.value) is int and s.valuetext == "10000 patients"
    s.value = -5
    assert s.value == 10


def test_real_number_slider_formats_like_ipywidgets_and_puts_percent_next_to_the_number():
    s = ui.slider("Prevalence (%)", 25.0, 0.5, 60, 0.5, unit="%")
    assert isinstance(s, Slider) and not isinstance(s, IntSlider)
    assert s.readout_format == ".2f" and s.valuetext == "25.00%"
    s.value = 12.5
    assert s.valuetext == "12.50%"
    plain = ui.slider("Cut-point (score)", 17.3, 5.0, 30.0, 0.5)
    assert plain.valuetext == "17.30"


def test_valuetext_follows_every_change_and_is_read_only_for_the_front_end():
    s = ui.slider("Units tested per lot", 20, 1, 200)
    seen = []
    s.observe(lambda change: seen.append(change["new"]), names="value")
    s.value = 21
    assert seen == [21] and s.valuetext == "21"
    s.readout_format = ",d"
    s.value = 150
    assert s.valuetext == "150"
    with pytest.raises(Exception, match="read-only"):
        s.valuetext = "anything"


def test_log_slider_maps_exponents_to_values_like_FloatLogSlider():
    s = ui.slider("Contaminated fraction of units", 0.01, -4, -0.3, 0.05, base=10, readout_format=".4f")
    assert isinstance(s, Slider) and s.base == 10
    assert (s.min, s.max, s.step) == (-4, -0.3, 0.05)
    assert s.bounds() == pytest.approx((1e-4, 10 ** -0.3))
    assert s.position() == pytest.approx(-2) and s.position(0.1) == pytest.approx(-1)
    assert s.valuetext == "0.0100"
    s.value = 10 ** -1.95  # what the front end sends for position -1.95
    assert s.value == pytest.approx(0.01122, rel=1e-3) and s.valuetext == "0.0112"
    s.value = 0.9
    assert s.value == pytest.approx(10 ** -0.3)
    s.value = 1e-9
    assert s.value == pytest.approx(1e-4)


def test_the_front_end_is_a_labelled_native_range_input_with_valuetext():
    s = ui.slider("Your severity (1–5)", 3, 1, 5)
    esm = s._esm
    for needed in ('input.type = "range"', "label.htmlFor = id", '"aria-valuetext"', "data-lm-suppress-shortcuts",
                   "continuous_update", "Math.pow(base(), position)"):
        assert needed in esm, needed
    state = s.get_state()
    assert {"value", "min", "max", "step", "description", "valuetext", "unit", "base"} <= set(state)


# -------------------------------------------------------------------------------------------- the toolkit ---
def test_choice_button_text_box_and_view():
    radios = ui.choice("Your verdict", ["Supported", "Overstated"])
    assert isinstance(radios, w.RadioButtons) and radios.value is None and radios.layout.width is None
    assert radios.style.description_width == "initial"
    wrapped = ui.choice("A long question?", [("Yes", True), ("No", False)], wrap=True)
    assert (wrapped.layout.width, wrapped.layout.flex_flow) == ("100%", "column")
    assert ui.choice("Risk", ["a", "b"], menu=True).value == "a"  # a menu starts on its first option
    menu = ui.choice("Risk", ["a", "b"], "b", menu=True, width="520px")
    assert isinstance(menu, w.Dropdown) and menu.value == "b" and menu.layout.width == "520px"
    assert menu.style.description_width == "initial"
    press = ui.button("Next claim")
    assert press.description == press.tooltip == "Next claim" and press.layout.width == "fit-content"
    assert ui.button("Respond", "Give this response").tooltip == "Give this response"
    area = ui.text_box("Your reply", "Hello", height="80px")
    assert isinstance(area, w.Textarea) and area.layout.width == ui.FULL_WIDTH and area.layout.height == "80px"
    readout = w.HTML(ui.caption_html("A caption.", "A text version."))
    box = ui.view([menu, readout], {"risk": menu}, {}, readout, wrap=True)
    assert isinstance(box, w.VBox) and box.controls == {"risk": menu} and box.readout is readout
    assert ui.WRAP_CLASS in box._dom_classes and "Text version:" in box.readout.value


def test_a_view_given_update_redraws_when_any_control_changes_and_once_at_the_start():
    drawn = []
    amount, kind = ui.slider("Amount", 1, 0, 5), ui.choice("Kind", ["x", "y"], menu=True)
    box = ui.view([amount, kind], {"amount": amount, "kind": kind}, update=lambda _=None: drawn.append(
        (amount.value, kind.value)))
    assert drawn == [(1, "x")]
    amount.value, kind.value = 2, "y"
    assert drawn == [(1, "x"), (2, "x"), (2, "y")]
    box.update()
    assert drawn[-1] == (2, "y") and len(drawn) == 4
    assert not hasattr(ui.view([amount], {"amount": amount}), "update")


FIGURE_VIEWS = {
    "nta_explorer": lambda: biology_views.nta_explorer(),
    "predictive_value_explorer": lambda: diagnostics_views.predictive_value_explorer(),
    "cutpoint_explorer": lambda: diagnostics_views.cutpoint_explorer(),
    "zero_events_explorer": lambda: risk_views.zero_events_explorer(),
    "sterility_explorer": lambda: risk_views.sterility_explorer(),
    "risk_matrix": lambda: risk_views.risk_matrix(),
    "trial_phase_explorer": lambda: therapeutics_views.trial_phase_explorer(),
    "development_path_explorer": lambda: therapeutics_views.development_path_explorer(),
    "risk_timeline": lambda: timeline_views.timeline_view("risk_events", "Harms"),
    "regulation_timeline": lambda: timeline_views.timeline_view("regulation_events", "Milestones", detail_field="event"),
}


@pytest.mark.parametrize("make", FIGURE_VIEWS.values(), ids=FIGURE_VIEWS.keys())
def test_a_figure_in_a_view_reaches_the_browser_whole_not_only_as_edits(make):
    """The state a browser receives for each figure carries every trace and the layout as they are now, so the
    figure is drawn in full even when plotly's browser script loads after the edits that built it."""
    view = make()
    assert view.figures
    for name, figure in view.figures.items():
        assert isinstance(figure, Figure), name  # plotly's script loads once per page (exocourse/lessons/figure.py)
        state = figure.get_state()
        assert len(state["_widget_data"]) == len(figure.data) > 0, name
        for sent, trace in zip(state["_widget_data"], figure.data, strict=True):
            assert sent["type"] == trace.type and sent.get("uid") == trace.uid, name
            for axis in ("x", "y"):
                if axis in sent:
                    assert list(sent[axis]) == list(getattr(trace, axis)), (name, axis)
        assert state["_widget_layout"].get("title") == figure.layout.to_plotly_json().get("title"), name


# ------------------------------------------------------------------------------------------ one InputError ---
@pytest.mark.parametrize("topic", TOPICS, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_topic_raises_the_one_input_error(topic):
    assert topic.InputError is errors.InputError is ui.InputError
    assert issubclass(errors.InputError, ValueError) and issubclass(errors.InputError, errors.OneLineError)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: diagnostics.post_test_probability(1.5, 2.0), "must be between 0 and 1; you gave 1.5. For 25% type 0.25."),
    (lambda: risk.rule_of_three(0), "must be 1 or more; you gave 0."),
    (lambda: biology.nta_histogram("spin"), "Unknown separation method 'spin'."),
    (lambda: claims.find_lookalikes(42), "Give the text as text (in quotes)."),
    (lambda: consent.audit_consent_form(""), "The consent text is empty: paste or type a draft first."),
    (lambda: regulation.decide_pathway([]), "Give the answers as a dict of question id to True (yes) or False (no)"),
    (lambda: therapeutics.expected_approvals(-1, 0.1), "must be a whole number from 1 to 1,000,000,000."),
])
def test_bad_input_still_gives_the_same_one_line_message(call, message):
    with pytest.raises(errors.InputError) as raised:
        call()
    assert message in str(raised.value)
    assert raised.value._render_traceback_() == [str(raised.value)]


# ------------------------------------------------------------------------- the slider outside JupyterLab ---
def test_static_edition_shows_each_sliders_label_and_value_as_its_readout_does():
    from exocourse.build import static_capture

    page = static_capture.static_html(risk_views.sterility_explorer(contamination=0.01, units=20))
    assert "Contaminated fraction of units: 0.0100" in page and "Units tested per lot: 20 units" in page
    page = static_capture.static_html(diagnostics_views.predictive_value_explorer(0.25, 0.9, 0.8))
    assert "Prevalence (%): 25.00%" in page and "Specificity (%): 80.00%" in page


def test_lesson_words_counts_a_sliders_label_and_shown_value():
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("lesson_words", ROOT / "tools" / "lesson_words.py")
    lesson_words = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lesson_words)
    s = ui.slider("Units tested per lot", 20, 1, 200, unit="units")
    state = {s.model_id: {"model_name": "AnyModel", "state": s.get_state()}}
    assert lesson_words._widget_words(state, s.model_id, set()) == 4 + 2  # "Units tested per lot" + "20 units"
