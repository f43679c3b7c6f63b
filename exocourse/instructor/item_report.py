"""The item analysis report: Markdown, CSV and a self-contained HTML page with the difficulty-against-discrimination
figure, its caption and text version."""

from __future__ import annotations

import html
from pathlib import Path

from exocourse.instructor.item_sources import NO_VALID_ANSWER, NOT_READ, Item
from exocourse.instructor.item_statistics import GROUP_PERCENT, LOW_DISCRIMINATION, MEANINGFUL, TOO_EASY, TOO_HARD
from exocourse.safe_csv import escape_markdown, write_csv

COLUMNS = ["notebook", "item", "question", "points", "learners_graded", "difficulty", "discrimination",
           "upper_lower_index", "keyed_option", "option_counts", "flags"]


def _fmt(value: float | None, places: int = 2) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def _round(value: float | None, places: int = 3):
    return "" if value is None else round(value, places)


def not_meaningful(report: dict) -> str | None:
    """The plain sentence for a small cohort, or None."""
    if report["meaningful"]:
        return None
    return (f"Fewer than {MEANINGFUL} learners have been graded on every item ({report['complete']}), so these "
            "statistics are not yet meaningful: read them as counts, and do not change, drop or rescore an item "
            "on their strength.")


def cohort_sentence(report: dict) -> str:
    return (f"{report['learners']} learner(s) submitted {report['assignment']}. Graded on every item with graded "
            f"answers: {report['complete']}; these are used for discrimination and the upper-lower index (top and "
            f"bottom groups of {report['group_size']}).")


def describe(report: dict) -> tuple[str, str]:
    """(caption, text alternative) of the difficulty-against-discrimination figure."""
    caption = (f"Difficulty (proportion of points earned, across) against discrimination (item-rest correlation, "
               f"up) of each autograded item of {report['assignment']}, each point labelled with its item. Filled "
               f"circles: no flag; crosses: flagged items. The flag thresholds: dashed lines at difficulty "
               f"{TOO_HARD} and {TOO_EASY}, a dotted line at discrimination {LOW_DISCRIMINATION}. Items whose "
               "discrimination cannot be computed are not plotted; the text version lists them.")
    if not report["meaningful"]:
        caption += " " + not_meaningful(report)
    parts = []
    for row in report["items"]:
        item = row["item"]
        status = "flagged" if row["flags"] else "no flag"
        if row["discrimination"] is None:
            parts.append(f"{item.label}: difficulty {_fmt(row['difficulty'])}, discrimination not computable, not "
                         f"plotted ({status})")
        else:
            parts.append(f"{item.label}: difficulty {_fmt(row['difficulty'])}, discrimination "
                         f"{_fmt(row['discrimination'])} ({status})")
    flagged = sum(bool(row["flags"]) for row in report["items"])
    text = f"{len(report['items'])} item(s), {flagged} flagged. " + "; ".join(parts) + "."
    return caption, text


HEADERS = ("Item", "Points", "Learners graded", "Difficulty", "Discrimination (r)", "Upper-lower index", "Flags")


def _table(report: dict) -> list[tuple]:
    return [(row["item"].label, f"{row['item'].points:g}", row["graded"], _fmt(row["difficulty"]),
             _fmt(row["discrimination"]), _fmt(row["upper_lower"]), len(row["flags"]) or "none")
            for row in report["items"]]


def _option_label(option: str, item: Item) -> str:
    return f"{option} (key)" if option == item.key else option


def _option_rows(row: dict) -> list[tuple]:
    """(option, chosen by, share, top group, bottom group) rows of a multiple-choice item; a 'notebook not read'
    row only when some notebook could not be read."""
    item, options = row["item"], row["options"]
    rows = []
    for option, count in options.items():
        if option == NOT_READ and not count:
            continue
        share = f"{count / row['graded']:.0%}" if row["graded"] else "—"
        rows.append((_option_label(option, item), count, share, row["top"][option], row["bottom"][option]))
    return rows


