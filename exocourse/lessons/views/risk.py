"""The risk lesson's widgets: zero reported harms, sterility testing, and the likelihood × severity matrix. The
numbers come from the model, exocourse.lessons.risk."""

from __future__ import annotations

from exocourse.lessons.risk import (
    exact_upper_bound,
    patients_needed,
    probability_lot_passes,
    risks,
    rule_of_three,
    units_to_detect,
)


def zero_events_explorer(n: int = 300):
    """Widget: patients followed with no reported harm → the upper bound on the true rate (rule of three, exact)."""
    import ipywidgets as w

    from exocourse.lessons import plots, ui
    from exocourse.lessons.figure import Figure

    plots.register_template()
    slider = ui.slider("Patients followed, no events", n, 10, 10000, 10, unit="patients", width="520px")
    target = ui.labelled(w.BoundedIntText, "Risk to rule out: 1 in", value=1000, min=2, max=1_000_000,
                         layout=w.Layout(width="260px"))
    grid = [10, 20, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000, 10000]
    figure = Figure(layout={
        "title": "Upper 95% bound on the true event rate after zero events", "height": 380, "width": 640,
        "xaxis": {"title": "Patients followed with no events", "type": "log"},
        "yaxis": {"title": "Upper bound on the rate (per patient)", "type": "log"}})
    figure.add_scatter(x=grid, y=[rule_of_three(m) for m in grid], name="rule of three (3/n)", mode="lines+markers")
    figure.add_scatter(x=grid, y=[exact_upper_bound(m) for m in grid], name="exact binomial", mode="lines+markers")
    figure.add_scatter(mode="markers", name="your n", marker={"symbol": "star", "size": 18,
                                                               "color": plots.PALETTE["vermillion"]})
    readout = w.HTML()

    def update(_=None):
        bound = exact_upper_bound(slider.value)
        needed = patients_needed(1 / target.value)
        with figure.batch_update():
            figure.data[2].update(x=[slider.value], y=[bound])
        readout.value = plots.caption_html(
            "Upper 95% bound after zero events (rule of three and exact); the star is your number of patients.",
            f"After {slider.value:,} patients without events, the true rate could be as high as 1 in {1 / bound:,.0f} "
            f"(rule of three: {rule_of_three(slider.value):.4f}). To rule out 1 in {target.value:,} you would need "
            f"to follow {needed:,} patients with no events.",
            [("Patients followed", f"{slider.value:,}"), ("Exact upper bound", f"{bound:.4f}"),
             ("Rule of three", f"{rule_of_three(slider.value):.4f}"),
             (f"Patients needed for 1 in {target.value:,}", f"{needed:,}")], ("Measure", "Value"))

    return ui.view([slider, target, figure, readout], {"patients": slider, "risk_one_in": target}, {"bound": figure},
                   readout, update=update)


def sterility_explorer(contamination: float = 0.01, units: int = 20):
    """Widget: contaminated fraction and units tested per lot → the chance a contaminated lot passes."""
    import ipywidgets as w

    from exocourse.lessons import plots, ui
    from exocourse.lessons.figure import Figure

    plots.register_template()
    fraction = ui.slider("Contaminated fraction of units", contamination, -4, -0.3, 0.05, base=10,
                         readout_format=".4f", width="520px")
    tested = ui.slider("Units tested per lot", units, 1, 200, unit="units", width="520px")
    ks = list(range(1, 201))
    figure = Figure(layout={
        "title": "Chance that a contaminated lot passes sterility testing", "height": 380, "width": 640,
        "xaxis": {"title": "Units tested per lot"}, "yaxis": {"title": "Probability the lot passes", "range": [0, 1.02]}})
    figure.add_scatter(x=ks, mode="lines", name="probability of passing")
    figure.add_scatter(mode="markers", name="your plan", marker={"symbol": "star", "size": 18,
                                                                  "color": plots.PALETTE["vermillion"]})
    readout = w.HTML()

    def update(_=None):
        p, k = fraction.value, tested.value
        passes = probability_lot_passes(p, k)
        with figure.batch_update():
            figure.data[0].y = [probability_lot_passes(p, m) for m in ks]
            figure.data[1].update(x=[k], y=[passes])
        readout.value = plots.caption_html(
            "Chance that a partly contaminated lot passes random testing (best case); the star is your plan.",
            f"{100 * p:.2f}% of units contaminated, {k} tested: the lot passes with probability {passes:.2f}; "
            f"a pass does not show the lot is sterile. A 95% chance of detection needs {units_to_detect(p):,} units.",
            [("Contaminated fraction", f"{p:.4f}"), ("Units tested", k), ("Probability the lot passes", f"{passes:.3f}"),
             ("Units for a 95% chance of detection", f"{units_to_detect(p):,}")], ("Measure", "Value"))

    return ui.view([fraction, tested, figure, readout], {"contamination": fraction, "units": tested},
                   {"passes": figure}, readout, update=update)


