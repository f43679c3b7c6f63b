"""The diagnostics lesson's widgets: the predictive-value explorer (prevalence, sensitivity, specificity → PPV, NPV
and a picture of 1,000 patients) and the cut-point explorer on the synthetic biomarker (2×2 table, ROC curve). The
numbers come from the model, exocourse.lessons.diagnostics."""

from __future__ import annotations

import math

from exocourse.errors import InputError
from exocourse.lessons.diagnostics import (
    area_under_curve,
    biomarker_data,
    confusion_at_cutpoint,
    likelihood_ratios,
    natural_frequencies,
    predictive_values,
    roc_points,
)

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

    from exocourse.lessons import plots, ui
    from exocourse.lessons.figure import Figure

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
    figure = Figure(layout={
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

    return ui.view([w.VBox(list(sliders.values())), figure, readout], sliders, {"patients": figure}, readout,
                   update=update)


def cutpoint_explorer(cutpoint: float | None = None):
    """Widget: move the cut-point on the synthetic biomarker and see the 2×2 table, the trade-off and the ROC."""
    import ipywidgets as w

    from exocourse.lessons import plots, ui
    from exocourse.lessons.figure import Figure

    plots.register_template()
    scores, outcomes = biomarker_data()
    low, high = math.floor(min(scores)), math.ceil(max(scores))
    slider = ui.slider("Cut-point (score)", cutpoint if cutpoint is not None else round((low + high) / 2, 1), low,
                       high, 0.5, width="480px")
    roc = roc_points(scores, outcomes)
    auc = area_under_curve(scores, outcomes)
    histogram = Figure(layout={
        "title": "Synthetic biomarker scores", "barmode": "overlay", "height": 360, "width": 520,
        "xaxis": {"title": "Biomarker score (synthetic units)"}, "yaxis": {"title": "Number of patients"},
        "legend": {"orientation": "h", "y": -0.3}})
    histogram.add_histogram(x=[s for s, o in zip(scores, outcomes, strict=True) if o == 0], name="without the condition",
                            opacity=0.6, marker={"color": plots.PALETTE["blue"]}, xbins={"size": 2})
    histogram.add_histogram(x=[s for s, o in zip(scores, outcomes, strict=True) if o == 1], name="with the condition",
                            opacity=0.6, marker={"color": plots.PALETTE["vermillion"], "pattern": {"shape": "/"}},
                            xbins={"size": 2})
    curve = Figure(layout={
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

    return ui.view([slider, w.HBox([histogram, curve], layout=w.Layout(flex_flow="row wrap")), readout],
                   {"cutpoint": slider}, {"scores": histogram, "roc": curve}, readout, update=update)