DEFINITIONS = [
    "**Difficulty**: the proportion of the item's points earned (mean score / points); 1.00 means every learner "
    "earned them all.",
    "**Discrimination (r)**: the point-biserial correlation of the item score with the rest of the test (total "
    "autograded score minus this item), from −1 to 1; below 0.2 the item tells stronger and weaker learners apart "
    "poorly, and a negative value often means a wrong key.",
    f"**Upper-lower index**: the proportion of the points earned by the top {GROUP_PERCENT}% of learners by total "
    f"score minus that earned by the bottom {GROUP_PERCENT}%. Groups: {GROUP_PERCENT}% of the learners rounded to "
    "the nearest whole number (halves up), at least 1, after sorting by total and then learner id, so ties at a "
    "group's edge are split by learner id.",
    "**Options**: the answer each learner typed, read from the submitted notebook without running it; "
    f"\"{NO_VALID_ANSWER}\" is a blank answer or one that is not one of the letters.",
]


def report_markdown(report: dict) -> str:
    """The report for instructors and a CE reviewer, as Markdown."""
    caption, text = describe(report)
    lines = [f"# Item analysis: {report['assignment']}", "", cohort_sentence(report), ""]
    if not report["meaningful"]:
        lines += [f"> **Not yet meaningful:** {not_meaningful(report)}", ""]
    lines += ["## Flags", ""]
    for row in report["items"]:
        if row["flags"]:
            lines.append(f"- **{escape_markdown(row['item'].label)}**")
            lines += [f"  - {flag}." for flag in row["flags"]]
    if not any(row["flags"] for row in report["items"]):
        lines.append("No item is flagged.")
    lines += ["", "## Items", "", "| " + " | ".join(HEADERS) + " |", "|---|---:|---:|---:|---:|---:|---:|"]
    lines += ["| " + escape_markdown(label) + " | " + " | ".join(str(v) for v in rest) + " |"
              for label, *rest in _table(report)]
    for row in report["items"]:
        if row["options"] is None:
            continue
        item = row["item"]
        key = f"keyed answer {item.key}" if item.key else "keyed answer unknown"
        lines += ["", f"## Options of {escape_markdown(item.label)}: {key}", "",
                  f"| Option | Chosen by | Share | Top group ({report['group_size']}) | "
                  f"Bottom group ({report['group_size']}) |", "|---|---:|---:|---:|---:|"]
        lines += ["| " + " | ".join(str(v) for v in option) + " |" for option in _option_rows(row)]
    lines += ["", "## How to read it", ""] + [f"- {d}" for d in DEFINITIONS]
    lines += ["", f"**Figure (in {report['assignment']}.html).** {caption}", "", f"**Text version:** {text}"]
    return "\n".join(lines) + "\n"


def csv_rows(report: dict) -> list[dict]:
    rows = []
    for row in report["items"]:
        item = row["item"]
        counts = "; ".join(f"{_option_label(o, item)}={n}" for o, n in (row["options"] or {}).items()
                           if o != NOT_READ or n)
        rows.append({"notebook": item.notebook, "item": item.name, "question": item.question,
                     "points": item.points, "learners_graded": row["graded"],
                     "difficulty": _round(row["difficulty"]), "discrimination": _round(row["discrimination"]),
                     "upper_lower_index": _round(row["upper_lower"]),
                     "keyed_option": item.key or "", "option_counts": counts, "flags": "; ".join(row["flags"])})
    return rows


