import html

import pytest

from exocourse.data import self_checks
from exocourse.lessons import plots
from exocourse.lessons.quiz import assess_self_check
from exocourse.lessons.views.quiz import self_check


def test_right_choice_says_correct_and_explains():
    check = self_checks("start")["start-sc1"]
    results = {letter: assess_self_check(check, letter) for letter in check["options"]}
    assert sum(r.correct for r in results.values()) == 1
    assert all(r.text.startswith(f"✔ Correct: you chose {letter}.") == r.correct for letter, r in results.items())
    assert all(check["explanations"][letter] in r.text for letter, r in results.items())


@pytest.mark.parametrize("module", ["start", "biology", "regulation"])
def test_any_answer_explains_why_each_option_is_right_or_wrong_in_words(module):
    for check in self_checks(module).values():
        right = next(letter for letter in check["options"] if assess_self_check(check, letter).correct)
        for chosen in check["options"]:
            result = assess_self_check(check, chosen)
            assert result.text.startswith("✔ Correct" if chosen == right else "✘ Not quite")
            assert [o.letter for o in result.options] == list(check["options"])
            for letter, explanation in check["explanations"].items():
                verdict = "right" if letter == right else "wrong"
                mine = " (your answer)" if letter == chosen else ""
                assert f"- {letter} — {verdict}{mine}: {explanation}" in result.text.splitlines()


def test_a_wrong_answer_names_the_best_answer_and_the_choice_so_each_choice_reads_differently():
    check = self_checks("start")["start-sc1"]
    texts = {letter: assess_self_check(check, letter).text for letter in check["options"]}
    right = next(letter for letter in check["options"] if assess_self_check(check, letter).correct)
    assert len(set(texts.values())) == len(texts)
    wrong = next(letter for letter in check["options"] if letter != right)
    assert texts[wrong].startswith(f"✘ Not quite: you chose {wrong}; the best answer is {right}.")


def test_no_choice_asks_for_one_and_reveals_nothing():
    check = self_checks("start")["start-sc1"]
    result = assess_self_check(check, None)
    assert result.correct is None and result.options == ()
    assert not any(explanation in result.text for explanation in check["explanations"].values())
    assert "right" not in result.text and "wrong" not in result.text


def test_self_check_widget_labels_the_question_and_explains_every_option_after_an_answer():
    check = self_checks("start")["start-sc1"]
    box = self_check("start", "start-sc1")
    radio, _button, feedback = box.children
    assert radio.description == check["question"]
    assert not any(html.escape(e) in feedback.value for e in check["explanations"].values())  # nothing yet
    box.check()
    assert "Choose an answer first" in feedback.value
    assert not any(html.escape(e) in feedback.value for e in check["explanations"].values())
    radio.value = "A"
    box.check()
    assert "Not quite" in feedback.value and "role='alert'" in feedback.value
    assert feedback.value.count("<li>") == len(check["options"])
    assert all(html.escape(e) in feedback.value for e in check["explanations"].values())
    assert "A — wrong (your answer):" in feedback.value and "— right:" in feedback.value


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


def _first_display_text(view) -> str:
    """The text the timeline shows under its menu before anything is clicked: the chosen event and the caption,
    not what sits inside a collapsed <details> section."""
    import re

    shown = [re.sub(r"<details\b.*?</details>", "", child.value, flags=re.S)
              for child in view.children if hasattr(child, "value") and isinstance(child.value, str)]
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(shown)))


@pytest.mark.parametrize("table, detail_field", [("risk_events", "what_happened"), ("regulation_events", "event")])
def test_timeline_shows_each_event_once_and_keeps_the_full_table_collapsed(table, detail_field):
    from exocourse.lessons import timeline
    from exocourse.lessons.views import timeline as timeline_views

    rows = timeline.events(table)
    view = timeline_views.timeline_view(table, "Events", detail_field=detail_field)
    menu = view.controls["event"]
    assert menu.description == "Event" and len(menu.options) == len(rows)
    shown, labels = _first_display_text(view), [label for label, _ in menu.options]
    for n, row in enumerate(rows):  # once: a short label in the menu, and in full only the chosen event
        assert labels[n] == f"{n + 1}. {timeline.short_label(row)}" and len(labels[n].split()) <= 3 + timeline.LABEL_WORDS
        assert shown.count(row["event"].rstrip(".")) == (1 if n == menu.value else 0), row["event"]
    # The full list is one keyboard-reachable collapsed section with every event and its source.
    full = view.readout.value
    assert full.count("<details>") == 1 and "<summary>All events as a table" in full
    collapsed = full[full.index("<details>"):]
    assert all(html.escape(row["event"]) in collapsed for row in rows) and collapsed.count("<tr>") == len(rows) + 1
    assert "Text version:" in full  # the figure's text alternative stays


def test_timeline_choice_rewrites_only_the_chosen_event():
    from exocourse.lessons import timeline
    from exocourse.lessons.views import timeline as timeline_views

    rows = timeline.events("risk_events")
    view = timeline_views.timeline_view("risk_events", "Events")
    table_before = view.children[-1].value
    view.controls["event"].value = 2
    assert html.escape(rows[2]["what_happened"]) in view.children[1].value
    assert html.escape(rows[0]["what_happened"]) not in view.children[1].value
    assert view.children[-1].value == table_before  # an open table stays open


def test_short_labels_end_on_a_meaningful_word_and_close_a_cut_quotation():
    from exocourse.lessons.timeline import short_label

    assert short_label({"date": "2018-09-28", "event": "Liveyon voluntary recall"}) == "2018-09-28 — Liveyon voluntary recall"
    assert short_label({"date": "2021-10-01", "event": "JAMA Network Open follow-up of the cord blood outbreak"}) == \
        "2021-10-01 — JAMA Network Open follow-up…"
    assert short_label({"date": "1997-03-04", "event": 'FDA published its "Proposed Approach to Regulation of '
                        'Cellular Products" (62 FR 9721)'}).endswith('"Proposed Approach…"')
