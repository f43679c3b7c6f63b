"""The course evaluation, the instructor's side: read every learner's answers safely and summarise them
anonymously.

A CE program asks every learner about relevance, whether the objectives were met, perceived commercial bias,
intended practice change and the time spent (with an attestation). The evaluation is collected like an
assignment (grading/submitted/<learner>/evaluation/evaluation.ipynb), so the raw files carry learner ids; the
summary and its export never do: they hold counts and comments in alphabetical order, with any learner id typed
into a comment removed, so a reader cannot link an answer to a learner. Hours are reported in bands, with the
median and interquartile range only from SMALL_COHORT answers on (never a minimum or maximum, which would point
to one learner). Reading one notebook's answers is the learner side's job (exocourse/lessons/evaluation_form.py).

    python -m exocourse.instructor.evaluation_summary        # writes grading/evaluation_summary.csv and .md
"""


from __future__ import annotations

import math
import re
import statistics
import sys
from pathlib import Path

from exocourse import manifest as course_manifest
from exocourse.lessons.evaluation_answers import (
    BIAS_CHOICES,
    NAMES,
    PRACTICE_CHOICES,
    RATING_CHOICES,
    TEXT_FIELDS,
    clean_answers,
    rating_fields,
)
from exocourse.lessons.evaluation_form import read_notebook_answers
from exocourse.paths import course_root
from exocourse.safe_csv import csv_text, escape_markdown

SMALL_COHORT = 5  # below this many responses the report warns that answers may be recognisable
# Hours spent, reported as counts in bands: (label, upper bound, upper bound included); each answer goes into the
# first band it fits, so 6 is in "6 to under 8 h" and 10 in "8 to 10 h".
HOUR_BANDS = (("under 6 h", 6.0, False), ("6 to under 8 h", 8.0, False), ("8 to 10 h", 10.0, True),
              ("over 10 h", math.inf, True))


def _evaluation_id(manifest: dict) -> str:
    return manifest["ce"]["evaluation"]


def read_responses(root: Path | None = None) -> list[dict]:
    """Every submitted evaluation, in learner-id order: {'learner': id, <field>: value or None, ...,
    'problems': [...]}. For the completion report's attested hours; never for display (it names learners)."""
    root = Path(root) if root else course_root()
    manifest = course_manifest.load_manifest(root)
    evaluation = _evaluation_id(manifest)
    responses = []
    submitted = root / "grading" / "submitted"
    for folder in sorted(submitted.glob(f"*/{evaluation}")) if submitted.is_dir() else []:
        notebook = folder / f"{evaluation}.ipynb"
        try:
            text = notebook.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        answers, problems = clean_answers(read_notebook_answers(text, manifest), manifest)
        responses.append({"learner": folder.parent.name, **answers, "problems": problems})
    return responses


class AttestedHours(dict):
    """Learner id -> attested hours; `.not_recorded` says, for each learner who handed in an evaluation but has
    no hours here, why (for the completion report's reason column)."""

    def __init__(self, hours: dict, not_recorded: dict[str, str]):
        super().__init__(hours)
        self.not_recorded = not_recorded


def _why_no_hours(response: dict) -> str:
    problems = [p for p in response["problems"] if p.startswith((NAMES["hours_spent"], NAMES["attest_hours"]))]
    if problems:
        return "the evaluation's answer was not clear: " + " ".join(problems)
    if response["hours_spent"] is None:
        return "the learner gave no time spent in the evaluation"
    if response["attest_hours"] is False:
        return "the learner answered no to the attestation in the evaluation"
    return "the learner gave a time but did not attest it in the evaluation"


def attested_hours(root: Path | None = None) -> AttestedHours:
    """Learner id -> hours the learner attested, as the learner gave them (the completion report caps the credit
    at the course's estimated time and says so). A learner who gave no clear time, or did not attest it
    (yes after "I attest that I spent this time"), is left out; `.not_recorded` says why."""
    root = Path(root) if root else course_root()
    responses = read_responses(root)
    hours = {r["learner"]: r["hours_spent"] for r in responses
             if r["hours_spent"] is not None and r["attest_hours"] is True}
    return AttestedHours(hours, {r["learner"]: _why_no_hours(r) for r in responses if r["learner"] not in hours})


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
