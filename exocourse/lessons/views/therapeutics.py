"""The therapeutics lesson's widgets: how far named programs have got, and what published success rates say about
the path to approval. The tables and numbers come from the model, exocourse.lessons.therapeutics."""

from __future__ import annotations

from exocourse.lessons.therapeutics import (
    PHASES,
    approval_as_of,
    as_published,
    expected_approvals,
    programs,
    stated_digits,
    success_rates,
)

STATUS_SYMBOLS = {"not met": "triangle-down", "stopped": "x", "paused": "x", "completed": "square",
                  "recruiting": "circle", "ongoing": "circle", "active": "circle"}


def _status_symbol(status: str) -> str:
    lowered = status.lower()
    return next((symbol for word, symbol in STATUS_SYMBOLS.items() if word in lowered), "diamond")


def trial_phase_explorer():
    """Widget: choose a product type and see how far each named program has got, with its source."""
    import ipywidgets as w

    from exocourse.lessons import plots, ui
    from exocourse.lessons.figure import Figure

    plots.register_template()
    as_of = approval_as_of()
    kinds = ["All", *sorted({row["product_type"] for row in programs()})]
    menu = ui.choice("Product type", kinds, "All", menu=True)
    figure = Figure(layout={
        "title": "How far named EV therapeutics have got", "height": 420, "width": 760, "showlegend": False,
        "xaxis": {"title": "Furthest development stage", "range": [-0.5, 4.5], "tickvals": list(range(5)),
                  "ticktext": PHASES},
        "yaxis": {"automargin": True},
        "shapes": [{"type": "line", "x0": 4, "x1": 4, "y0": 0, "y1": 1, "yref": "paper",
                    "line": {"dash": "dash", "width": 2, "color": "#000000"}}],
        "annotations": [{"x": 4, "y": 1.02, "yref": "paper", "text": f"No EV product approved (as of {as_of})",
                         "showarrow": False}]})
    figure.add_scatter(mode="markers+text", textposition="middle right",
                       marker={"size": 14, "color": plots.PALETTE["blue"], "line": {"width": 1.5, "color": "#000"}})
    readout = w.HTML()

    def update(_=None):
        rows = programs(menu.value)
        with figure.batch_update():
            figure.data[0].update(x=[row["phase_rank"] for row in rows], y=[row["name"] for row in rows],
                                  text=[row["status"] for row in rows],
                                  marker_symbol=[_status_symbol(row["status"]) for row in rows])
        table = [(row["name"], row["indication"], PHASES[row["phase_rank"]], row["status"], f"[{row['reference']}]")
                 for row in rows]
        readout.value = plots.caption_html(
            "Each marker is a named program at the furthest stage it reached (circle: ongoing; square: completed; "
            "cross: stopped or paused; triangle: primary endpoint not met). The dashed line marks approval.",
            f"{len(rows)} program(s) shown; none had reached approval as of {as_of} (sources read).",
            table, ("Program", "Indication", "Stage", "Status", "Source"))

    return ui.view([menu, figure, readout], {"product_type": menu}, {"phases": figure}, readout, update=update)


def development_path_explorer(candidates: int = 100):
    """Widget: of N candidates entering phase 1, how many would be approved at published success rates?"""
    import ipywidgets as w

    from exocourse.lessons import plots, ui
    from exocourse.lessons.figure import Figure

    plots.register_template()
    rates = success_rates()
    slider = ui.slider("Candidates entering phase 1", candidates, 10, 1000, 10, unit="candidates", width="480px")
    figure = Figure(layout={
        "title": "Expected approvals (all drugs; published averages)", "height": 380, "width": 640,
        "barmode": "group", "xaxis": {"title": "Stage"}, "yaxis": {"title": "Number of candidates"},
        "legend": {"orientation": "h", "y": -0.25}})
    for n, rate in enumerate(rates):
        figure.add_bar(name=rate["source"], texttemplate="%{text}", textposition="outside",
                       marker={"color": plots.COLOURS[n], "pattern": {"shape": plots.PATTERNS[n + 1]}})
    readout = w.HTML()

    def update(_=None):
        with figure.batch_update():
            for trace, rate in zip(figure.data, rates, strict=True):
                approved = expected_approvals(slider.value, rate["likelihood_of_approval"])
                digits = stated_digits(rate["likelihood_of_approval"])
                trace.update(x=["Enter phase 1", "Approved"], y=[slider.value, approved],
                             text=[str(slider.value), as_published(approved, digits)])
        rows = [(rate["source"], rate["period"],
                 f"{as_published(100 * rate['likelihood_of_approval'], stated_digits(rate['likelihood_of_approval']))}%",
                 as_published(expected_approvals(slider.value, rate["likelihood_of_approval"]),
                              stated_digits(rate["likelihood_of_approval"])),
                 f"[{rate['reference']}]")
                for rate in rates]
        readout.value = plots.caption_html(
            f"Of {slider.value} drug candidates entering phase 1, the expected approvals at two published average "
            "rates for all drugs (not EVs), each shown as precisely as its source gave it.",
            "; ".join(f"{r[0]}: {r[2]}, about {r[3]}" for r in rows) + ".",
            rows, ("Source", "Period", "Rate", "Approvals", "Reference"))

    return ui.view([slider, figure, readout], {"candidates": slider}, {"approvals": figure}, readout, update=update)
