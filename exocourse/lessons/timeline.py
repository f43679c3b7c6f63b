"""A dated timeline of events, each with its source: the events of a table, oldest first, each event's short
menu label, and the HTML of one event in full and of every event as a collapsed table. The widget that shows them
is in views/timeline.py.
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
