"""Build the accessible static edition: every lesson executed and written as one standalone HTML page.

For learners who use a screen reader, cannot run JupyterLab, or want to read or print a lesson. Each page works
offline: plotly.js is embedded once per page from the installed plotly package (no CDN), every figure is drawn
with a text name and followed by its caption, text version and data table, interactive widgets are replaced by
their text alternative (the settings shown and the readout), and self-checks become the question with its options
listed (no answer is revealed: feedback stays in the interactive lesson).

    python -m exocourse.build.static_edition build/static        (or: make static-edition)

How widgets become static: the build runs each lesson with nbclient (store_widget_state=False) after one setup
cell that calls `install_static_display()` in the kernel. That registers IPython display hooks so that any
ipywidgets view or plotly figure the lesson shows is published as static HTML instead of a widget. The course's
views already carry what is needed: `.figures` (the FigureWidgets), `.readout` (an HTML widget holding the caption,
the text version and the table) and `.controls` (the inputs with their labels). The setup cell is dropped from the
page. The lessons and the package need no change to be built this way.
"""

from __future__ import annotations

import html
import json
import re
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from exocourse.paths import course_root

SETUP_CELL = "from exocourse.build.static_edition import install_static_display\ninstall_static_display()"
STATIC_MIME = "text/html"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_CONFIG = {"displayModeBar": False, "responsive": True}

CSS = """
:root { color-scheme: light; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 1.05rem; line-height: 1.55; color: #1A1A1A;
       background: #FFFFFF; margin: 0; }
.skip-link { position: absolute; left: -10000px; top: 0; }
.skip-link:focus { left: 1rem; top: 1rem; background: #FFFFFF; padding: 0.5rem; outline: 3px solid #0072B2; }
header, main, footer { max-width: 56rem; margin: 0 auto; padding: 0 1.25rem; }
header { border-bottom: 1px solid #505050; padding-bottom: 0.5rem; }
header p { margin: 0.75rem 0 0.25rem; }
nav ul { list-style: none; padding: 0; margin: 0.25rem 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; }
a { color: #005A8C; }
main, footer { overflow-wrap: anywhere; }  /* long reference URLs wrap instead of widening the page */
a:focus, a:hover { outline: 3px solid #0072B2; outline-offset: 2px; }
main { padding-bottom: 2rem; }
footer { border-top: 1px solid #505050; font-size: 0.95rem; padding-bottom: 2rem; }
table { border-collapse: collapse; margin: 0.75rem 0; }
th, td { border: 1px solid #767676; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #F2F2F2; }
blockquote { border-left: 4px solid #505050; margin: 1rem 0; padding: 0.25rem 1rem; background: #F7F7F7; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.95em; }
pre { white-space: pre-wrap; background: #F7F7F7; padding: 0.5rem; }
figure.exo-figure { margin: 1.5rem 0; padding: 0.75rem; border: 1px solid #767676; }
.exo-plot { width: 100%; min-height: 380px; }
figcaption { margin-top: 0.5rem; }
.exo-settings { font-style: italic; }
section.exo-self-check, section.exo-controls { margin: 1.5rem 0; padding: 0.75rem 1rem; border: 1px solid #767676; }
section.exo-self-check ul { list-style: none; padding-left: 0.5rem; }
.exo-note { font-size: 0.95rem; }
@media print { .skip-link, nav { display: none; } figure.exo-figure { break-inside: avoid; } }
"""


# ------------------------------------------------------------------------------- inside the lesson kernel ---
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


# ----------------------------------------------------------------------------------------------- the build ---
def lesson_files(root: Path) -> list[Path]:
    """The lessons in order, then the glossary page."""
    glossary = root / "lessons" / "glossary.ipynb"
    return sorted((root / "lessons").glob("[0-9][0-9]_*.ipynb")) + ([glossary] if glossary.exists() else [])


def execute_lesson(path: Path, root: Path, timeout: int = 120):
    """Run a lesson with the static display hook installed; returns the executed notebook without the hook."""
    import os

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SETUP_CELL))
    env = {**os.environ, "EXOCOURSE_ROOT": str(root)}  # the kernel reads the course files from `root`
    for attempt in (1, 2):
        try:
            NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                           resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
            break
        except RuntimeError as problem:  # jupyter_client picks free TCP ports, then binds: another kernel may win
            if attempt == 2 or "Kernel died before replying" not in str(problem):
                raise
    nb.cells.pop(0)
    return nb


