"""What assignment test cells call. A failed check shows the learner one friendly line, never a traceback.

A hidden test cell imports what it needs inside the cell, from a freshly re-read copy of this module, and names
the answer variable as a string, e.g.::

    import importlib
    grading = importlib.reload(importlib.import_module("exocourse.grading"))
    grading.check_answer("Question 1", "q1", key="<digest>", kind="choice", hint="re-read section 1")

so a learner who redefines or monkeypatches a helper does not change the check (the integrity report flags
the attempt). The key is a salted digest (exocourse.answers), so feedback and tracebacks never show the answer.
"""

from __future__ import annotations

import importlib.util
import sys

from exocourse import answers

_MISSING = object()


class NotYet(AssertionError):
    """A failed check. IPython (and so nbgrader's feedback) shows only its message, via _render_traceback_."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def _render_traceback_(self) -> list[str]:
        return [self.message]


def _learner_value(name: str, frame_depth: int):
    """The value the learner gave `name`, read from the notebook's namespace (the calling cell's globals)."""
    namespace = sys._getframe(frame_depth).f_globals
    return namespace.get(name, _MISSING)


def _fresh_answers():
    """exocourse.answers executed anew from its file, so a patched copy in sys.modules is not used."""
    spec = importlib.util.find_spec("exocourse.answers")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _normalise(question: str, name: str, value, kind: str, choices: str, length: int | None, decimals: int | None,
               answers=answers):
    if kind not in ("choice", "letters", "number"):  # an author's mistake in a test cell, said plainly
        raise ValueError(f"unknown answer kind {kind!r}: use 'choice', 'letters' or 'number'")
    if kind == "letters" and not length:
        raise ValueError("kind='letters' needs length= (how many letters the answer has)")
    if value is _MISSING or value is None or value is Ellipsis:
        # No example letter: a name followed by a letter would read like the solution line of such a question.
        example = {"choice": f'{name} = "..." with one letter', "letters": f'{name} = "..."',
                   "number": f"{name} = ..."}[kind]
        raise NotYet(f"{question}: no answer yet — type your answer in the answer cell ({example}) and run it.")
    try:
        if kind == "choice":
            return answers.normalise_choice(value, choices)
        if kind == "letters":
            return answers.normalise_letters(value, length or 0, choices)
        if kind == "number":
            return answers.normalise_number(value, decimals if decimals is not None else 0)
    except answers.AnswerFormError as problem:
        raise NotYet(f"{question}: please check the form of your answer — {problem}.") from None
    raise AssertionError("unreachable")


def check_form(question: str, name: str, kind: str = "choice", choices: str = "ABCD",
               length: int | None = None, decimals: int | None = None) -> None:
    """Visible test: the answer exists and has the right form (it says nothing about correctness)."""
    value = _learner_value(name, 2)
    _normalise(question, name, value, kind, choices, length, decimals)
    print(f"{question}: your answer has the right form. It will be marked after you submit.")


def check_answer(question: str, name: str, key: str, kind: str = "choice", hint: str = "", choices: str = "ABCD",
                 length: int | None = None, decimals: int | None = None) -> None:
    """Hidden test: the answer matches the salted key. A mismatch says 'not yet' and the hint, nothing more."""
    fresh = _fresh_answers()
    value = _learner_value(name, 2)
    normalised = _normalise(question, name, value, kind, choices, length, decimals, fresh)
    if not fresh.matches(name, normalised, key):
        raise NotYet(f"{question}: not yet — {hint}" if hint else f"{question}: not yet.")


def make_key(name: str, answer, kind: str = "choice", choices: str = "ABCD", length: int | None = None,
             decimals: int | None = None) -> str:
    """For instructors writing tests: the digest to paste into check_answer(key=...)."""
    normalised = _normalise("key", name, answer, kind, choices, length, decimals)
    return answers.digest(name, normalised)


if __name__ == "__main__":  # python -m exocourse.grading q1 B choice
    import ast

    _name, _answer, _kind, *_rest = sys.argv[1:]
    _value = ast.literal_eval(_answer) if _kind == "number" else _answer
    print(make_key(_name, _value, _kind, decimals=int(_rest[0]) if _rest else None,
                   length=len(_answer) if _kind == "letters" else None,
                   choices=_rest[0] if _kind == "letters" and _rest else "ABCD"))