def figure(report: dict):
    """Difficulty against discrimination, one labelled point per item. Flagged items differ in shape (cross) and
    label as well as colour; the caption and text alternative are in fig.layout.meta."""
    import plotly.graph_objects as go

    from exocourse.lessons.plots import PALETTE, register_template

    register_template()
    fig = go.Figure()
    for name, flagged, symbol, colour in (("No flag", False, "circle", PALETTE["blue"]),
                                          ("Flagged", True, "x", PALETTE["vermillion"])):
        shown = [row for row in report["items"] if bool(row["flags"]) == flagged
                 and row["difficulty"] is not None and row["discrimination"] is not None]
        fig.add_trace(go.Scatter(
            x=[row["difficulty"] for row in shown], y=[row["discrimination"] for row in shown],
            text=[row["item"].name + (" (flagged)" if flagged else "") for row in shown], name=name,
            mode="markers+text", textposition="top center",
            marker={"symbol": symbol, "size": 13, "color": colour, "line": {"width": 1, "color": colour}},
            hovertemplate="%{text}: difficulty %{x:.2f}, discrimination %{y:.2f}<extra></extra>"))
    for x in (TOO_HARD, TOO_EASY):
        fig.add_vline(x=x, line={"dash": "dash", "color": PALETTE["grey"], "width": 1.5},
                      annotation_text=f"difficulty {x}", annotation_position="bottom")
    fig.add_hline(y=LOW_DISCRIMINATION, line={"dash": "dot", "color": PALETTE["grey"], "width": 1.5},
                  annotation_text=f"discrimination {LOW_DISCRIMINATION}", annotation_position="top left")
    caption, text = describe(report)
    fig.update_layout(title=f"Item analysis of {report['assignment']}: difficulty and discrimination",
                      xaxis={"title": "Difficulty (proportion of points earned)", "range": [-0.05, 1.1]},
                      yaxis={"title": "Discrimination (item-rest correlation)", "range": [-1.05, 1.1]},
                      height=520, legend={"orientation": "h", "y": -0.2},
                      meta={"caption": caption, "text_alternative": text})
    return fig


def report_html(report: dict) -> str:
    """A self-contained page (plotly.js embedded, works offline): the cohort, flags, the figure with its caption,
    text version and table, and the options of each multiple-choice item."""
    from exocourse.lessons.plots import caption_html

    caption, text = describe(report)
    title = f"Item analysis: {report['assignment']}"
    parts = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(cohort_sentence(report))}</p>"]
    if not report["meaningful"]:
        parts.append(f"<p role='note'><strong>Not yet meaningful:</strong> {html.escape(not_meaningful(report))}</p>")
    flags = [f"<li><strong>{html.escape(row['item'].label)}</strong><ul>"
             + "".join(f"<li>{html.escape(flag)}.</li>" for flag in row["flags"]) + "</ul></li>"
             for row in report["items"] if row["flags"]]
    parts.append("<h2>Flags</h2>" + (f"<ul>{''.join(flags)}</ul>" if flags else "<p>No item is flagged.</p>"))
    body = figure(report).to_html(full_html=False, include_plotlyjs=True)
    parts.append(f"<h2>Difficulty and discrimination</h2>\n<figure aria-label='{html.escape(caption, quote=True)}'>"
                 f"{body}</figure>\n{caption_html(caption, text, _table(report), HEADERS)}")
    for row in report["items"]:
        if row["options"] is None:
            continue
        item = row["item"]
        head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in
                       ("Option", "Chosen by", "Share", f"Top group ({report['group_size']})",
                        f"Bottom group ({report['group_size']})"))
        body_rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in option) + "</tr>"
                            for option in _option_rows(row))
        key = f"keyed answer {item.key}" if item.key else "keyed answer unknown"
        parts.append(f"<h2>Options of {html.escape(item.label)}: {html.escape(key)}</h2>"
                     f"<table><thead><tr>{head}</tr></thead><tbody>{body_rows}</tbody></table>")
    definitions = "".join(f"<li>{html.escape(d.replace('**', ''))}</li>" for d in DEFINITIONS)
    parts.append(f"<h2>How to read it</h2><ul>{definitions}</ul>")
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "</head><body><main>" + "\n".join(parts) + "\n</main></body></html>\n")


def write_report(report: dict, folder: Path) -> list[Path]:
    """Write <assignment>.md, .csv and .html into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = report["assignment"]
    csv_path = write_csv(folder / f"{stem}.csv", COLUMNS, csv_rows(report))
    md_path, html_path = folder / f"{stem}.md", folder / f"{stem}.html"
    md_path.write_text(report_markdown(report), encoding="utf-8")
    html_path.write_text(report_html(report), encoding="utf-8")
    return [md_path, csv_path, html_path]
