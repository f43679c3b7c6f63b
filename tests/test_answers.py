import pytest

from exocourse import answers
from exocourse.grading import NotYet, check_answer, check_form, make_key


def test_choice_is_normalised_to_one_capital_letter():
    assert answers.normalise_choice(" b ") == "B"


@pytest.mark.parametrize("bad", ["", "E", "AB", 1, None, ["A"]])
def test_bad_choice_gets_a_plain_message(bad):
    with pytest.raises(answers.AnswerFormError, match="letter"):
        answers.normalise_choice(bad)


def test_letters_accept_a_string_or_a_list():
    assert answers.normalise_letters("e, c e", 3, "EC") == "ECE"
    assert answers.normalise_letters(["e", "C", "E"], 3, "EC") == "ECE"


def test_letters_of_the_wrong_length_are_refused():
    with pytest.raises(answers.AnswerFormError, match="exactly 3"):
        answers.normalise_letters("EC", 3, "EC")


def test_numbers_round_half_up_to_the_stated_precision():
    assert answers.normalise_number(97.5, 0) == "98"
    assert answers.normalise_number(2.345, 2) == "2.35"
    assert answers.normalise_number(-0.2, 0) == "0"


@pytest.mark.parametrize("bad", ["98", True, float("nan"), float("inf"), None])
def test_non_numbers_are_refused(bad):
    with pytest.raises(answers.AnswerFormError):
        answers.normalise_number(bad, 0)


def test_digest_depends_on_item_and_answer_and_never_contains_the_answer():
    key = answers.digest("q1", "B")
    assert key != answers.digest("q2", "B") and key != answers.digest("q1", "C")
    assert len(key) == 64 and all(ch in "0123456789abcdef" for ch in key)
    assert answers.matches("q1", "B", key)


def test_check_answer_passes_the_right_answer_and_is_silent_about_it(capsys):
    globals()["q1"] = "b"  # the helper reads answers from the calling cell's globals, as in a notebook
    check_answer("Question 1", "q1", make_key("q1", "B"))
    globals()["q1"] = "C"
    with pytest.raises(NotYet) as failure:
        check_answer("Question 1", "q1", make_key("q1", "B"), hint="re-read section 1")
    assert failure.value._render_traceback_() == ["Question 1: not yet — re-read section 1"]
    del globals()["q1"]


def test_a_missing_answer_says_what_to_do():
    globals().pop("q9", None)
    with pytest.raises(NotYet, match="no answer yet"):
        check_form("Question 9", "q9")


def test_a_wrong_form_says_what_form_is_expected():
    globals()["q8"] = "the second one"
    with pytest.raises(NotYet, match="check the form"):
        check_form("Question 8", "q8")
    del globals()["q8"]


def test_numeric_key_matches_after_rounding():
    globals()["q4"] = 104.4
    check_answer("Question 4", "q4", make_key("q4", 104, kind="number", decimals=0), kind="number", decimals=0)
    globals()["q4"] = 104.6
    with pytest.raises(NotYet):
        check_answer("Question 4", "q4", make_key("q4", 104, kind="number", decimals=0), kind="number", decimals=0)
    del globals()["q4"]
