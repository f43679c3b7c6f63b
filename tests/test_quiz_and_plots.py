import pytest

from exocourse import plots
from exocourse.data import self_checks
from exocourse.quiz import assess_self_check, self_check


def test_right_choice_says_correct_and_explains():
    check = self_checks("start")["start-sc1"]
    results = {letter: assess_self_check(check, letter) for letter in check["options"]}
    assert sum(r.correct for r in results.values()) == 1
    assert all(r.text.startswith("✔ Correct.") == r.correct for r in results.values())
    assert all(check["explanations"][letter] in r.text for letter, r in results.items())


def test_no_choice_asks_for_one():
    check = self_checks("start")["start-sc1"]
    assert assess_self_check(check, None).correct is None


def test_self_check_widget_labels_the_question_and_gives_feedback_on_click():
    box = self_check("start", "start-sc1")
    radio, _button, feedback = box.children
    assert radio.description == self_checks("start")["start-sc1"]["question"]
    box.check()
    assert "Choose an answer first" in feedback.value
    radio.value = "A"
    box.check()
    assert "Not quite" in feedback.value


@pytest.mark.parametrize("colour", plots.COLOURS)
def test_every_course_colour_has_3_to_1_contrast_on_white(colour):
    assert plots.contrast_ratio(colour) >= 3.0


def test_contrast_check_catches_plain_okabe_ito_orange():
    assert plots.contrast_ratio("#E69F00") < 3.0


def test_template_cycles_shapes_and_dashes_not_only_colours():
    import plotly.io as pio

    name = plots.register_template()
    scatter = pio.templates[name].data.scatter
    assert len({t.marker.symbol for t in scatter}) == len(scatter) >= 4
    assert len({t.line.dash for t in scatter}) == len(scatter)


def test_caption_html_escapes_and_includes_table():
    text = plots.caption_html("A < B", "alt", [("x", 1)], ("name", "value"))
    assert "A &lt; B" in text and "<th scope='col'>name</th>" in text and "<td>1</td>" in text
