"""Diagnostic accuracy: what a positive or negative test result means for the patient in front of you.

Pure model functions (counts or probabilities in, result out, validated), the clearly labelled synthetic
biomarker data set, and the ps2 file loaders (a 2×2 table, a scores file, a cut-point table). The widgets are in
views/diagnostics.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from exocourse import data
from exocourse.errors import InputError, finite_number, text_file, whole_number


def _probability(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise InputError(f"{name} must be a number between 0 and 1 (for example 0.25 for 25%).")
    if not 0 <= value <= 1:
        raise InputError(f"{name} must be between 0 and 1; you gave {value}. For 25% type 0.25.")
    return float(value)


def _count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) and not (isinstance(value, float) and value.is_integer()):
        raise InputError(f"{name} must be a whole number of patients.")
    if value < 0:
        raise InputError(f"{name} cannot be negative.")
    return int(value)


@dataclass(frozen=True)
class Accuracy:
    sensitivity: float
    specificity: float
    ppv: float
    npv: float
    lr_positive: float
    lr_negative: float
    prevalence: float


def accuracy_from_counts(tp, fp, fn, tn) -> Accuracy:
    """Sensitivity, specificity, PPV, NPV and likelihood ratios from a 2×2 table of patient counts."""
    tp, fp, fn, tn = (_count(v, n) for v, n in ((tp, "True positives"), (fp, "False positives"),
                                                 (fn, "False negatives"), (tn, "True negatives")))
    for total, what in ((tp + fn, "people with the condition"), (tn + fp, "people without the condition"),
                        (tp + fp, "positive results"), (tn + fn, "negative results")):
        if total == 0:
            raise InputError(f"The table has no {what}, so the measures that divide by them are undefined.")
    sensitivity, specificity = tp / (tp + fn), tn / (tn + fp)
    return Accuracy(sensitivity, specificity, tp / (tp + fp), tn / (tn + fn),
                    *likelihood_ratios(sensitivity, specificity), (tp + fn) / (tp + fp + fn + tn))


def likelihood_ratios(sensitivity, specificity) -> tuple[float, float]:
    """LR+ = sensitivity / (1 − specificity); LR− = (1 − sensitivity) / specificity (inf when a denominator is 0)."""
    sensitivity = _probability(sensitivity, "Sensitivity")
    specificity = _probability(specificity, "Specificity")
    positive = sensitivity / (1 - specificity) if specificity < 1 else math.inf
    negative = (1 - sensitivity) / specificity if specificity > 0 else math.inf
    return positive, negative


def predictive_values(prevalence, sensitivity, specificity) -> tuple[float, float]:
    """(PPV, NPV) for a test with this sensitivity and specificity where the condition has this prevalence."""
    p = _probability(prevalence, "Prevalence")
    se = _probability(sensitivity, "Sensitivity")
    sp = _probability(specificity, "Specificity")
    positives, negatives = se * p + (1 - sp) * (1 - p), sp * (1 - p) + (1 - se) * p
    ppv = se * p / positives if positives else math.nan
    npv = sp * (1 - p) / negatives if negatives else math.nan
    return ppv, npv


def post_test_probability(pre_test, likelihood_ratio) -> float:
    """Bayes with odds: post-test odds = pre-test odds × likelihood ratio; returned as a probability."""
    p = _probability(pre_test, "Pre-test probability")
    if isinstance(likelihood_ratio, bool) or not isinstance(likelihood_ratio, (int, float)) or likelihood_ratio < 0 \
            or likelihood_ratio != likelihood_ratio:
        raise InputError("The likelihood ratio must be a number of 0 or more (for example 3.5).")
    if likelihood_ratio != math.inf:
        likelihood_ratio = finite_number(likelihood_ratio, "The likelihood ratio", InputError)
    if p in (0.0, 1.0):
        return p
    odds = p / (1 - p) * likelihood_ratio
    return 1.0 if math.isinf(odds) else odds / (1 + odds)


def natural_frequencies(prevalence, sensitivity, specificity, people: int = 1000) -> dict[str, int]:
    """The same numbers as whole patients: of `people`, how many are true/false positives/negatives."""
    p = _probability(prevalence, "Prevalence")
    se = _probability(sensitivity, "Sensitivity")
    sp = _probability(specificity, "Specificity")
    people = whole_number(people, "The number of people", InputError, smallest=1, largest=10**9)
    ill = round(people * p)
    tp = round(ill * se)
    tn = round((people - ill) * sp)
    return {"true positives": tp, "false negatives": ill - tp, "false positives": people - ill - tn,
            "true negatives": tn}


# ----------------------------------------------------------------------------------- cut-points and ROC ---
def biomarker_data() -> tuple[list[float], list[int]]:
    """The synthetic biomarker data set (data/diagnostics/): scores and outcomes (1 = has the condition)."""
    rows = data.rows("synthetic_biomarker")
    return [r["score"] for r in rows], [r["outcome"] for r in rows]


def _check_scores(scores, outcomes) -> tuple[list[float], list[int]]:
    for given, what in ((scores, "scores"), (outcomes, "outcomes")):
        if isinstance(given, str | bytes | dict) or not hasattr(given, "__iter__"):
            raise InputError(f"Give the {what} as a list, for example [12.5, 30.1] or [1, 0].")
    scores, outcomes = list(scores), list(outcomes)
    if not scores or len(scores) != len(outcomes):
        raise InputError("Give one outcome for every score (and at least one of each).")
    if any(isinstance(o, bool) or not isinstance(o, int | float) or o not in (0, 1) for o in outcomes) or \
            len(set(outcomes)) < 2:
        raise InputError("Outcomes must be 1 (has the condition) or 0 (does not), with at least one of each.")
    return [finite_number(s, "Every score", InputError) for s in scores], [int(o) for o in outcomes]


def confusion_at_cutpoint(scores, outcomes, cutpoint: float) -> dict[str, int]:
    """Counts when a score at or above `cutpoint` is called positive."""
    scores, outcomes = _check_scores(scores, outcomes)
    cutpoint = finite_number(cutpoint, "The cut-point", InputError)
    tp = sum(s >= cutpoint and o == 1 for s, o in zip(scores, outcomes, strict=True))
    fp = sum(s >= cutpoint and o == 0 for s, o in zip(scores, outcomes, strict=True))
    positives = sum(outcomes)
    return {"tp": tp, "fp": fp, "fn": positives - tp, "tn": len(outcomes) - positives - fp}


def roc_points(scores, outcomes) -> list[tuple[float, float, float]]:
    """(1 − specificity, sensitivity, cut-point) for every distinct cut-point, from (0, 0) to (1, 1)."""
    scores, outcomes = _check_scores(scores, outcomes)
    positives = sum(outcomes)
    negatives = len(outcomes) - positives
    points = [(0.0, 0.0, math.inf)]
    tp = fp = 0
    pairs = sorted(zip(scores, outcomes, strict=True), key=lambda pair: -pair[0])
    for i, (score, outcome) in enumerate(pairs):
        tp += outcome
        fp += 1 - outcome
        if i + 1 == len(pairs) or pairs[i + 1][0] != score:
            points.append((fp / negatives, tp / positives, score))
    return points


def area_under_curve(scores, outcomes) -> float:
    """AUC: the chance that a random person with the condition scores higher than one without (ties count ½)."""
    points = roc_points(scores, outcomes)
    return sum((x2 - x1) * (y1 + y2) / 2 for (x1, y1, _), (x2, y2, _) in zip(points, points[1:], strict=False))


# ----------------------------------------------------------------------------------------- ps2 file loaders ---
class TwoByTwo(dict):
    """A 2×2 table of counts (keys tp, fp, fn, tn) that shows itself as a labelled table in a notebook."""

    def _repr_html_(self) -> str:
        return ("<table><thead><tr><th scope='col'>Test result</th><th scope='col'>With the condition</th>"
                "<th scope='col'>Without the condition</th></tr></thead><tbody>"
                f"<tr><th scope='row'>Test positive</th><td>tp = {self['tp']}</td><td>fp = {self['fp']}</td></tr>"
                f"<tr><th scope='row'>Test negative</th><td>fn = {self['fn']}</td><td>tn = {self['tn']}</td></tr>"
                "</tbody></table>")


class RowsTable(list):
    """A list of rows (dicts with the same keys) that shows itself as a table in a notebook."""

    def _repr_html_(self) -> str:
        if not self:
            return "<p>(no rows)</p>"
        head = "".join(f"<th scope='col'>{key}</th>" for key in self[0])
        body = "".join("<tr>" + "".join(f"<td>{value}</td>" for value in row.values()) + "</tr>" for row in self)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def load_confusion_matrix(path: str) -> dict[str, int]:
    """A 2×2 table from a CSV with columns result, with_condition, without_condition (rows positive, negative)."""
    import csv
    import io

    text = text_file(path, "2×2 table", InputError)
    try:
        rows = {row["result"].strip().lower(): row for row in csv.DictReader(io.StringIO(text, newline=""))}
        return TwoByTwo(tp=int(rows["positive"]["with_condition"]), fp=int(rows["positive"]["without_condition"]),
                        fn=int(rows["negative"]["with_condition"]), tn=int(rows["negative"]["without_condition"]))
    except (KeyError, ValueError, TypeError, AttributeError):
        raise InputError(f"{path!r} is not a 2×2 table with rows 'positive' and 'negative'.") from None


def load_scores(path: str) -> tuple[list[float], list[int]]:
    """Scores and outcomes from a CSV with columns score and outcome (1 = has the condition)."""
    import csv
    import io

    text = text_file(path, "scores file", InputError)
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        scores, outcomes = [float(r["score"]) for r in rows], [int(r["outcome"]) for r in rows]
    except (KeyError, ValueError, TypeError):
        raise InputError(f"{path!r} needs numeric columns 'score' and 'outcome'.") from None
    if any(score != score or score in (math.inf, -math.inf) for score in scores):
        raise InputError(f"{path!r} has a score that is not a finite number (nan or inf): fix that row.")
    return scores, outcomes


def cutpoint_table(path: str, cutpoints) -> list[dict]:
    """Sensitivity and specificity of the scores in `path` at each cut-point (score ≥ cut-point = positive)."""
    scores, outcomes = load_scores(path)
    if isinstance(cutpoints, str | bytes) or not hasattr(cutpoints, "__iter__"):
        raise InputError("Give the cut-points as a list of numbers, for example [10, 15, 20].")
    table = RowsTable()
    for cut in cutpoints:
        counts = confusion_at_cutpoint(scores, outcomes, cut)
        table.append({"cut-point": cut, "sensitivity": round(counts["tp"] / (counts["tp"] + counts["fn"]), 3),
                      "specificity": round(counts["tn"] / (counts["tn"] + counts["fp"]), 3), **counts})
    return table
