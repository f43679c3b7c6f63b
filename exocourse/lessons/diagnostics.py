"""Diagnostic accuracy: what a positive or negative test result means for the patient in front of you.

Pure model functions first (counts or probabilities in, result out, validated); then the widget views: the
predictive-value explorer (prevalence, sensitivity, specificity → PPV, NPV and 1,000 patients) and the cut-point
explorer on a clearly labelled synthetic biomarker data set (confusion matrix, trade-off and ROC curve).
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


# ------------------------------------------------------------------------------------------------- views ---
SYMBOLS = {"true positives": "circle", "false negatives": "circle-open", "false positives": "x",
           "true negatives": "square-open"}
KEY = {"true positives": "●", "false negatives": "○", "false positives": "×", "true negatives": "□"}
PATIENTS = 1000


def patient_marks(counts: dict[str, int]):
    """For the 1,000-patient picture: each patient's group number (0-3, a numpy array), marker symbol and label,
    in the order true positives, false negatives, false positives, true negatives (counts must add up to 1,000)."""
    import numpy as np

    sizes = [counts[group] for group in SYMBOLS]
    if sum(sizes) != PATIENTS:
        raise InputError(f"The four groups must add up to {PATIENTS} patients; they add up to {sum(sizes)}.")
    symbol, label = [], []
    for group, size in zip(SYMBOLS, sizes, strict=True):
        symbol += [SYMBOLS[group]] * size
        label += [group[:-1]] * size
    return np.repeat(np.arange(len(sizes), dtype=float), sizes), symbol, label


def _percent(value: float) -> str:
    return "undefined" if value != value else f"{100 * value:.1f}%"


def predictive_value_explorer(prevalence: float = 0.10, sensitivity: float = 0.90, specificity: float = 0.80):
    """Widget: three sliders → PPV, NPV, likelihood ratios and a picture of 1,000 patients."""
    import ipywidgets as w
    import plotly.graph_objects as go

    from exocourse.lessons import plots, ui

    plots.register_template()
    sliders = {
        "prevalence": ui.slider("Prevalence (%)", 100 * prevalence, 0.5, 60, 0.5, unit="%", width="420px"),
        "sensitivity": ui.slider("Sensitivity (%)", 100 * sensitivity, 5, 99.5, 0.5, unit="%", width="420px"),
        "specificity": ui.slider("Specificity (%)", 100 * specificity, 5, 99.5, 0.5, unit="%", width="420px"),
    }
    colours = {"true positives": plots.PALETTE["vermillion"], "false negatives": plots.PALETTE["vermillion"],
               "false positives": plots.PALETTE["blue"], "true negatives": plots.PALETTE["grey"]}
    # One trace of 1,000 fixed places (40 per row, fixed axis ranges); a slider move only restyles it: each patient's
    # colour (a number on a stepped colour scale), symbol (filled or open, so colour is never the only signal) and
    # hover label, and the key's counts, sent in one update message: one repaint.
    groups = list(SYMBOLS)
    steps = [[edge, colours[group]] for i, group in enumerate(groups)
             for edge in (i / len(groups), (i + 1) / len(groups))]
    figure = go.FigureWidget(layout={
        "title": "1,000 patients tested", "height": 430, "width": 560, "showlegend": False,
        "xaxis": {"visible": False, "range": [-1, 40]},
        "yaxis": {"visible": False, "scaleanchor": "x", "range": [-PATIENTS // 40, 1]},
        "margin": {"b": 60},
        "annotations": [{"xref": "paper", "yref": "paper", "x": 0.5, "y": -0.02, "yanchor": "top",
                         "showarrow": False, "text": ""}]})
    figure.add_scattergl(x=[c % 40 for c in range(PATIENTS)], y=[-(c // 40) for c in range(PATIENTS)],
                       mode="markers", name="patients", hoverinfo="text",
                       marker={"size": 8, "cmin": -0.5, "cmax": len(groups) - 0.5, "colorscale": steps,
                               "showscale": False, "line": {"width": 1.5}})
    readout = w.HTML()

    def update(_=None):
        p, se, sp = (sliders[k].value / 100 for k in ("prevalence", "sensitivity", "specificity"))
        ppv, npv = predictive_values(p, se, sp)
        lr_pos, lr_neg = likelihood_ratios(se, sp)
        counts = natural_frequencies(p, se, sp)
        colour, symbol, label = patient_marks(counts)
        key = "   ".join(f"<span style='color:{colours[group]}'>{KEY[group]}</span> {group}: {counts[group]}"
                       for group in groups)
        # plotly_update: the trace's arrays and the key in one message, so one repaint. It skips plotly's
        # per-element validation (about 15 ms for 1,000 symbol names), safe here: the values are built above.
        figure.plotly_update(restyle_data={"marker.color": [colour], "marker.symbol": [symbol], "hovertext": [label]},
                             relayout_data={"annotations[0].text": key}, trace_indexes=[0])
        readout.value = plots.caption_html(
            "Each mark is one of 1,000 patients tested. Filled circles: true positives; open circles: false "
            "negatives; crosses: false positives; open squares: true negatives. A positive result means a "
            "circle or a cross: PPV is the share of those that are circles.",
            f"With prevalence {_percent(p)}, sensitivity {_percent(se)} and specificity {_percent(sp)}: "
            f"{counts['true positives'] + counts['false positives']} of 1,000 test positive, of whom "
            f"{counts['true positives']} have the condition (PPV {_percent(ppv)}); "
            f"{counts['true negatives'] + counts['false negatives']} test negative, of whom "
            f"{counts['true negatives']} do not (NPV {_percent(npv)}).",
            [("PPV", _percent(ppv)), ("NPV", _percent(npv)), ("LR+", f"{lr_pos:.2f}"), ("LR−", f"{lr_neg:.2f}"),
             *[(group, counts[group]) for group in SYMBOLS]], ("Measure", "Value"))

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    view = ui.view([w.VBox(list(sliders.values())), figure, readout], sliders, {"patients": figure}, readout)
    view.update = update
    return view


def cutpoint_explorer(cutpoint: float | None = None):
    """Widget: move the cut-point on the synthetic biomarker and see the 2×2 table, the trade-off and the ROC."""
    import ipywidgets as w
    import plotly.graph_objects as go

    from exocourse.lessons import plots, ui

    plots.register_template()
    scores, outcomes = biomarker_data()
    low, high = math.floor(min(scores)), math.ceil(max(scores))
    slider = ui.slider("Cut-point (score)", cutpoint if cutpoint is not None else round((low + high) / 2, 1), low,
                       high, 0.5, width="480px")
    roc = roc_points(scores, outcomes)
    auc = area_under_curve(scores, outcomes)
    histogram = go.FigureWidget(layout={
        "title": "Synthetic biomarker scores", "barmode": "overlay", "height": 360, "width": 520,
        "xaxis": {"title": "Biomarker score (synthetic units)"}, "yaxis": {"title": "Number of patients"},
        "legend": {"orientation": "h", "y": -0.3}})
    histogram.add_histogram(x=[s for s, o in zip(scores, outcomes, strict=True) if o == 0], name="without the condition",
                            opacity=0.6, marker={"color": plots.PALETTE["blue"]}, xbins={"size": 2})
    histogram.add_histogram(x=[s for s, o in zip(scores, outcomes, strict=True) if o == 1], name="with the condition",
                            opacity=0.6, marker={"color": plots.PALETTE["vermillion"], "pattern": {"shape": "/"}},
                            xbins={"size": 2})
    curve = go.FigureWidget(layout={
        "title": f"ROC curve (AUC {auc:.2f})", "height": 360, "width": 420, "showlegend": False,
        "xaxis": {"title": "1 − specificity", "range": [0, 1]},
        "yaxis": {"title": "Sensitivity", "range": [0, 1.02]}})
    curve.add_scatter(x=[p[0] for p in roc], y=[p[1] for p in roc], mode="lines", name="ROC",
                      line={"color": plots.PALETTE["grey"]})
    curve.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"dash": "dot", "color": "#767676"})
    curve.add_scatter(mode="markers", name="current cut-point",
                      marker={"symbol": "star", "size": 18, "color": plots.PALETTE["vermillion"],
                              "line": {"width": 1.5, "color": "#000000"}})
    readout = w.HTML()

    def update(_=None):
        counts = confusion_at_cutpoint(scores, outcomes, slider.value)
        sensitivity = counts["tp"] / (counts["tp"] + counts["fn"])
        specificity = counts["tn"] / (counts["tn"] + counts["fp"])
        with histogram.batch_update():
            histogram.layout.shapes = [{"type": "line", "x0": slider.value, "x1": slider.value, "y0": 0, "y1": 1,
                                        "yref": "paper", "line": {"width": 3, "dash": "dash", "color": "#000000"}}]
        with curve.batch_update():
            curve.data[2].x, curve.data[2].y = [1 - specificity], [sensitivity]
        table = (f"<table><thead><tr><th scope='col'>Test result</th><th scope='col'>With the condition</th>"
                 f"<th scope='col'>Without</th></tr></thead><tbody>"
                 f"<tr><th scope='row'>Test positive (score ≥ {slider.value:g})</th><td>{counts['tp']}</td>"
                 f"<td>{counts['fp']}</td></tr><tr><th scope='row'>Test negative</th><td>{counts['fn']}</td>"
                 f"<td>{counts['tn']}</td></tr></tbody></table>")
        readout.value = plots.caption_html(
            "Synthetic biomarker (made by the course, not patient data): score distributions of patients with "
            "(hatched) and without (solid) the condition, with the cut-point as a dashed line; right, the ROC "
            "curve with the current cut-point as a star. Moving the cut-point up trades sensitivity for specificity.",
            f"At a cut-point of {slider.value:g}: sensitivity {_percent(sensitivity)}, specificity "
            f"{_percent(specificity)}; {counts['tp']} true positives, {counts['fp']} false positives, "
            f"{counts['fn']} false negatives, {counts['tn']} true negatives. AUC {auc:.2f}.") + table

    slider.observe(update, names="value")
    update()
    view = ui.view([slider, w.HBox([histogram, curve], layout=w.Layout(flex_flow="row wrap")), readout],
                   {"cutpoint": slider}, {"scores": histogram, "roc": curve}, readout)
    view.update = update
    return view


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
