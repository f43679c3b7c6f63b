"""The static edition's display hook: inside a lesson's kernel, course widgets and plotly figures are published as
static, accessible HTML instead of live widgets (exocourse.build.static_edition writes the pages).

How widgets become static: the build runs each lesson with nbclient (store_widget_state=False) after one setup
cell that calls `install_static_display()` in the kernel. That registers IPython display hooks so that any
ipywidgets view or plotly figure the lesson shows is published as static HTML instead of a widget. The course's
views already carry what is needed: `.figures` (the FigureWidgets), `.readout` (an HTML widget holding the caption,
the text version and the table) and `.controls` (the inputs with their labels). Interactive widgets become their
text alternative (the settings shown and the readout); self-checks become the question with its options listed
(no answer is revealed: feedback stays in the interactive lesson). The lessons need no change to be built this way.
"""

from __future__ import annotations

import html
import json
import re
import uuid

STATIC_MIME = "text/html"
PLOTLY_CONFIG = {"displayModeBar": False, "responsive": True}


def install_static_display() -> None:
    """Publish ipywidgets views and plotly figures as static HTML in this kernel (the static edition's hook)."""
    import ipywidgets
    import plotly.io as pio
    from IPython import get_ipython
    from plotly.basedatatypes import BaseFigure

    shell = get_ipython()
    pio.renderers.default = "plotly_mimetype"
    hooks = shell.display_formatter.ipython_display_formatter
    for kind in (ipywidgets.Widget, BaseFigure):
        hooks.for_type(kind, _publish_static)


def _publish_static(obj) -> None:
    from IPython.display import publish_display_data

    publish_display_data({STATIC_MIME: static_html(obj), "text/plain": f"[{type(obj).__name__}: static edition]"},
                         metadata={"exocourse": {"static": True}})


def static_html(obj) -> str:
    """The static, accessible HTML for a course widget view, a self-check, or a plotly figure."""
    from plotly.basedatatypes import BaseFigure

    if isinstance(obj, BaseFigure):
        return figure_html(obj.to_plotly_json())
    if _is_self_check(obj):
        return self_check_html(obj)
    figures = getattr(obj, "figures", None) or {}
    readout = getattr(obj, "readout", None)
    controls = getattr(obj, "controls", None) or {}
    if figures or readout is not None:
        return view_html(figures, readout, controls)
    description = getattr(obj, "description", "") or ""
    return (f"<p class='exo-note'>An interactive control{': ' + html.escape(description) if description else ''} "
            "is available in the interactive lesson.</p>")


def _is_self_check(obj) -> bool:
    import ipywidgets

    children = getattr(obj, "children", ())
    return callable(getattr(obj, "check", None)) and any(isinstance(c, ipywidgets.RadioButtons) for c in children)


def self_check_html(box) -> str:
    """The question and its options, without feedback, explanations or any hint of the key."""
    import ipywidgets

    radio = next(c for c in box.children if isinstance(c, ipywidgets.RadioButtons))
    labels = [option[0] if isinstance(option, tuple) else option for option in radio.options]
    options = "".join(f"<li>{html.escape(str(label))}</li>" for label in labels)
    return ("<section class='exo-self-check'>"
            f"<p><strong>Check your understanding.</strong> {html.escape(radio.description)}</p>"
            f"<ul>{options}</ul>"
            "<p class='exo-note'>Choose your answer, then check it in the interactive lesson, which explains every "
            "option. Self-checks are never graded.</p></section>")


def _control_text(name: str, control) -> str | None:
    label = getattr(control, "description", "") or name
    value = getattr(control, "value", None)
    if isinstance(value, bool):
        return None  # tick boxes are summarised as a list of what is ticked
    if hasattr(control, "options"):
        shown = control.label
    elif isinstance(getattr(control, "valuetext", None), str):  # the course's slider: its readout, with its unit
        shown = control.valuetext
    elif isinstance(value, (int, float)) and getattr(control, "readout_format", None):
        try:
            shown = format(value, control.readout_format)
        except (TypeError, ValueError):
            shown = value
    else:
        shown = value
    return f"{html.escape(str(label))}: {html.escape(str(shown))}"


def settings_html(controls: dict) -> str:
    """What the controls were set to when the page was built (the lesson's starting example)."""
    parts = [text for name, c in controls.items() if (text := _control_text(name, c))]
    ticked = [getattr(c, "description", "") or name for name, c in controls.items()
              if isinstance(getattr(c, "value", None), bool) and c.value]
    unticked = [c for c in controls.values() if isinstance(getattr(c, "value", None), bool) and not c.value]
    html_parts = []
    if parts:
        html_parts.append("<p class='exo-settings'>Shown for: " + "; ".join(parts)
                          + ". In the interactive lesson you can change these settings.</p>")
    if ticked or unticked:
        items = "".join(f"<li>{html.escape(t)}</li>" for t in ticked) or "<li>(none)</li>"
        html_parts.append("<p class='exo-settings'>Ticked in this example (in the interactive lesson you can tick "
                          f"and untick any of {len(ticked) + len(unticked)} items):</p><ul>{items}</ul>")
    return "".join(html_parts)


def view_html(figures: dict, readout, controls: dict) -> str:
    """A course view: its settings, each figure, then the caption, text version and table from its readout."""
    plots = "".join(figure_html(fig.to_plotly_json()) for fig in figures.values())
    readout_html = readout.value if readout is not None else ""
    if figures:
        return (f"<figure class='exo-figure'>{settings_html(controls)}{plots}"
                f"<figcaption>{readout_html}</figcaption></figure>")
    return f"<section class='exo-controls'>{settings_html(controls)}{readout_html}</section>"


def figure_title(figure: dict) -> str:
    title = (figure.get("layout") or {}).get("title") or {}
    text = title.get("text") if isinstance(title, dict) else str(title)
    return re.sub(r"<[^>]+>", "", text or "").strip() or "Figure"


def figure_html(figure: dict) -> str:
    """A plotly figure drawn by the page's single copy of plotly.js. The container has role=img and a name
    (plotly.js draws an SVG without one: plotly/plotly.js#6920); the caption and table that follow describe it."""
    from plotly.io.json import to_json_plotly

    div_id = f"exo-figure-{uuid.uuid4().hex[:12]}"  # unique across the kernel and the build process
    label = f"{figure_title(figure)}. Described in the caption, text version and table below."
    payload = to_json_plotly({"data": figure.get("data", []), "layout": figure.get("layout", {})})
    payload = payload.replace("</", "<\\/")
    return (f"<div class='exo-plot' id='{div_id}' role='img' aria-label='{html.escape(label, quote=True)}'></div>"
            f"<script>(function () {{ var f = {payload}; Plotly.newPlot('{div_id}', f.data, f.layout, "
            f"{json.dumps(PLOTLY_CONFIG)}); }})();</script>")
