"""Self-checks: ungraded multiple-choice questions that teach: after any answer, the learner reads whether it is
right and why EACH option is right or wrong (in words, not colour alone). Nothing is revealed before an answer.

The key is stored as a salted digest (exocourse.answers); explanations are written neutrally and the verdict
("Correct" / "Not quite") is added here by comparing digests, so no file a learner can read names the answer.
The widget is in views/quiz.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from exocourse import answers
from exocourse.data import DataError


@dataclass(frozen=True)
class OptionVerdict:
    letter: str
    right: bool
    explanation: str
    chosen: bool


@dataclass(frozen=True)
class Feedback:
    correct: bool | None  # None: no answer chosen yet
    text: str  # the verdict on the chosen option, then why each option is right or wrong, as plain text
    verdict: str = ""  # the first line only: "✔ Correct: you chose B." or "✘ Not quite: you chose A. ..."
    options: tuple[OptionVerdict, ...] = ()  # empty until an answer is given: nothing is revealed before


def option_line(option: OptionVerdict) -> str:
    """One option's line of the feedback, in words (not colour alone): "B — right (your answer): because …"."""
    mine = " (your answer)" if option.chosen else ""
    return f"{option.letter} — {'right' if option.right else 'wrong'}{mine}: {option.explanation}"


def assess_self_check(check: dict, choice: str | None) -> Feedback:
    """The feedback a learner sees for `choice` (a letter) on a self-check: whether it is right, then why each
    option is right or wrong. Before an answer is given it asks for one and reveals nothing."""
    if choice is None or choice == "":
        return Feedback(None, "Choose an answer first, then select “Check my answer”.")
    if not isinstance(check, dict) or not {"id", "options", "explanations", "key"} <= set(check):
        raise DataError("Not a self-check: give one entry of the module's self-checks.")
    letter = answers.normalise_choice(choice, "".join(check["options"]))
    options = tuple(OptionVerdict(option, answers.matches(check["id"], option, check["key"]),
                                  check["explanations"][option], option == letter) for option in check["options"])
    right = [option.letter for option in options if option.right]
    correct = letter in right
    if correct:
        verdict = f"✔ Correct: you chose {letter}."
    else:
        verdict = f"✘ Not quite: you chose {letter}; the best answer is {' or '.join(right) or 'not recorded'}."
    lines = [verdict, "Why each option is right or wrong:", *(f"- {option_line(o)}" for o in options)]
    return Feedback(correct, "\n".join(lines), verdict, options)


def feedback_html(result: Feedback) -> str:
    """The feedback as HTML: the verdict (announced by screen readers), then a list with every option's verdict
    in words and its explanation."""
    import html

    from exocourse.data import cite_html

    if not result.options:
        return f"<p role='alert'><strong>{html.escape(result.text)}</strong></p>"
    items = "".join(
        f"<li><strong>{html.escape(o.letter)} — {'right' if o.right else 'wrong'}"
        f"{' (your answer)' if o.chosen else ''}:</strong> {cite_html(o.explanation)}</li>" for o in result.options)
    return (f"<p role='alert'><strong>{html.escape(result.verdict)}</strong> Why each option is right or wrong:</p>"
            f"<ul>{items}</ul>")


if __name__ == "__main__":  # python -m exocourse.lessons.quiz key <self-check id> <letter>: the digest for the YAML
    import sys

    _, _check_id, _letter = sys.argv[1:4]
    print(answers.digest(_check_id, answers.normalise_choice(_letter)))
