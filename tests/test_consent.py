import html

import pytest

from exocourse.lessons import consent
from exocourse.lessons.consent import InputError
from exocourse.lessons.views import consent as consent_views

GOOD = None  # filled from the data's good sample


def sample(name):
    from exocourse import data

    return next(row["text"] for row in data.rows("consent_samples") if row["name"] == name)


def test_every_element_names_its_source_and_keywords():
    rows = consent.elements()
    assert len(rows) >= 10
    assert all(row["reference"] and row["keywords"].strip() and row["source_text"] for row in rows)


def test_a_complete_plain_draft_has_no_missing_elements_and_a_low_grade():
    audit = consent.audit_consent_form(sample("complete plain-language draft"))
    assert audit.missing == [] and audit.grade <= consent.TARGET_GRADE


def test_a_clinic_style_draft_misses_elements_and_gets_suggestions():
    audit = consent.audit_consent_form(sample("clinic-style draft"))
    missing = {e["element"] for e in audit.missing}
    assert {"regulatory_status", "alternatives", "voluntary"} & missing
    assert any(s.startswith("Add ") for s in audit.suggestions)


@pytest.mark.parametrize("bad,message", [("", "empty"), ("   \n", "empty"), (None, "as text"), (12, "as text"),
                                         ("x " * 20_000, "characters long")])
def test_bad_input_gets_a_clear_message(bad, message):
    with pytest.raises(InputError, match=message):
        consent.audit_consent_form(bad)


def test_reading_grade_is_the_pinned_flesch_kincaid():
    assert consent.reading_grade("The cat sat on the mat. It was a sunny day.") < 3


def test_auditor_widget_reports_empty_text_without_a_traceback():
    view = consent_views.consent_auditor()
    view.run()
    assert "empty" in view.readout.value
    view.controls["sample"].value = "clinic-style draft"
    view.run()
    assert "✘ Missing" in view.readout.value and "reading grade" in view.readout.value


def test_conversation_gives_feedback_and_counts_strong_responses():
    view = consent_views.conversation()
    view.respond()
    assert "Choose a response first" in view.readout.value
    view.controls["response"].value = 0
    view.respond()
    assert "response." in view.readout.value
    view.next()
    assert view.state["turn"] == 1


def test_teach_back_card_shows_prompts():
    view = consent_views.teach_back_card()
    view.reveal()
    assert "Teach-back prompts" in view.readout.value and "<li>" in view.readout.value


def _register_row(fact_id):
    from exocourse import currency

    currency.register.cache_clear()
    return currency.register()[fact_id]


def test_conversation_states_the_approval_status_from_the_register_not_by_hand():
    """The conversation shows the currency register's exosome-approval sentence and no hand-written status."""
    from exocourse import currency

    row = _register_row("exosome-approval")
    turns = consent.conversation_turns()
    view = consent_views.conversation()
    shown = []
    for turn in turns:
        shown.append(view.children[0].value)  # the patient's question
        shown += [label for label, _ in view.controls["response"].options]
        for n in range(len(turn["options"])):
            view.controls["response"].value = n
            view.respond()
            shown.append(view.readout.value)
        if view.state["turn"] + 1 < len(turns):
            view.next()
    text = html.unescape(" ".join(shown))
    assert currency.fact("exosome-approval") in text
    assert "{fact:" not in text
    lowered = text.lower()
    assert [phrase for phrase in row["phrases"] if phrase.lower() in lowered] == []


def test_auditor_data_hold_placeholders_not_hand_written_status():
    """The conversation and checklist data say the approval status only through a register placeholder."""
    from exocourse.paths import data_dir

    row = _register_row("exosome-approval")
    for name in ("conversation.yml", "elements.csv", "teach_back.yml"):
        raw = (data_dir() / "consent" / name).read_text(encoding="utf-8").lower()
        assert [phrase for phrase in row["phrases"] if phrase.lower() in raw] == [], name
        assert "there are currently no fda-approved exosome products" not in raw, name
    status = next(e for e in consent.elements() if e["element"] == "regulatory_status")
    assert row["statement"].rstrip(".")[:40] in status["source_text"]  # rendered from the register (with its as-of)
