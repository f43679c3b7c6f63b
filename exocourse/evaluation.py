"""The course evaluation: read the learners' answers safely and summarise them anonymously.

A CE program asks every learner about relevance, whether the objectives were met, perceived commercial bias,
intended practice change and the time spent (with an attestation). The evaluation is collected like an
assignment (grading/submitted/<learner>/evaluation/evaluation.ipynb), so the raw files carry learner ids; the
summary and its export never do: they hold counts and comments in alphabetical order, with any learner id typed
into a comment removed, so a reader cannot link an answer to a learner. Hours are reported in bands, with the
median and interquartile range only from SMALL_COHORT answers on (never a minimum or maximum, which would point
to one learner).

Learner notebooks are never executed: each answer cell is parsed with `ast` and only simple assignments of
literal values (`relevance = 4`) are read, with `ast.literal_eval`.

    python -m exocourse.evaluation        # writes grading/evaluation_summary.csv and .md
"""

from __future__ import annotations

import ast
import json
import math
import re
import statistics
import sys
from pathlib import Path

from exocourse import manifest as course_manifest
from exocourse.paths import course_root
from exocourse.safe_csv import csv_text, escape_markdown

RATING_CHOICES = (1, 2, 3, 4, 5)
BIAS_CHOICES = ("yes", "no")
PRACTICE_CHOICES = {"A": "Yes, I intend to change my practice",
                    "B": "No: my practice already matches the course",
                    "C": "No: the topic does not arise in my practice",
                    "D": "Not sure yet",
                    "E": "Not applicable: not in clinical practice"}
TEXT_FIELDS = ("commercial_bias_details", "practice_change_details", "comments")
MAX_TEXT = 2000  # characters kept of one comment
MAX_CELL = 20_000  # characters of one cell that are parsed; longer cells are ignored
SMALL_COHORT = 5  # below this many responses the report warns that answers may be recognisable
# Hours spent, reported as counts in bands: (label, upper bound, upper bound included); each answer goes into the
# first band it fits, so 6 is in "6 to under 8 h" and 10 in "8 to 10 h".
HOUR_BANDS = (("under 6 h", 6.0, False), ("6 to under 8 h", 8.0, False), ("8 to 10 h", 10.0, True),
              ("over 10 h", math.inf, True))
ATTEST_WORDS = {"true": True, "yes": True, "false": False, "no": False}  # typed in quotes by mistake


def rating_fields(manifest: dict) -> dict[str, str]:
    """The 1–5 questions: field name -> the question, as the report shows it."""
    fields = {"relevance": "Relevance to my practice"}
    for module in manifest["modules"]:
        fields[f"objectives_met_{module['module']}"] = f"Objectives met: {module['title']}"
    return fields


def _fields(manifest: dict) -> set[str]:
    return set(rating_fields(manifest)) | {"commercial_bias", "practice_change", "hours_spent", "attest_hours",
                                           *TEXT_FIELDS}


def parse_answers(notebook_text: str, fields: set[str]) -> dict:
    """The literal values assigned to `fields` in a notebook's code cells, without running any code.

    A cell that is not valid Python, or an assignment whose value is not a literal (a call, a name), is skipped:
    that answer counts as missing. A later assignment wins, as it would when the cells run in order."""
    try:
        cells = json.loads(notebook_text).get("cells", [])
    except (ValueError, AttributeError):
        return {}
    found = {}
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
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


class _Invalid:
    def __repr__(self) -> str:
        return "<not a plain value>"


_INVALID = _Invalid()


