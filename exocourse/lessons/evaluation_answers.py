"""The course evaluation's answers: what each question is (its field, its name in reports, its choices) and
how one typed answer is read, tolerantly ("Yes", "y", "45 min", "1.5 hours", "4/5", "mostly"). An answer that is
not clear counts as unanswered and gets a plain reason (`clean_answers`), never a traceback. Used by the learner's
own check (evaluation_form) and the instructor's summary (exocourse/instructor/evaluation_summary.py).
"""

from __future__ import annotations

import math
import re

RATING_CHOICES = (1, 2, 3, 4, 5)
RATING_WORDS = {"not at all": 1, "a little": 2, "partly": 3, "mostly": 4, "fully": 5}  # the scale, in words
BIAS_CHOICES = ("yes", "no")
PRACTICE_CHOICES = {"A": "Yes, I intend to change my practice",
                    "B": "No: my practice already matches the course",
                    "C": "No: the topic does not arise in my practice",
                    "D": "Not sure yet",
                    "E": "Not applicable: not in clinical practice"}
TEXT_FIELDS = ("commercial_bias_details", "practice_change_details", "comments")
MAX_TEXT = 2000  # characters kept of one comment
MAX_CELL = 20_000  # characters of one cell that are parsed; longer cells are ignored
MAX_HOURS = 1000.0  # more hours than this is not a time anyone spent on a 9-hour course
MAX_BARE_HOURS = 100.0  # a number without a unit above this is more likely minutes: ask instead of guessing
YES_WORDS = {"yes", "y", "yeah", "yep", "true", "attest", "attested", "agree", "agreed", "confirm", "confirmed"}
NO_WORDS = {"no", "n", "nope", "false"}
MARKER = "✎"  # starts every answer label, so a learner sees where to type


def rating_fields(manifest: dict) -> dict[str, str]:
    """The 1–5 questions: field name -> the question, as the report shows it."""
    fields = {"relevance": "Relevance to my practice"}
    for module in manifest["modules"]:
        fields[f"objectives_met_{module['module']}"] = f"Objectives met: {module['title']}"
    return fields


def answer_fields(manifest: dict) -> set[str]:
    return set(rating_fields(manifest)) | {"commercial_bias", "practice_change", "hours_spent", "attest_hours",
                                           *TEXT_FIELDS}


NAMES = {"relevance": "Relevance", "commercial_bias": "Commercial bias",
         "commercial_bias_details": "Where you saw commercial bias", "practice_change": "Change in your practice",
         "practice_change_details": "What you will change", "hours_spent": "Time spent",
         "attest_hours": "Attestation of your time", "comments": "Other comments"}


def _name(field: str, manifest: dict) -> str:
    return NAMES.get(field) or rating_fields(manifest).get(field, field)


class _Invalid:
    def __repr__(self) -> str:
        return "<not a plain value>"


INVALID = _Invalid()


# ----------------------------------------------------------------------- reading one answer tolerantly ---
def _shown(value) -> str:
    text = " ".join(str(value).split()) if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def read_rating(value) -> int | None:
    """A 1–5 rating from a number or a plain answer ("4", "4/5", "4 - mostly", "mostly"); None if unclear."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value in RATING_CHOICES else None
    if not isinstance(value, str):
        return None
    text = re.sub(r"(?i)(/|out\s+of|of)\s*5\b", " ", value)
    numbers = re.findall(r"\d+(?:[.,]\d+)?", text)
    if numbers:
        return int(numbers[0]) if len(numbers) == 1 and numbers[0] in {"1", "2", "3", "4", "5"} else None
    said = {score for phrase, score in RATING_WORDS.items() if re.search(rf"(?i)\b{phrase}\b", text)}
    return said.pop() if len(said) == 1 else None


def read_yes_no(value) -> bool | None:
    """True for yes (yes, y, Yes, "I attest", True), False for no (no, n, False); None if unclear."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return None
    words = _words(value)
    if not words:
        return None
    if words[0] == "i" and len(words) > 1:
        words = words[1:]  # "I attest", "I agree"
    if words[0] in YES_WORDS:
        return None if NO_WORDS & set(words[1:3]) else True  # "yes and no" is not an answer
    if words[0] in NO_WORDS:
        return None if YES_WORDS & set(words[1:3]) else False
    return None


def read_letter(value, choices: str = "ABCDE") -> str | None:
    """One letter of `choices` ("A", "a)", "(B)", "C. No: ..."); None if unclear."""
    if not isinstance(value, str):
        return None
    match = re.match(r"^\s*\(?\s*([A-Za-z])\s*(?:$|[).:\-–—,\s])", value)
    if not match or match.group(1).upper() not in choices:
        return None
    rest = value[match.end():]
    if re.match(r"^\s*(?:or|and|/)\s*\(?[A-Ea-e]\b", rest):  # "A or B"
        return None
    return match.group(1).upper()


