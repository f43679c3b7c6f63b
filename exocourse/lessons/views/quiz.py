"""The self-check widget: a question with its options; after an answer, whether it is right and why each option is
right or wrong. The verdict and its text come from the model, exocourse.lessons.quiz."""

from __future__ import annotations

from exocourse.data import DataError, self_checks
from exocourse.lessons.quiz import assess_self_check, feedback_html


def self_check(module: str, check_id: str):
    """The widget for one self-check: the question is the radio group's label; after an answer, the feedback
    below says whether it is right and why each option is right or wrong."""
    import ipywidgets as w

    from exocourse.lessons.ui import WRAP_CLASS, WRAP_STYLE, choice

    checks = self_checks(module)
    if not isinstance(check_id, str) or check_id not in checks:
        raise DataError(f"No self-check {str(check_id)[:40]!r} in module {module!r}; its self-checks are: "
                        f"{', '.join(checks)}.")
    check = checks[check_id]
    options = [(f"{letter}. {text}", letter) for letter, text in check["options"].items()]
    radios = choice(check["question"], options, wrap=True)
    button = w.Button(description="Check my answer", button_style="", icon="check",
                      tooltip="Check my answer", layout=w.Layout(width="auto", min_height="32px"))
    # WRAP_STYLE lets the question and the options wrap instead of being cut off; role=alert has screen readers
    # announce the feedback when it appears.
    feedback = w.HTML(value=WRAP_STYLE)

    def on_check(_=None):
        feedback.value = WRAP_STYLE + feedback_html(assess_self_check(check, radios.value))

    button.on_click(on_check)
    box = w.VBox([radios, button, feedback], layout=w.Layout(border="1px solid #505050", padding="8px",
                                                             margin="8px 0"))
    box.add_class(WRAP_CLASS)
    box.check = on_check  # lets tests and the browser tests press the button from Python
    return box