def markdown_html(source: str) -> str:
    """Markdown as plain semantic HTML (headings, lists, tables, links); raw HTML in the lesson is kept."""
    import mistune

    render = mistune.create_markdown(escape=False, plugins=["table", "strikethrough", "url"])
    return render(source)


def output_html(output: dict) -> str:
    kind = output.get("output_type")
    if kind == "error":
        raise RuntimeError(f"{output.get('ename')}: {output.get('evalue')}")
    if kind == "stream":
        return f"<pre>{html.escape(''.join(output.get('text', '')))}</pre>" if output.get("name") == "stdout" else ""
    data = output.get("data", {})
    if STATIC_MIME in data:
        return "".join(data[STATIC_MIME]) if isinstance(data[STATIC_MIME], list) else data[STATIC_MIME]
    if PLOTLY_MIME in data:
        return figure_html(data[PLOTLY_MIME])
    if "text/markdown" in data:
        return markdown_html("".join(data["text/markdown"]))
    if "image/png" in data:
        alt = output.get("metadata", {}).get("alt", "Figure: described in the caption below.")
        return f"<img src='data:image/png;base64,{data['image/png']}' alt='{html.escape(alt, quote=True)}'>"
    if "application/vnd.jupyter.widget-view+json" in data:
        raise RuntimeError("a widget was displayed without the static display hook")
    if "text/plain" in data:
        return f"<pre>{html.escape(''.join(data['text/plain']))}</pre>"
    return ""


def lesson_title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                return match.group(1).strip()
    return "Lesson"


def page_html(title: str, body: str, course_title: str, nav: list[tuple[str, str]], current: str,
              source: str, with_plotly: bool) -> str:
    plotly_js = ""
    if with_plotly:
        from plotly.offline import get_plotlyjs

        plotly_js = f"<script id='plotly-js'>{get_plotlyjs()}</script>"
    current_mark = " aria-current='page'"
    links = "".join(f"<li><a href='{html.escape(href)}'{current_mark if href == current else ''}>"
                    f"{html.escape(text)}</a></li>" for href, text in nav)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} — {html.escape(course_title)}</title>
<style>{CSS}</style>
{plotly_js}
</head>
<body>
<a class="skip-link" href="#content">Skip to the lesson</a>
<header>
<p><strong>{html.escape(course_title)}</strong> · accessible static edition</p>
<nav aria-label="Lessons"><ul>{links}</ul></nav>
</header>
<main id="content">
{body}
</main>
<footer>
<p>Static edition of <code>{html.escape(source)}</code>. The interactive version runs in JupyterLab, where the
figures respond to their controls and the self-checks give feedback. Course text CC BY 4.0.</p>
</footer>
</body>
</html>
"""


def build(target: Path, root: Path | None = None) -> list[Path]:
    """Execute every lesson and write <target>/<lesson>.html and <target>/index.html. Returns the pages."""
    from exocourse import manifest

    root = Path(root or course_root())
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    course_title = manifest.read_manifest(root)["title"]
    lessons = lesson_files(root)
    with ThreadPoolExecutor(max_workers=2) as pool:  # two kernels at a time: 2 cores
        executed = list(zip(lessons, pool.map(lambda p: execute_lesson(p, root), lessons), strict=True))
    nav = [("index.html", "All lessons")] + [(f"{p.stem}.html", lesson_title(nb)) for p, nb in executed]
    pages = []
    for path, nb in executed:
        parts = []
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                parts.append(markdown_html(cell.source))
            elif cell.cell_type == "code":
                parts.extend(output_html(o) for o in cell.get("outputs", []))
        body = "\n".join(p for p in parts if p)
        page = target / f"{path.stem}.html"
        page.write_text(page_html(lesson_title(nb), body, course_title, nav, page.name,
                                  f"lessons/{path.name}", with_plotly="Plotly.newPlot(" in body),
                        encoding="utf-8")
        pages.append(page)
    index_body = ("<h1>Lessons</h1><p>Each lesson as one accessible page: figures with captions, text versions "
                  "and tables; self-checks as questions to try in the interactive lesson.</p><ol>"
                  + "".join(f"<li><a href='{href}'>{html.escape(text)}</a></li>" for href, text in nav[1:])
                  + "</ol>")
    index = target / "index.html"
    index.write_text(page_html("Accessible static edition", index_body, course_title, nav, "index.html",
                               "lessons/", with_plotly=False), encoding="utf-8")
    return [index, *pages]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else course_root() / "build" / "static"
    for page in build(target):
        print(page)
    return 0


if __name__ == "__main__":
    from exocourse import cli

    raise SystemExit(cli.run(main, sys.argv[1:]))
