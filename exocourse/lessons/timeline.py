"""A dated timeline of events, each with its source: choose an event to highlight it and read what happened.

On first display each event appears once: in the menu as a short label (its number, date and a few words), and
the chosen event in full under the menu. The full list, with what happened and the source of every event, sits in a
collapsed section ("All events as a table", an HTML <details> element: opened with the keyboard and read by
screen readers like any other text), so it is there for whoever wants it without being printed a second time.
"""

from __future__ import annotations

import html
import re

from exocourse import data

LABEL_WORDS = 6  # words of an event kept in its menu label after the date
TABLE_SUMMARY = "All events as a table"
_DANGLING = {"a", "an", "the", "of", "on", "to", "for", "and", "after", "by", "in", "with", "its", "at", "from"}


def events(table: str) -> list[dict]:
    """The rows of a dated events table (date, event, ..., reference), oldest first."""
    return sorted(data.rows(table), key=lambda row: row["date"])


def short_label(row: dict, words: int = LABEL_WORDS) -> str:
    """The menu label of an event: its date and the first few words of the event, up to a bracket or semicolon
    (e.g. "2018-09-28 — Liveyon voluntary recall")."""
    text = re.split(r"\s\(|;", row["event"], maxsplit=1)[0].strip()
    kept = text.split()
    short = kept[:words]
    while len(short) < len(kept) and len(short) > 1 and short[-1].lower() in _DANGLING:
        short.pop()  # "report of the…" reads badly: end on a word that carries meaning
    text = " ".join(short).rstrip(",:;.—-") + ("…" if len(short) < len(kept) else "")
    if text.count('"') % 2:
        text += '"'  # a quotation cut short is closed
    return f"{row['date']} — {text}"


def _source_link(ref_id: str, references: dict) -> str:
    ref = references.get(ref_id)
    if not ref:
        return html.escape(f"[{ref_id}]")
    return f"<a href='{html.escape(ref['url'])}' target='_blank' rel='noopener'>{html.escape(ref['title'])}</a>"


def event_html(row: dict, references: dict, detail_field: str = "what_happened") -> str:
    """The chosen event in full: date, event, what happened (when the table has more than the event) and source."""
    event = row["event"].strip().rstrip(".")
    detail = (row.get(detail_field) or "").strip()
    more = f" {html.escape(detail)}" if detail and detail.rstrip(".") != event else ""
    return (f"<p><strong>{html.escape(row['date'])}: {html.escape(event)}.</strong>{more} "
            f"Source: {_source_link(row.get('reference', ''), references)}.</p>")


def events_table_html(rows: list[dict], references: dict, detail_field: str = "what_happened") -> str:
    """Every event as a table (number, date, event, what happened, source) inside a collapsed <details> section."""
    details = any((row.get(detail_field) or "").strip().rstrip(".") != row["event"].strip().rstrip(".")
                  and row.get(detail_field) for row in rows)
    head = ["#", "Date", "Event", *(["What happened"] if details else []), "Source"]
    body = "".join(
        f"<tr><td>{n}</td><td>{html.escape(r['date'])}</td><td>{html.escape(r['event'])}</td>"
        + (f"<td>{html.escape(r.get(detail_field) or '')}</td>" if details else "")
        + f"<td>{_source_link(r.get('reference', ''), references)}</td></tr>" for n, r in enumerate(rows, 1))
    header = "".join(f"<th scope='col'>{h}</th>" for h in head)
    return (f"<details><summary>{TABLE_SUMMARY} ({len(rows)} events, each with its source)</summary>"
            f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table></details>")


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
    import plotly.graph_objects as go

    from exocourse.lessons import plots, ui

    plots.register_template()
    rows = events(table)
    labels = [f"{n}. {short_label(row)}" for n, row in enumerate(rows, 1)]
    menu = ui.choice("Event", [(label, n) for n, label in enumerate(labels)], 0, menu=True, width="640px")
    figure = go.FigureWidget(layout={
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

    menu.observe(update, names="value")
    update()
    return ui.view([menu, chosen, figure, caption, full_table], {"event": menu}, {"timeline": figure},
                   _Readout(chosen, caption, full_table))
