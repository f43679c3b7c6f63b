import pytest

from exocourse.lessons import claims
from exocourse.lessons.claims import InputError
from exocourse.lessons.views import claims as claims_views


def test_seed_page_look_alikes_are_found_and_normalised_to_latin():
    page = claims.seed_page()
    found = claims.find_lookalikes(page)
    assert len(found) > 100
    assert {item.script for item in found} == {"CYRILLIC"}
    clean = claims.normalise(page)
    assert claims.find_lookalikes(clean) == [] and len(clean) == len(page)
    assert "medical expert" in clean


def test_plain_latin_and_empty_text_have_no_look_alikes():
    assert claims.find_lookalikes("Exosome products are not FDA-approved.") == []
    assert claims.find_lookalikes("") == []


def test_mixed_scripts_report_position_script_and_latin_twin():
    text = "p\u0430tient"  # Cyrillic a in position 1
    [item] = claims.find_lookalikes(text)
    assert (item.position, item.script, item.looks_like) == (1, "CYRILLIC", "a")
    assert claims.normalise(text) == "patient"


def test_real_non_latin_words_without_latin_twins_are_left_alone():
    assert claims.find_lookalikes("δ-ζ 日本語") == []  # Greek delta and zeta and CJK imitate no Latin letter here


@pytest.mark.parametrize("bad", [None, 42, ["text"]])
def test_non_text_gets_a_clear_message(bad):
    with pytest.raises(InputError, match="as text"):
        claims.find_lookalikes(bad)


def test_huge_text_is_refused_with_its_size():
    with pytest.raises(InputError, match="characters long"):
        claims.find_lookalikes("a" * (claims.MAX_CHARACTERS + 1))


def test_highlighting_marks_without_relying_on_colour():
    marked = claims.highlighted_html("p\u0430tient")
    assert "<strong><u>[\u0430]</u></strong>" in marked and "CYRILLIC" in marked


def test_every_claim_has_a_known_verdict_and_a_source():
    rows = claims.claims()
    assert len(rows) >= 5
    assert all(row["verdict"] in claims.VERDICTS and row["reference"].strip() for row in rows)


def test_claim_cards_give_feedback_and_move_through_the_deck():
    view = claims_views.claim_cards()
    view.check()
    assert "Choose a verdict first" in view.readout.value
    first = claims.claims()[0]
    view.controls["verdict"].value = first["verdict"].capitalize()
    view.check()
    assert "✔ Same as" in view.readout.value
    view.move(1)
    assert view.state["card"] == 1 and view.readout.value == ""


def test_highlighter_toggles_to_the_normalised_text():
    view = claims_views.lookalike_highlighter("p\u0430tient")
    assert "1 look-alike letters" in view.readout.value
    view.controls["normalised"].value = True
    assert "patient" in view.readout.value


def test_claim_c11_shows_the_register_statement_not_a_hand_written_status():
    """The exosome approval status in a claim card comes from the currency register (data/currency.yml), so one
    register edit changes it; no hand-written wording of that status is left in the card."""
    import html

    from exocourse import currency

    currency.register.cache_clear()
    row = currency.register()["exosome-approval"]
    deck = claims.claims()
    index = next(i for i, card in enumerate(deck) if card["claim_id"] == "C11")
    view = claims_views.claim_cards()
    view.move(index)
    view.controls["verdict"].value = deck[index]["verdict"].capitalize()
    view.check()
    shown = html.unescape(view.readout.value)
    assert currency.fact("exosome-approval") in shown and row["statement"].rstrip(".") in shown
    assert "{fact:" not in shown
    assert [p for p in row["phrases"] if p.lower() in shown.lower()] == []


def test_no_claim_states_a_register_fact_by_hand():
    from exocourse import currency

    currency.register.cache_clear()
    found = [(card["claim_id"], phrase) for card in claims.claims() for row in currency.register().values()
             for phrase in row["phrases"] if phrase.lower() in card["explanation"].lower()]
    assert found == []


def test_highlighter_shows_the_opening_first_and_the_rest_on_request():
    view = claims_views.lookalike_highlighter()
    assert "<details><summary>Show the rest of the page</summary>" in view.readout.value
    assert "656 look-alike letters" in view.readout.value
