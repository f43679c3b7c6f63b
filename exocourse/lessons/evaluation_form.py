"""The course evaluation, the learner's side: its questions and answer labels, reading a saved evaluation
notebook tolerantly, and `review_my_answers` (what the learner runs in the notebook).

Learners answer in plain words, in text (markdown) answer cells under each question: each answer follows a fixed
label ("✎ I attest that I spent this time (yes or no): yes"). The answers are read from the saved notebook's text,
tolerantly ("Yes", "y", "45 min", "1.5 hours", "4/5", "mostly"); an answer that is not clear counts as unanswered
and gets a plain reason (`clean_answers`), never a traceback. Learner notebooks are never executed. Evaluations
handed in with the earlier format (Python values such as `attest_hours = True` in code cells) are still read, with
`ast.literal_eval` and never run. The anonymous summary for instructors is exocourse/instructor/evaluation_summary.py.
"""


from __future__ import annotations

import ast
import json
import math
import re
from pathlib import Path

from exocourse import manifest as course_manifest

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


def _fields(manifest: dict) -> set[str]:
    return set(rating_fields(manifest)) | {"commercial_bias", "practice_change", "hours_spent", "attest_hours",
                                           *TEXT_FIELDS}


def answer_labels(manifest: dict) -> dict[str, str]:
    """Field -> the label its answer follows in the evaluation notebook (without the ✎ marker). The notebook's
    answer cells hold exactly these labels; a test checks that they match."""
    labels = {"relevance": "Relevance to my practice (a number 1–5):"}
    for module in manifest["modules"]:
        labels[f"objectives_met_{module['module']}"] = f"Objectives met, {module['title']} (a number 1–5):"
    labels.update({
        "commercial_bias": "I noticed commercial bias (yes or no):",
        "commercial_bias_details": "If yes, where and what:",
        "practice_change": "Change in my practice (one letter, A to E):",
        "practice_change_details": "What I will change:",
        "hours_spent": "Time I spent on the whole course (for example 8.5 hours or 510 minutes):",
        "attest_hours": "I attest that I spent this time (yes or no):",
        "comments": "What the course should keep, change or add:",
    })
    return labels


# Short names of the answers, for the messages a learner or an instructor reads.
NAMES = {"relevance": "Relevance", "commercial_bias": "Commercial bias",
         "commercial_bias_details": "Where you saw commercial bias", "practice_change": "Change in your practice",
         "practice_change_details": "What you will change", "hours_spent": "Time spent",
         "attest_hours": "Attestation of your time", "comments": "Other comments"}


def _name(field: str, manifest: dict) -> str:
    return NAMES.get(field) or rating_fields(manifest).get(field, field)


def _label_pattern(label: str) -> re.Pattern:
    """The label as typed or slightly edited: any case, any spacing, bold/italic marks, an en dash or a hyphen."""
    words = [re.escape(word).replace("–", "[–—-]") for word in label.split()]
    return re.compile(rf"(?im)^[\s>*_#\-]*(?:{MARKER}[\s*_]*)?" + r"[\s*_]+".join(words) + r"[*_]*", re.M)


def _cells(notebook_text: str) -> list[dict]:
    try:
        cells = json.loads(notebook_text).get("cells", [])
    except (ValueError, AttributeError):
        return []
    return [cell for cell in cells if isinstance(cell, dict)] if isinstance(cells, list) else []


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(str(part) for part in source) if isinstance(source, list) else str(source)


def parse_text_answers(notebook_text: str, manifest: dict) -> dict[str, str]:
    """Field -> the text a learner typed after its label in the notebook's answer cells (nothing is run).

    An answer runs from its label to the next label or the end of its cell. A cell whose label was deleted still
    counts if it is the answer cell of one question (cell id "answer-<field>"). Question cells (locked) are not
    read. A later non-empty answer wins, as a learner who copied a cell would expect."""
    labels = answer_labels(manifest)
    patterns = {field: _label_pattern(label) for field, label in labels.items()}
    found: dict[str, str] = {}
    for cell in _cells(notebook_text):
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        if isinstance(metadata.get("nbgrader"), dict) and metadata["nbgrader"].get("locked"):
            continue  # a question, not an answer
        source = _source(cell)
        if len(source) > MAX_CELL:
            continue
        hits = sorted((m.start(), m.end(), field) for field, pattern in patterns.items()
                      for m in [pattern.search(source)] if m)
        if not hits:
            field = str(cell.get("id", "")).removeprefix("answer-").replace("-", "_")
            if (str(cell.get("id", "")).startswith("answer-") and field in labels and source.strip()
                    and cell.get("cell_type") != "code"):  # a code cell is an answer in the earlier format
                found[field] = re.sub(rf"^\s*{MARKER}[^:\n]*:", "", source).strip()  # an older label: its answer
            continue
        for (_, end, field), following in zip(hits, [*hits[1:], (len(source), 0, "")], strict=True):
            answer = source[end:following[0]].strip()
            if answer or field not in found:
                found[field] = answer
    return found


