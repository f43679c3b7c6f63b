"""The course evaluation notebook, the learner's side: its answer labels, reading a saved evaluation notebook
(never executing it), typing answers into one (tests, the demo class), and `review_my_answers`, what the learner
runs in the notebook.

Learners answer in plain words, in text (markdown) answer cells under each question: each answer follows a fixed
label ("✎ I attest that I spent this time (yes or no): yes"); evaluation_answers reads each one. Evaluations
handed in with the earlier format (Python values such as `attest_hours = True` in code cells) are still read, with
`ast.literal_eval` and never run. The anonymous summary for instructors is exocourse/instructor/evaluation_summary.py.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from exocourse import manifest as course_manifest
from exocourse.lessons.evaluation_answers import (
    INVALID,
    MARKER,
    MAX_CELL,
    TEXT_FIELDS,
    answer_fields,
    clean_answers,
)


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
                    found[node.targets[0].id] = INVALID
    return found


def read_notebook_answers(notebook_text: str, manifest: dict) -> dict:
    """Every answer in a handed-in evaluation: the plain-text answers, and for an evaluation in the earlier
    format, the Python values of its code cells (a plain-text answer wins where both are given)."""
    raw = parse_answers(notebook_text, answer_fields(manifest))
    raw.update({field: text for field, text in parse_text_answers(notebook_text, manifest).items() if text})
    return raw


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
        fields = answer_fields(manifest)
        legacy = {name: namespace[name] for name in fields if isinstance(namespace, dict) and name in namespace
                  and namespace[name] is not None}
        if legacy:
            raw = {name: value if isinstance(value, (str, int, float, bool)) else INVALID
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
