"""The biology lesson's widgets: the separation-method explorer (synthetic NTA sizes, yield against purity) and the
MISEV characterization checklist. The numbers and verdicts come from the model, exocourse.lessons.biology."""

from __future__ import annotations

import html

from exocourse.lessons.biology import (
    SeparationOutcome,
    characterization_items,
    misev_minimal_check,
    nta_histogram,
    separation_methods,
    separation_outcome,
    verdict,
)


def _outcome_table(outcome: SeparationOutcome) -> list[tuple]:
    return [("Yield (EVs recovered)", f"{outcome.yield_percent:.0f}%"),
            ("Purity (share of counted particles that are EVs)", f"{outcome.purity_percent:.0f}%"),
            ("Most common diameter", f"{outcome.mode_nm:.0f} nm"),
            ("Particles under 200 nm", f"{outcome.small_ev_percent:.0f}%")]


def nta_explorer(method: str = "sec"):
    """Widget: choose a separation method and see the synthetic NTA size distribution, yield and purity."""
    import ipywidgets as w

    from exocourse.lessons import plots, ui
    from exocourse.lessons.figure import Figure

    plots.register_template()
    methods = separation_methods()
    menu = ui.choice("Separation method", [(m["label"], m["method"]) for m in methods], method, menu=True,
                     width="auto")
    histogram = Figure(layout={
        "title": "Synthetic NTA size distribution", "barmode": "stack", "height": 380,
        "xaxis": {"title": "Particle diameter (nm)", "range": [0, 600]},
        "yaxis": {"title": "Particles per mL (×10⁸)"},
        "legend": {"orientation": "h", "y": -0.25}})
    histogram.add_bar(name="Extracellular vesicles", marker={"color": plots.PALETTE["blue"]})
    histogram.add_bar(name="Other particles (lipoproteins, protein aggregates)",
                      marker={"color": plots.PALETTE["ochre"], "pattern": {"shape": "/"}})
    outcomes = [separation_outcome(m["method"]) for m in methods]
    tradeoff = Figure(layout={
        "title": "Yield against purity (synthetic)", "height": 380, "showlegend": False,
        "xaxis": {"title": "Yield: EVs recovered (%)", "range": [0, 105]},
        "yaxis": {"title": "Purity: EV share of particles (%)", "range": [0, 105]}})
    tradeoff.add_scatter(x=[o.yield_percent for o in outcomes], y=[o.purity_percent for o in outcomes],
                         text=[o.label for o in outcomes], mode="markers+text", textposition="top center",
                         marker={"size": 10, "color": plots.PALETTE["grey"], "symbol": "circle"}, name="methods")
    tradeoff.add_scatter(mode="markers", name="chosen method",
                         marker={"size": 20, "symbol": "star", "color": plots.PALETTE["vermillion"],
                                 "line": {"width": 2, "color": "#000000"}})
    readout = w.HTML()

    def update(_=None):
        bins = nta_histogram(menu.value)
        outcome = separation_outcome(menu.value)
        centres = [(b["bin_start_nm"] + b["bin_end_nm"]) / 2 for b in bins]
        with histogram.batch_update():
            histogram.data[0].update(x=centres, y=[b["ev_per_ml"] / 1e8 for b in bins])
            histogram.data[1].update(x=centres, y=[b["other_per_ml"] / 1e8 for b in bins])
            histogram.layout.title.text = f"Synthetic NTA size distribution after {outcome.label}"
        with tradeoff.batch_update():
            tradeoff.data[1].update(x=[outcome.yield_percent], y=[outcome.purity_percent])
        readout.value = plots.caption_html(
            f"Synthetic NTA sizes after {outcome.label}: blue bars EVs, ochre hatched bars other particles; the "
            "star marks the method on the yield–purity plot.",
            f"{outcome.yield_percent:.0f}% of EVs recovered; {outcome.purity_percent:.0f}% of counted particles "
            "are EVs.",
            _outcome_table(outcome), ("Measure", "Value"))

    return ui.view([menu, w.HBox([histogram, tradeoff], layout=w.Layout(flex_flow="row wrap")), readout],
                   {"method": menu}, {"histogram": histogram, "tradeoff": tradeoff}, readout, update=update)


def marker_panel_builder(preset: list[str] | None = None):
    """Widget: tick what a characterization report contains and see which MISEV requirements it meets."""
    import ipywidgets as w

    group_titles = {
        "source": "Starting material",
        "quantification": "Quantification",
        "transmembrane": "Transmembrane EV proteins",
        "cytosolic": "Cytosolic EV proteins",
        "contaminant": "Expected contaminants (purity check)",
        "single_ev_image": "Single-vesicle images",
        "single_ev_analysis": "Single-particle analysis",
    }
    from exocourse.lessons import ui

    preset = set(preset or [])
    boxes: dict[str, w.Checkbox] = {}
    columns = []
    for group, title in group_titles.items():
        members = [row for row in characterization_items() if row["group"] == group]
        for row in members:
            boxes[row["item"]] = w.Checkbox(value=row["item"] in preset, description=row["label"], indent=False,
                                            layout=w.Layout(width="auto"))
        # WRAP_STYLE (once, in the first heading) lets long tick-box labels wrap instead of being cut off.
        style = ui.WRAP_STYLE if not columns else ""
        columns.append(w.VBox([w.HTML(f"{style}<strong>{html.escape(title)}</strong>")]
                              + [boxes[row["item"]] for row in members],
                              layout=w.Layout(width="250px", margin="0 16px 8px 0")))
    report = w.HTML()

    def update(_=None):
        reported = [item for item, box in boxes.items() if box.value]
        requirements = misev_minimal_check(reported)
        missing = sum(not r.met for r in requirements)
        # A short headline: the list below already names each missing item, so the long verdict is not repeated.
        headline = verdict(requirements) if not missing else (
            f"Does not yet meet the checklist: {missing} of {len(requirements)} items missing.")
        lines = "".join(f"<li>{'✔ Met' if r.met else '✘ Missing'}: {html.escape(r.name)}</li>" for r in requirements)
        # The tick count changes with every tick, so the reader sees each choice register even when it does not
        # change whether a requirement is met (a second marker of a kind already ticked).
        report.value = (f"<p><strong>{html.escape(headline)}</strong> ({len(reported)} of {len(boxes)} items "
                        f"ticked.)</p><ul>{lines}</ul>")

    return ui.view([w.HBox(columns, layout=w.Layout(flex_flow="row wrap")), report], boxes, readout=report, wrap=True,
                   update=update)
