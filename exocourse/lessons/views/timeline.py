"""The timeline widget: a dated table's events on a time axis; choose an event to highlight it and read it.

On first display each event appears once: in the menu as a short label (its number, date and a few words), and
the chosen event in full under the menu. The full list, with what happened and the source of every event, sits in a
collapsed section ("All events as a table", an HTML <details> element: opened with the keyboard and read by
screen readers like any other text), so it is there for whoever wants it without being printed a second time.
The labels and the HTML come from the model, exocourse.lessons.timeline.
"""

from __future__ import annotations

from exocourse import data
from exocourse.lessons.timeline import TABLE_SUMMARY, event_html, events, events_table_html, short_label


class _Readout:
    """Everything the view says in text, as one HTML string (`.value`): the chosen event, the figure's caption
    and text version, and the collapsed table. The static edition and the tests read it; on screen the parts are
    separate widgets, so that choosing an event rewrites only the event and leaves the table open or closed."""

    def __init__(self, *parts):
        self.parts = parts

    @property
    def value(self) -> str:
        return "".join(part.value for part in self.parts)


def timeline_view(table: str, title: str, detail_field: str = "what_happened"):
    """Widget: the events of `table` on a time axis; the menu highlights one and shows its details and source."""
    import ipywidgets as w

    from exocourse.lessons import plots, ui
    from exocourse.lessons.figure import Figure

    plots.register_template()
    rows = events(table)
    labels = [f"{n}. {short_label(row)}" for n, row in enumerate(rows, 1)]
    menu = ui.choice("Event", [(label, n) for n, label in enumerate(labels)], 0, menu=True, width="640px")
    figure = Figure(layout={
        "title": title, "height": 330, "width": 760, "showlegend": False,
        "xaxis": {"title": "Date", "type": "date"}, "yaxis": {"visible": False, "range": [-1, 1.6]}})
    figure.add_scatter(x=[row["date"] for row in rows], y=[0] * len(rows), mode="markers+text",
                       text=[str(n + 1) for n in range(len(rows))], textposition="top center",
                       hovertext=labels, hoverinfo="text", marker={"size": 12, "color": plots.PALETTE["blue"]})
    figure.add_scatter(mode="markers", marker={"symbol": "star", "size": 22, "color": plots.PALETTE["vermillion"],
                                               "line": {"width": 1.5, "color": "#000"}})
    references = data.references()
    chosen = w.HTML()
    caption = w.HTML(plots.caption_html(
        f"{title}: numbered markers, oldest on the left; the star marks the chosen event.",
        f"{len(rows)} events from {rows[0]['date']} to {rows[-1]['date']}, numbered as in the menu; the section "
        f"“{TABLE_SUMMARY}” below lists each with its source."))
    full_table = w.HTML(events_table_html(rows, references, detail_field))

    def update(_=None):
        row = rows[menu.value]
        with figure.batch_update():
            figure.data[1].update(x=[row["date"]], y=[0])
        chosen.value = event_html(row, references, detail_field)

    return ui.view([menu, chosen, figure, caption, full_table], {"event": menu}, {"timeline": figure},
                   _Readout(chosen, caption, full_table), update=update)
