"""Build the accessible static edition: every lesson executed and written as one standalone HTML page.

For learners who use a screen reader, cannot run JupyterLab, or want to read or print a lesson. Each page works
offline: plotly.js is embedded once per page from the installed plotly package (no CDN), every figure is drawn
with a text name and followed by its caption, text version and data table, interactive widgets are replaced by
their text alternative (the settings shown and the readout), and self-checks become the question with its options
listed (no answer is revealed: feedback stays in the interactive lesson).

    python -m exocourse.build.static_edition build/static        (or: make static-edition)

Each lesson runs with nbclient after one setup cell that installs the display hook of
exocourse.build.static_capture in the kernel (how widgets become static HTML is described there); the setup
cell is dropped from the page, and this module writes the pages and the index.
"""

from __future__ import annotations

import html
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from exocourse.build.static_capture import STATIC_MIME, figure_html
from exocourse.paths import course_root

SETUP_CELL = "from exocourse.build.static_capture import install_static_display\ninstall_static_display()"
PLOTLY_MIME = "application/vnd.plotly.v1+json"

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
