"""The course figure style: colour-blind-safe colours with at least 3:1 contrast on white, marker shapes and
dash styles as well as colour, readable fonts, and a caption plus a text alternative under every figure."""

from __future__ import annotations

import html

# Okabe–Ito hues, darkened where the original fails 3:1 against white (orange, sky blue, yellow, green).
PALETTE = {
    "blue": "#0072B2",
    "vermillion": "#C04F00",
    "green": "#007A5A",
    "purple": "#A8477F",
    "ochre": "#8F6200",
    "grey": "#505050",
}
COLOURS = list(PALETTE.values())
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
PATTERNS = ["", "/", ".", "x", "\\", "+"]
BACKGROUND = "#FFFFFF"
TEMPLATE_NAME = "exocourse"

# ipywidgets draws a description on one line and cuts a long one off ("…") or pushes its box into sideways
# scrolling, so a learner cannot read the whole question or label (WCAG 1.3.1, 1.4.10). A view whose labels can be
# long carries WRAP_CLASS, and one of its HTML widgets carries WRAP_STYLE, so that those labels wrap instead.
WRAP_CLASS = "exocourse-wrap"
WRAP_STYLE = (
    "<style>"
    ".exocourse-wrap .widget-radio > .widget-label, .exocourse-wrap .widget-radio-box label,"
    " .exocourse-wrap .widget-checkbox .widget-label-basic, .exocourse-wrap .widget-checkbox .widget-label-basic span"
    " {white-space: normal; overflow: visible; text-overflow: clip; height: auto; line-height: 1.4;}"
    " .exocourse-wrap .widget-radio > .widget-label {display: block; margin-bottom: 4px;}"
    " .exocourse-wrap .widget-radio-box label {display: flex; align-items: flex-start; margin: 2px 0;}"
    " .exocourse-wrap .widget-radio-box input {order: -1; float: none; flex: none; margin-top: 4px;}"
    " .exocourse-wrap .widget-checkbox {height: auto; min-height: var(--jp-widgets-inline-height);}"
    " .exocourse-wrap .widget-checkbox .widget-label-basic {align-items: flex-start;}"
    " .exocourse-wrap .widget-checkbox input {margin-top: 3px;}"
    "</style>")
# A labelled text box as wide as its view: width 100% plus ipywidgets' own margins overflows the view and makes it
# scroll sideways (WCAG 1.4.10), so full-width controls leave room for those margins.
FULL_WIDTH = "calc(100% - 8px)"


def contrast_ratio(colour: str, background: str = BACKGROUND) -> float:
    """WCAG 2.1 contrast ratio between two #RRGGBB colours (1 to 21)."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def register_template() -> str:
    """Register the course plotly template (idempotent) and make it the default. Returns its name."""
    import plotly.graph_objects as go
    import plotly.io as pio
    import plotly.io._renderers  # noqa: F401 — see below

    # plotly's renderers import nbformat → jsonschema, which builds its IRI grammars at import. Done here, before
    # any widget exists, that takes about 1 s in a kernel; triggered later by the first FigureWidget it took about
    # 5 s (measured on 2 cores, Nov 2026; cause not found). Importing it first keeps lesson 01 near its budget.
    if TEMPLATE_NAME not in pio.templates:
        template = go.layout.Template(pio.templates["simple_white"])
        template.layout.colorway = COLOURS
        template.layout.font = {"family": "Arial, Helvetica, sans-serif", "size": 14, "color": "#1A1A1A"}
        template.layout.paper_bgcolor = BACKGROUND
        template.layout.plot_bgcolor = BACKGROUND
        template.layout.margin = {"t": 60, "b": 60, "l": 70, "r": 30}
        # Traces cycle through these, so each series differs in shape or dash, not only in colour.
        template.data.scatter = [
            go.Scatter(marker={"symbol": s, "size": 9}, line={"dash": d, "width": 2.5})
            for s, d in zip(SYMBOLS, DASHES, strict=True)
        ]
        template.data.bar = [go.Bar(marker={"pattern": {"shape": p}}) for p in PATTERNS]
        template.data.histogram = [go.Histogram(marker={"pattern": {"shape": p}}) for p in PATTERNS]
        pio.templates[TEMPLATE_NAME] = template
    pio.templates.default = TEMPLATE_NAME
    return TEMPLATE_NAME


def caption_html(caption: str, alt_text: str, table: list[tuple] | None = None,
                 headers: tuple[str, ...] | None = None) -> str:
    """HTML for a figure's caption and its text alternative (a sentence and, optionally, a small data table in a
    collapsed "Data table" section)."""
    parts = [f"<p><strong>Figure.</strong> {html.escape(caption)}</p>",
             f"<p><strong>Text version:</strong> {html.escape(alt_text)}</p>"]
    if table:
        head = "".join(f"<th scope='col'>{html.escape(str(h))}</th>" for h in headers or ())
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in table)
        # Collapsed by default, open with a click or Enter: the numbers behind the figure, for a screen reader or
        # anyone who wants them, without lengthening what every reader sees first.
        parts.append(f"<details><summary>Data table</summary><table><thead><tr>{head}</tr></thead><tbody>{rows}"
                     "</tbody></table></details>")
    return "\n".join(parts)


def show(fig, caption: str, alt_text: str, table: list[tuple] | None = None,
         headers: tuple[str, ...] | None = None) -> None:
    """Display a static figure with its caption and text alternative (for figures without controls)."""
    from IPython.display import HTML, display

    display(fig)
    display(HTML(caption_html(caption, alt_text, table, headers)))