def clean_answers(raw: dict, manifest: dict) -> tuple[dict, list[str]]:
    """(answers, problems): each field's valid value or None, and a plain sentence for each answer that was
    given but is not in the expected form."""
    answers, problems = {}, []

    def bad(field: str, expected: str) -> None:
        answers[field] = None
        problems.append(f"{field}: expected {expected}")

    for field in rating_fields(manifest):
        value = raw.get(field)
        answers[field] = None
        if value is None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value in RATING_CHOICES:
            answers[field] = int(value)
        else:
            bad(field, "a number 1, 2, 3, 4 or 5")
    value = raw.get("commercial_bias")
    answers["commercial_bias"] = None
    if value is not None:
        if isinstance(value, str) and value.strip().lower() in BIAS_CHOICES:
            answers["commercial_bias"] = value.strip().lower()
        else:
            bad("commercial_bias", '"yes" or "no" in quotes')
    value = raw.get("practice_change")
    answers["practice_change"] = None
    if value is not None:
        if isinstance(value, str) and value.strip().upper() in PRACTICE_CHOICES:
            answers["practice_change"] = value.strip().upper()
        else:
            letters = [f'"{c}"' for c in PRACTICE_CHOICES]
            bad("practice_change", f"one letter {', '.join(letters[:-1])} or {letters[-1]} in quotes")
    value = raw.get("hours_spent")
    answers["hours_spent"] = None
    if value is not None:
        if (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
                and 0 < value <= 1000):
            answers["hours_spent"] = float(value)
        else:
            bad("hours_spent", "a number of hours greater than 0, for example 8.5")
    value = raw.get("attest_hours")
    answers["attest_hours"] = None
    if value is not None:
        if isinstance(value, bool):
            answers["attest_hours"] = value
        elif isinstance(value, str) and value.strip().lower() in ATTEST_WORDS:  # "yes", "True": the intent is clear
            answers["attest_hours"] = ATTEST_WORDS[value.strip().lower()]
        else:
            bad("attest_hours", "True (capital T, no quotes)")
    for field in TEXT_FIELDS:
        value = raw.get(field)
        answers[field] = None
        if isinstance(value, str) and value.strip():
            answers[field] = " ".join(value.split())[:MAX_TEXT]
        elif value is not None and not isinstance(value, str):
            bad(field, "text between the triple quotes")
    return answers, problems


# The modules, for a learner's copy that cannot find course.yml (a fetched assignment outside the course folder).
DEFAULT_MODULES = {"modules": [{"module": "biology", "title": "Exosome biology"},
                               {"module": "uses", "title": "Diagnostic and therapeutic uses"},
                               {"module": "risk_regulation", "title": "Risk profile and regulation"},
                               {"module": "consent_claims", "title": "Informed consent and claims appraisal"}]}


def review_my_answers(namespace: dict, manifest: dict | None = None) -> None:
    """For the learner, in the evaluation notebook: list answers that are not in the expected form.
    It never raises: a learner must not meet a traceback in an ungraded survey."""
    try:
        if manifest is None:
            try:
                manifest = course_manifest.load_manifest()
            except Exception:  # noqa: BLE001 — a learner copy without the course files still gets a check
                manifest = DEFAULT_MODULES
        _review(namespace, manifest)
    except Exception:  # noqa: BLE001
        print("Your answers are saved in this notebook. Save it (Ctrl + S) and submit it as it is.")


def _review(namespace: dict, manifest: dict) -> None:
    fields = _fields(manifest)
    raw = {name: namespace[name] for name in fields if name in namespace}
    literal = {name: value if isinstance(value, (str, int, float, bool, type(None))) else _INVALID
               for name, value in raw.items()}
    answers, problems = clean_answers(literal, manifest)
    given = sum(value is not None for value in answers.values())
    if problems:
        print("Please check these answers (the others are fine):")
        for problem in problems:
            print(f"  - {problem}")
    else:
        print(f"Thank you: {given} answer(s) are in the expected form. Save, then submit from the Assignments tab.")
    if answers.get("hours_spent") is not None and answers.get("attest_hours") is not True:
        print("  - You gave your hours but did not attest them: type True after attest_hours = if they are right.")


def _evaluation_id(manifest: dict) -> str:
    return manifest["ce"]["evaluation"]


def read_responses(root: Path | None = None) -> list[dict]:
    """Every submitted evaluation, in learner-id order: {'learner': id, <field>: value or None, ...,
    'problems': [...]}. For the completion report's attested hours; never for display (it names learners)."""
    root = Path(root) if root else course_root()
    manifest = course_manifest.load_manifest(root)
    evaluation = _evaluation_id(manifest)
    fields = _fields(manifest)
    responses = []
    submitted = root / "grading" / "submitted"
    for folder in sorted(submitted.glob(f"*/{evaluation}")) if submitted.is_dir() else []:
        notebook = folder / f"{evaluation}.ipynb"
        try:
            text = notebook.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        answers, problems = clean_answers(parse_answers(text, fields), manifest)
        responses.append({"learner": folder.parent.name, **answers, "problems": problems})
    return responses