def parse_answers(notebook_text: str, fields: set[str]) -> dict:
    """The literal values assigned to `fields` in a notebook's code cells, without running any code.

    A cell that is not valid Python, or an assignment whose value is not a literal (a call, a name), is skipped:
    that answer counts as missing. A later assignment wins, as it would when the cells run in order. (The graded
    tests use this; so do evaluations handed in with the earlier, Python-value format.)"""
    found = {}
    for cell in _cells(notebook_text):
        if cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        if len(source) > MAX_CELL:
            continue
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id in fields):
                try:
                    found[node.targets[0].id] = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                    found[node.targets[0].id] = _INVALID
    return found


def read_notebook_answers(notebook_text: str, manifest: dict) -> dict:
    """Every answer in a handed-in evaluation: the plain-text answers, and for an evaluation in the earlier
    format, the Python values of its code cells (a plain-text answer wins where both are given)."""
    raw = parse_answers(notebook_text, _fields(manifest))
    raw.update({field: text for field, text in parse_text_answers(notebook_text, manifest).items() if text})
    return raw


class _Invalid:
    def __repr__(self) -> str:
        return "<not a plain value>"


_INVALID = _Invalid()


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
DEFAULT_MODULES = {"modules": [{"module": "biology", "title": "Exosome biology"},
                               {"module": "uses", "title": "Diagnostic and therapeutic uses"},
                               {"module": "risk_regulation", "title": "Risk profile and regulation"},
                               {"module": "consent_claims", "title": "Informed consent and claims appraisal"}]}


def fill_answers(nb, answers: dict, manifest: dict | None = None):
    """The evaluation notebook `nb` (nbformat) with `answers` (field -> value) typed after their labels, as a
    learner would type them: True/False as yes/no, hours as "8.5 hours". For tests and the demo class."""
    if manifest is None:
        try:
            manifest = course_manifest.load_manifest()
        except Exception:  # noqa: BLE001 — outside a course folder: the modules this notebook was written for
            manifest = DEFAULT_MODULES
    patterns = {field: _label_pattern(label) for field, label in answer_labels(manifest).items()}
    for field, value in answers.items():
        if value is None or field not in patterns:
            continue
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif field == "hours_spent" and isinstance(value, (int, float)):
            text = f"{value:g} hours"
        else:
            text = str(value)
        gap = "\n" if field in TEXT_FIELDS else " "
        for cell in nb.cells:
            match = patterns[field].search(cell.source)
            if match:
                cell.source = cell.source[:match.end()] + gap + text + cell.source[match.end():]
                break
        else:  # the label is not there (a renamed module): the question's own answer cell
            for cell in nb.cells:
                if cell.get("id") == "answer-" + field.replace("_", "-"):
                    cell.source = f"{cell.source.rstrip()}{gap}{text}"
    return nb


def review_my_answers(namespace: dict | None = None, manifest: dict | None = None,
                      notebook: str | Path = "evaluation.ipynb") -> None:
    """For the learner, in the evaluation notebook: list answers that are not clear, from the SAVED notebook
    (`notebook`, in the current folder). An older copy may pass its code cells' values as `namespace`.
    It never raises: a learner must not meet a traceback in an ungraded survey."""
    try:
        if manifest is None:
            try:
                manifest = course_manifest.load_manifest()
            except Exception:  # noqa: BLE001 — a learner copy without the course files still gets a check
                manifest = DEFAULT_MODULES
        fields = _fields(manifest)
        legacy = {name: namespace[name] for name in fields if isinstance(namespace, dict) and name in namespace
                  and namespace[name] is not None}
        if legacy:
            raw = {name: value if isinstance(value, (str, int, float, bool)) else _INVALID
                   for name, value in legacy.items()}
        else:
            path = Path(notebook)
            if not path.is_file():
                print("Your answers are kept in this notebook. Save it (Ctrl + S) and submit it as it is: the "
                      "check could not find the saved notebook, so it did not read your answers.")
                return
            raw = read_notebook_answers(path.read_text(encoding="utf-8"), manifest)
        _review(raw, manifest)
    except Exception:  # noqa: BLE001
        print("Your answers are kept in this notebook. Save it (Ctrl + S) and submit it as it is.")


def _review(raw: dict, manifest: dict) -> None:
    answers, problems = clean_answers(raw, manifest)
    given = sum(value is not None for value in answers.values())
    if problems:
        print("Please check these answers (the others are fine):")
        for problem in problems:
            print(f"  - {problem}")
    elif given:
        print(f"Thank you: {given} answer(s) read from your saved notebook, all clear. "
              "Submit from the Assignments tab.")
    else:
        print("No answers found yet. Type your answers after the ✎ labels, save (Ctrl + S), then check again. "
              "Blank answers are fine.")
    if answers.get("hours_spent") is not None and answers.get("attest_hours") is not True:
        print("  - You gave your time but did not attest it: type yes after “I attest that I spent this time” "
              "if it is right.")
