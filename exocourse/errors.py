"""The course's errors show learners one line, not a traceback.

IPython (and so JupyterLab and nbgrader's feedback) calls `_render_traceback_` when an exception has one, and
shows only what it returns. Every course error that a learner can meet — a value out of range in a widget's
model, a missing data file, an answer of the wrong form — derives from `OneLineError`.
"""

from __future__ import annotations


class OneLineError(Exception):
    """Mix in first: `class InputError(OneLineError, ValueError)`."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


class InputError(OneLineError, ValueError):
    """Bad input to a lesson's model (a topic module's function); the message is written for the learner.

    The one input error of every topic: `biology.InputError`, `risk.InputError` and the rest are this class."""


MAX_PATH_LENGTH = 4096
LARGEST = 1e15  # any count or measurement in the course is far below this


def finite_number(value, what: str, error: type[Exception]) -> float:
    """`value` as a finite float, or `error` (the calling module's InputError) saying what was expected (no OverflowError for 10**400)."""
    if isinstance(value, bool) or not isinstance(value, int | float) and type(value).__module__ != "numpy":
        raise error(f"{what} must be a number.")
    try:
        number = float(value)
    except (OverflowError, TypeError, ValueError):
        raise error(f"{what} must be a number no larger than {LARGEST:,.0f}.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise error(f"{what} must be a finite number, not {number}.")
    if abs(number) > LARGEST:
        raise error(f"{what} must be a number no larger than {LARGEST:,.0f}.")
    return number


def whole_number(value, what: str, error: type[Exception], smallest: int = 0, largest: int = 10**9) -> int:
    """`value` as an int in [smallest, largest] (a float like 1000.0 is accepted), or `error` saying why."""
    number = finite_number(value, what, error)
    if not number.is_integer():
        raise error(f"{what} must be a whole number; you gave {value}.")
    if not smallest <= number <= largest:
        raise error(f"{what} must be between {smallest:,} and {largest:,}; you gave {value}.")
    return int(number)


def text_file(path, what: str, error: type[Exception]) -> str:
    """The text of the file at `path` (a file name, never a file handle or number), or `error` saying why not."""
    import os

    if isinstance(path, bool | int) or not isinstance(path, str | os.PathLike):
        raise error(f"Give the {what} as a file name in quotes, for example \"data.csv\".")
    name = os.fspath(path)
    if not name or len(name) > MAX_PATH_LENGTH or "\0" in name:
        raise error(f"{name[:40]!r} is not a file name.")
    try:
        with open(name, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise error(f"No file called {name!r} here. Check the name and that it is in this folder.") from None
    except IsADirectoryError:
        raise error(f"{name!r} is a folder, not a file.") from None
    except UnicodeDecodeError:
        raise error(f"{name!r} is not a UTF-8 text file; save it as CSV (UTF-8) and try again.") from None
    except OSError as problem:
        raise error(f"{name!r} cannot be read ({problem.strerror or problem}).") from None
