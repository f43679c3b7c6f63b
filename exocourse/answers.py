"""Answer keys stored as salted hashes, never as plaintext.

Self-checks and graded tests compare sha256(salt | item id | normalised answer) with a stored digest, so a
notebook, the learner edition or feedback never carries the answer itself. The salt is per course (course.yml).
"""

from __future__ import annotations

import hashlib
import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

from exocourse.errors import OneLineError

DEFAULT_SALT = "exo101-2026-self-checks-v1"
LARGEST = 1e18  # no answer in the course comes near; beyond it a float no longer holds every whole number anyway


class AnswerFormError(OneLineError, ValueError):
    """The answer is not of the expected form (for example a word where one letter is expected)."""


def normalise_choice(answer, choices: str = "ABCD") -> str:
    """One letter, any case, surrounding spaces ignored: ' b ' -> 'B'."""
    if not isinstance(answer, str):
        raise AnswerFormError(f"type one letter in quotes, for example \"{choices[0]}\"")
    letter = str.upper(str.strip(answer))  # unbound: a str subclass cannot override these
    if len(letter) != 1 or letter not in choices:
        raise AnswerFormError(f"type one of the letters {', '.join(choices)} in quotes")
    return letter


def normalise_letters(answer, length: int, choices: str) -> str:
    """A sequence of letters, as a string ('ECE') or a list (['E', 'C', 'E']): -> 'ECE'."""
    if isinstance(answer, str):
        letters = [ch for ch in str.upper(answer) if not ch.isspace() and ch not in ",;"]
    elif isinstance(answer, (list, tuple)) and all(isinstance(x, str) for x in answer):
        letters = [str.upper(str.strip(x)) for x in answer]
    else:
        raise AnswerFormError(f"give {length} letters, for example \"{choices[0] * length}\"")
    if len(letters) != length or any(ch not in choices for ch in letters):
        raise AnswerFormError(f"give exactly {length} letters, each one of {', '.join(choices)}")
    return "".join(letters)


def normalise_number(answer, decimals: int) -> str:
    """A finite number rounded half-up to `decimals` places: 97.5 -> '98' for decimals=0."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) and not _is_numpy_number(answer):
        raise AnswerFormError("give a number (without quotes or units)")
    # Unbound methods, so a float or int subclass cannot override the conversion.
    too_big = AnswerFormError("give a number smaller than a billion billion (10**18) either way; check the units "
                              "and the powers of ten")
    try:
        if isinstance(answer, float):
            value = float.__float__(answer)
        elif isinstance(answer, int):
            value = float(int.__int__(answer))
        else:
            value = float(answer)
    except OverflowError:  # an int such as 10**400 has no float
        raise too_big from None
    if not math.isfinite(value):
        raise AnswerFormError("give a finite number")
    if abs(value) > LARGEST:
        raise too_big
    with localcontext() as context:
        context.prec = 60  # room for LARGEST at any number of decimals the course asks for
        quantum = Decimal(1).scaleb(-decimals)
        rounded = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
        return str(rounded + 0)  # "+ 0" turns -0 into 0


def _is_numpy_number(answer) -> bool:
    return type(answer).__module__ == "numpy" and hasattr(answer, "dtype") and answer.dtype.kind in "iuf"


def digest(item_id: str, normalised: str, salt: str = DEFAULT_SALT) -> str:
    """The stored form of an answer key."""
    return hashlib.sha256(f"{salt}|{item_id}|{normalised}".encode()).hexdigest()


def matches(item_id: str, normalised: str, key: str, salt: str = DEFAULT_SALT) -> bool:
    return digest(item_id, normalised, salt) == key
