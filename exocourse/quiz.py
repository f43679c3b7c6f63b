"""Self-checks: ungraded multiple-choice questions with immediate feedback and an explanation for every option.

The key is stored as a salted digest (exocourse.answers); explanations are written neutrally and the verdict
("Correct" / "Not quite") is added here by comparing digests, so no file a learner can read names the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from exocourse import answers
from exocourse.data import DataError, self_checks


@dataclass(frozen=True)
class Feedback:
    correct: bool | None  # None: no answer chosen yet
    text: str


def assess_self_check(check: dict, choice: str | None) -> Feedback:
    """The feedback a learner sees for `choice` (a letter) on a self-check."""
    if choice is None or choice == "":
        return Feedback(None, "Choose an answer first, then select “Check my answer”.")
    if not isinstance(check, dict) or not {"id", "options", "explanations", "key"} <= set(check):
        raise DataError("Not a self-check: give one entry of the module's self-checks.")
    letter = answers.normalise_choice(choice, "".join(check["options"]))
    explanation = check["explanations"][letter]
    if answers.matches(check["id"], letter, check["key"]):
        return Feedback(True, f"✔ Correct. {explanation}")
    return Feedback(False, f"✘ Not quite. {explanation} Try another option.")


def self_check(module: str, check_id: str):
    """The widget for one self-check: the question is the radio group's label; feedback appears below."""
    import html

    import ipywidgets as w

    from exocourse.plots import WRAP_CLASS, WRAP_STYLE

    checks = self_checks(module)
    if not isinstance(check_id, str) or check_id not in checks:
        raise DataError(f"No self-check {str(check_id)[:40]!r} in module {module!r}; its self-checks are: "
                        f"{', '.join(checks)}.")
    check = checks[check_id]
    options = [(f"{letter}. {text}", letter) for letter, text in check["options"].items()]
    choice = w.RadioButtons(options=options, value=None, description=check["question"],
                            style={"description_width": "initial"},
                            layout=w.Layout(width="100%", flex_flow="column"))
    button = w.Button(description="Check my answer", button_style="", icon="check",
                      tooltip="Check my answer", layout=w.Layout(width="auto", min_height="32px"))
    # WRAP_STYLE lets the question and the options wrap instead of being cut off; role=alert has screen readers
    # announce the feedback when it appears.
    feedback = w.HTML(value=WRAP_STYLE)

    def on_check(_=None):
        result = assess_self_check(check, choice.value)
        feedback.value = f"{WRAP_STYLE}<p role='alert'><strong>{html.escape(result.text)}</strong></p>"

    button.on_click(on_check)
    box = w.VBox([choice, button, feedback], layout=w.Layout(border="1px solid #505050", padding="8px",
                                                             margin="8px 0"))
    box.add_class(WRAP_CLASS)
    box.check = on_check  # lets tests and the browser tests press the button from Python
    return box


if __name__ == "__main__":  # python -m exocourse.quiz key <self-check id> <letter>: the digest for the YAML
    import sys

    _, _check_id, _letter = sys.argv[1:4]
    print(answers.digest(_check_id, answers.normalise_choice(_letter)))
