"""A dated timeline of events, each with its source: choose an event to highlight it and read what happened."""

from __future__ import annotations

import html

from exocourse import data


def events(table: str) -> list[dict]:
    """The rows of a dated events table (date, event, ..., reference), oldest first."""
    return sorted(data.rows(table), key=lambda row: row["date"])


def timeline_view(table: str, title: str, detail_field: str = "what_happened"):
    """Widget: the events of `table` on a time axis; the menu highlights one and shows its details and source."""
    import ipywidgets as w
    import plotly.graph_objects as go

    from exocourse import plots

    plots.register_template()
    rows = events(table)
    labels = [f"{row['date']} — {row['event']}" for row in rows]
    menu = w.Dropdown(options=[(label, n) for n, label in enumerate(labels)], value=0, description="Event",
                      style={"description_width": "initial"}, layout=w.Layout(width="640px"))
    figure = go.FigureWidget(layout={
        "title": title, "height": 330, "width": 760, "showlegend": False,
        "xaxis": {"title": "Date", "type": "date"}, "yaxis": {"visible": False, "range": [-1, 1.6]}})
    figure.add_scatter(x=[row["date"] for row in rows], y=[0] * len(rows), mode="markers+text",
                       text=[str(n + 1) for n in range(len(rows))], textposition="top center",
                       hovertext=labels, hoverinfo="text", marker={"size": 12, "color": plots.PALETTE["blue"]})
    figure.add_scatter(mode="markers", marker={"symbol": "star", "size": 22, "color": plots.PALETTE["vermillion"],
                                               "line": {"width": 1.5, "color": "#000"}})
    readout = w.HTML()
    references = data.references()

    def source_link(ref_id: str) -> str:
        ref = references.get(ref_id)
        if not ref:
            return html.escape(f"[{ref_id}]")
        return f"<a href='{html.escape(ref['url'])}' target='_blank' rel='noopener'>{html.escape(ref['title'])}</a>"

    def update(_=None):
        row = rows[menu.value]
        with figure.batch_update():
            figure.data[1].update(x=[row["date"]], y=[0])
        detail = row.get(detail_field) or row["event"]
        table_rows = "".join(
            f"<tr><td>{n}</td><td>{html.escape(r['date'])}</td><td>{html.escape(r['event'])}</td>"
            f"<td>{source_link(r['reference'])}</td></tr>" for n, r in enumerate(rows, 1))
        readout.value = (
            f"<p><strong>{html.escape(row['date'])}: {html.escape(row['event'])}.</strong> {html.escape(detail)} "
            f"Source: {source_link(row['reference'])}.</p>"
            + plots.caption_html(f"{title}: numbered markers, oldest on the left; the star marks the chosen event.",
                                 f"{len(rows)} events from {rows[0]['date']} to {rows[-1]['date']}; the table "
                                 "lists each with its source.")
            + "<table><thead><tr><th scope='col'>#</th><th scope='col'>Date</th><th scope='col'>Event</th>"
              f"<th scope='col'>Source</th></tr></thead><tbody>{table_rows}</tbody></table>")

    menu.observe(update, names="value")
    update()
    view = w.VBox([menu, figure, readout])
    view.controls, view.figures, view.readout = {"event": menu}, {"timeline": figure}, readout
    return view