_UNIT_HOURS = {"h": 1.0, "hr": 1.0, "hrs": 1.0, "hour": 1.0, "hours": 1.0, "m": 1 / 60, "min": 1 / 60,
               "mins": 1 / 60, "minute": 1 / 60, "minutes": 1 / 60}


def read_hours(value) -> tuple[float | None, str]:
    """(hours, "") from a number of hours or a plain answer ("8.5", "8,5 h", "510 minutes", "8 h 30 min",
    "about 9 hours", "1:30"); (None, the reason) if the answer is not clear."""
    expected = "type the time as a number of hours (for example 8.5) or with its unit (for example 510 minutes)"
    if isinstance(value, bool):
        return None, expected
    if isinstance(value, (int, float)):
        if math.isfinite(value) and 0 < value <= MAX_HOURS:
            return float(value), ""
        return None, "type a number of hours greater than 0, for example 8.5"
    if not isinstance(value, str):
        return None, expected
    text = value.lower().strip()
    text = re.sub(r"(\d),(\d)", r"\1.\2", text)  # 8,5: a decimal comma
    text = re.sub(r"\b(about|approx(imately)?|around|roughly|circa|ca|nearly|almost|total|in total|spent|"
                  r"i|a|an|of|and|my|estimate|estimated|time)\b|[~≈.]$|~|≈", " ", text)
    if re.search(r"\d\s*(-|–|—|to)\s*\d", text):
        return None, "give one number, not a range (for example 8.5 hours)"
    clock = re.fullmatch(r"\s*(\d+):([0-5]\d)\s*(h|hours?)?\s*", text)
    if clock:
        hours = int(clock.group(1)) + int(clock.group(2)) / 60
        return (hours, "") if 0 < hours <= MAX_HOURS else (None, expected)
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", text)
    leftover = re.sub(r"(\d+(?:\.\d+)?)\s*([a-z]*)", " ", text)
    if not parts or re.search(r"[a-z0-9]", leftover) or any(unit and unit not in _UNIT_HOURS for _, unit in parts):
        return None, expected
    if len(parts) > 1 and any(not unit for _, unit in parts):
        return None, expected  # "8 30": which is which?
    hours = sum(float(number) * _UNIT_HOURS.get(unit, 1.0) for number, unit in parts)
    if len(parts) == 1 and not parts[0][1] and hours > MAX_BARE_HOURS:
        number = parts[0][0] if len(parts[0][0]) <= 12 else parts[0][0][:11] + "…"
        return None, f"{number} without a unit reads as {number} hours; if you meant minutes, write “{number} minutes”"
    if not 0 < hours <= MAX_HOURS:
        return None, "type a time greater than 0, for example 8.5 hours"
    return hours, ""


def clean_answers(raw: dict, manifest: dict) -> tuple[dict, list[str]]:
    """(answers, problems): each field's valid value or None, and a plain sentence for each answer that was
    given but is not clear (it counts as unanswered; the sentence says what to type instead)."""
    answers, problems = {}, []

    def unclear(field: str, value, expected: str) -> None:
        answers[field] = None
        problems.append(f"{_name(field, manifest)}: “{_shown(value)}” is not clear, so it counts as unanswered; "
                        f"{expected}.")

    def given(value) -> bool:
        return value is not None and not (isinstance(value, str) and not value.strip())

    for field in rating_fields(manifest):
        value, answers[field] = raw.get(field), None
        if given(value):
            answers[field] = read_rating(value)
            if answers[field] is None:
                unclear(field, value, "type one number from 1 to 5")
    value, answers["commercial_bias"] = raw.get("commercial_bias"), None
    if given(value):
        said = read_yes_no(value) if isinstance(value, str) else None
        if said is None:
            unclear("commercial_bias", value, "type yes or no")
        else:
            answers["commercial_bias"] = "yes" if said else "no"
    value, answers["practice_change"] = raw.get("practice_change"), None
    if given(value):
        answers["practice_change"] = read_letter(value, "".join(PRACTICE_CHOICES))
        if answers["practice_change"] is None:
            unclear("practice_change", value, "type one letter from A to E")
    value, answers["hours_spent"] = raw.get("hours_spent"), None
    if given(value):
        answers["hours_spent"], why = read_hours(value)
        if answers["hours_spent"] is None:
            unclear("hours_spent", value, why)
    value, answers["attest_hours"] = raw.get("attest_hours"), None
    if given(value):
        answers["attest_hours"] = read_yes_no(value)
        if answers["attest_hours"] is None:
            unclear("attest_hours", value, "type yes to attest the time you gave, or no")
    for field in TEXT_FIELDS:
        value, answers[field] = raw.get(field), None
        if isinstance(value, str) and value.strip():
            answers[field] = " ".join(value.split())[:MAX_TEXT]
        elif given(value) and not isinstance(value, str):
            unclear(field, value, "type your comment as words")
    return answers, problems


# The modules, for a learner's copy that cannot find course.yml (a fetched assignment outside the course folder).