def attested_hours(root: Path | None = None) -> dict[str, float]:
    """Learner id -> hours the learner attested, as the learner gave them (the completion report caps the credit
    at the course's estimated time and says so). A learner who gave no valid number of hours, or did not attest
    it (attest_hours = True, or "yes" typed in quotes), is left out."""
    root = Path(root) if root else course_root()
    return {r["learner"]: r["hours_spent"] for r in read_responses(root)
            if r["hours_spent"] is not None and r["attest_hours"] is True}


def _scrub(text: str, learner_ids: list[str]) -> str:
    """A comment with any learner id in it replaced, so the export cannot name a learner by id."""
    for learner in sorted(learner_ids, key=len, reverse=True):
        if learner:
            text = re.sub(rf"(?i)(?<![\w]){re.escape(learner)}(?![\w])", "[id removed]", text)
    return text


def anonymous_summary(responses: list[dict], manifest: dict | None = None) -> dict:
    """Counts, statistics and comments in alphabetical order: the same result whatever the order of
    `responses`, and nothing in it names a learner."""
    manifest = manifest or course_manifest.load_manifest()
    ids = [str(r.get("learner", "")) for r in responses]
    ratings = {}
    for field, question in rating_fields(manifest).items():
        values = [r.get(field) for r in responses if r.get(field) is not None]
        ratings[field] = {"question": question, "answered": len(values),
                          "counts": {score: values.count(score) for score in RATING_CHOICES},
                          "mean": round(sum(values) / len(values), 2) if values else None}
    bias = [r.get("commercial_bias") for r in responses if r.get("commercial_bias") is not None]
    practice = [r.get("practice_change") for r in responses if r.get("practice_change") is not None]
    hours = sorted(r.get("hours_spent") for r in responses if r.get("hours_spent") is not None)
    spread = len(hours) >= SMALL_COHORT  # a median or quartile of a few answers is one learner's answer
    return {
        "responses": len(responses),
        "ratings": ratings,
        "commercial_bias": {"question": "Perceived commercial bias", "answered": len(bias),
                            "counts": {choice: bias.count(choice) for choice in BIAS_CHOICES}},
        "practice_change": {"question": "Intended change in practice", "answered": len(practice),
                            "counts": {PRACTICE_CHOICES[c]: practice.count(c) for c in PRACTICE_CHOICES}},
        "hours_spent": {"question": "Hours spent on the course (learner-reported)", "answered": len(hours),
                        "bands": {label: [_band(h) for h in hours].count(label) for label, _, _ in HOUR_BANDS},
                        "median": round(statistics.median(hours), 2) if spread else None,
                        "iqr": _quartiles(hours) if spread else None},
        "attested": sum(r.get("attest_hours") is True for r in responses),
        "comments": {field: sorted(_scrub(r[field], ids) for r in responses if r.get(field)) for field in TEXT_FIELDS},
    }


def _band(hours: float) -> str:
    """The label of the first band of HOUR_BANDS that `hours` fits."""
    return next(label for label, high, included in HOUR_BANDS if (hours <= high if included else hours < high))


def _quartiles(hours: list[float]) -> tuple[float, float]:
    """(first, third) quartile, the interquartile range's ends."""
    q1, _, q3 = statistics.quantiles(hours, n=4, method="inclusive")
    return round(q1, 2), round(q3, 2)


COMMENT_TITLES = {"commercial_bias_details": "Where learners saw commercial bias",
                  "practice_change_details": "What learners intend to change",
                  "comments": "Other comments"}