def risk_matrix():
    """Widget: place each risk by likelihood and severity, then compare with the evidence behind it."""
    import html

    import ipywidgets as w

    from exocourse.lessons import plots, ui
    from exocourse.lessons.figure import Figure

    plots.register_template()
    table = {row["risk"]: row for row in risks()}
    menu = ui.choice("Risk", list(table), menu=True, width="520px")
    likelihood = ui.slider("Your likelihood (1–5)", 3, 1, 5)
    severity = ui.slider("Your severity (1–5)", 3, 1, 5)
    place = ui.button("Place and compare", "Place this risk on the matrix and see the evidence")
    placed: dict[str, tuple[int, int]] = {}
    figure = Figure(layout={
        "title": "Likelihood × severity", "height": 460, "width": 560, "showlegend": True,
        "margin": {"l": 80, "r": 20, "t": 60, "b": 130},  # room for the x-axis title and the legend below it
        "xaxis": {"title": "Likelihood (1 rare – 5 frequent)", "range": [0.5, 5.5], "dtick": 1},
        "yaxis": {"title": "Severity (1 minor – 5 catastrophic)", "range": [0.5, 5.5], "dtick": 1},
        "legend": {"orientation": "h", "y": -0.32}})
    # The sliders' current setting is drawn at once, so the matrix is never an empty plot and the sliders visibly
    # move something before the first placement.
    figure.add_scatter(mode="markers", name="current setting (not placed yet)", x=[likelihood.value],
                       y=[severity.value], marker={"symbol": "diamond-open", "size": 16, "line": {"width": 2},
                                                   "color": plots.PALETTE["grey"]})
    figure.add_scatter(mode="markers+text", name="your placement", textposition="top center",
                       marker={"symbol": "circle", "size": 14, "color": plots.PALETTE["blue"]})
    figure.add_scatter(mode="markers", name="course placement",
                       marker={"symbol": "x", "size": 14, "color": plots.PALETTE["vermillion"]})
    readout = w.HTML()
    caption = "Diamond: your setting; numbered circles: your placements; crosses: the course's placements."
    headers = ("#", "Risk", "Yours (likelihood×severity)", "Course", "Evidence level")

    def describe(first: str) -> None:
        rows = [(n, r, f"{placed[r][0]}×{placed[r][1]}", f"{table[r]['likelihood']}×{table[r]['severity']}",
                 table[r]["evidence_level"]) for n, r in enumerate(placed, 1)]
        summary = (f"Current setting: likelihood {likelihood.value}, severity {severity.value}. "
                   f"You placed {len(placed)} risk(s).")
        rows = rows or [("—", "No risk placed yet", f"{likelihood.value}×{severity.value} (current setting)", "—", "—")]
        readout.value = first + plots.caption_html(caption, summary, rows, headers)

    def on_slide(_=None):
        figure.data[0].update(x=[likelihood.value], y=[severity.value])
        describe("")

    def on_place(_=None):
        row = table[menu.value]
        placed[menu.value] = (likelihood.value, severity.value)
        with figure.batch_update():
            figure.data[1].update(x=[v[0] for v in placed.values()], y=[v[1] for v in placed.values()],
                                  text=[f"{n}" for n in range(1, len(placed) + 1)])
            figure.data[2].update(x=[table[r]["likelihood"] for r in placed], y=[table[r]["severity"] for r in placed])
        describe(f"<p><strong>{html.escape(row['risk'])}</strong> — evidence level: "
                 f"{html.escape(row['evidence_level'])}. {html.escape(row['evidence'])} "
                 f"[{html.escape(row['reference'])}]</p>")

    for slider in (likelihood, severity):
        slider.observe(on_slide, names="value")
    on_slide()
    place.on_click(on_place)
    view = ui.view([menu, w.HBox([likelihood, severity]), place, figure, readout],
                   {"risk": menu, "likelihood": likelihood, "severity": severity}, {"matrix": figure}, readout)
    view.place = on_place
    return view