def summary_rows(summary: dict) -> list[tuple]:
    """(section, question, answer, count) rows for the CSV export."""
    rows = [("responses", "Evaluations submitted", "", summary["responses"])]
    for rating in summary["ratings"].values():
        for score, count in rating["counts"].items():
            rows.append(("rating 1-5", rating["question"], score, count))
        rows.append(("rating 1-5", rating["question"], "mean", "" if rating["mean"] is None else rating["mean"]))
    for key in ("commercial_bias", "practice_change"):
        for answer, count in summary[key]["counts"].items():
            rows.append(("choice", summary[key]["question"], answer, count))
    hours = summary["hours_spent"]
    rows.append(("hours", hours["question"], "answered", hours["answered"]))
    rows.extend(("hours", hours["question"], label, count) for label, count in hours["bands"].items())
    rows.append(("hours", hours["question"], "median", "" if hours["median"] is None else hours["median"]))
    rows.append(("hours", hours["question"], "interquartile range",
                 "" if hours["iqr"] is None else f"{hours['iqr'][0]:g}–{hours['iqr'][1]:g}"))
    rows.append(("hours", "Learners who attested their hours", "", summary["attested"]))
    for field, texts in summary["comments"].items():
        rows.extend(("comment", COMMENT_TITLES[field], text, 1) for text in texts)
    return rows


def summary_csv(summary: dict) -> str:
    """The summary as CSV; learners' comments can never run as spreadsheet formulas (exocourse.safe_csv)."""
    return csv_text(["section", "question", "answer", "count"], summary_rows(summary))


def summary_markdown(summary: dict, title: str = "Course evaluation") -> str:
    n = summary["responses"]
    lines = [f"# {title}: anonymous summary", "",
             f"{n} evaluation(s) submitted. Counts and comments only; comments are in alphabetical order and no "
             "answer is linked to a learner.", ""]
    if 0 < n < SMALL_COHORT:
        lines += [f"> **Caution:** fewer than {SMALL_COHORT} responses. Someone who knows the class may recognise "
                  "individual answers; share this summary with care.", ""]
    lines += ["## Ratings (1 = not at all … 5 = fully)", "", "| Question | 1 | 2 | 3 | 4 | 5 | Answered | Mean |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for rating in summary["ratings"].values():
        counts = " | ".join(str(rating["counts"][s]) for s in RATING_CHOICES)
        mean = "—" if rating["mean"] is None else f"{rating['mean']:.2f}"
        lines.append(f"| {rating['question']} | {counts} | {rating['answered']} | {mean} |")
    for key in ("commercial_bias", "practice_change"):
        item = summary[key]
        lines += ["", f"## {item['question']} ({item['answered']} answered)", "", "| Answer | Count |", "|---|---:|"]
        lines += [f"| {answer} | {count} |" for answer, count in item["counts"].items()]
    hours = summary["hours_spent"]
    lines += ["", f"## {hours['question']}", ""]
    if hours["answered"]:
        lines += [f"{hours['answered']} answered; {summary['attested']} learner(s) attested their hours.", "",
                  "| Hours | Count |", "|---|---:|"]
        lines += [f"| {label} | {count} |" for label, count in hours["bands"].items()]
        lines.append("")
        if hours["median"] is not None:
            lines.append(f"Median {hours['median']:g} h (interquartile range {hours['iqr'][0]:g}–"
                         f"{hours['iqr'][1]:g} h).")
        else:
            lines.append(f"Median and interquartile range are not shown for fewer than {SMALL_COHORT} answers.")
    else:
        lines.append("No learner reported hours.")
    for field, texts in summary["comments"].items():
        lines += ["", f"## {COMMENT_TITLES[field]} ({len(texts)})", ""]
        lines += [f"- {escape_markdown(text)}" for text in texts] or ["None."]  # learner text: inert
    return "\n".join(lines) + "\n"


def export(summary: dict, folder: Path) -> tuple[Path, Path]:
    """Write evaluation_summary.csv and evaluation_summary.md into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = folder / "evaluation_summary.csv", folder / "evaluation_summary.md"
    csv_path.write_text(summary_csv(summary), encoding="utf-8")
    md_path.write_text(summary_markdown(summary), encoding="utf-8")
    return csv_path, md_path


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else course_root()
    manifest = course_manifest.load_manifest(root)
    responses = read_responses(root)
    paths = export(anonymous_summary(responses, manifest), root / "grading")
    print(f"{len(responses)} evaluation(s) summarised anonymously: {paths[0]} and {paths[1]}")
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
