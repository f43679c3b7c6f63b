"""Authoring rules a lesson or the helper package must follow so that every learner can use it (WCAG 2.1 AA):

- every image has alt text (a markdown image `![alt](src)` with non-empty alt, an HTML <img> with an alt attribute);
- no markdown task list (`- [ ]`): JupyterLab draws it as a tick box without a label (axe: `label`, critical);
- every plotly figure built in a lesson is shown through the course's caption helper (exocourse.lessons.plots.show or
  caption_html), which adds a caption and a text version;
- every ipywidgets control has a visible text label (`description=`), in lesson code and in exocourse/*.py.

These read the sources only (no kernel, no browser), so they run in milliseconds.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, lesson_files

# ipywidgets controls a learner operates; each needs a text label. Containers, HTML, Label and Output do not.
CONTROLS = {
    "IntSlider", "FloatSlider", "FloatLogSlider", "IntRangeSlider", "FloatRangeSlider", "SelectionSlider",
    "SelectionRangeSlider", "Dropdown", "RadioButtons", "Select", "SelectMultiple", "ToggleButton", "ToggleButtons",
    "Checkbox", "Text", "Textarea", "Password", "Combobox", "IntText", "FloatText", "BoundedIntText",
    "BoundedFloatText", "ColorPicker", "DatePicker", "TimePicker", "DatetimePicker", "NaiveDatetimePicker",
    "Button", "Play", "FileUpload", "TagsInput", "ColorsInput", "FloatsInput", "IntsInput",
}
FIGURE_BUILDERS = re.compile(r"\b(go\.Figure|go\.FigureWidget|graph_objects\.Figure|graph_objects\.FigureWidget|"
                             r"px\.[a-z_]+|plotly\.express\.[a-z_]+|make_subplots)\s*\(")
CAPTION_HELPERS = re.compile(r"\bplots\.show\s*\(|(?<![\w.])show\s*\(|\bcaption_html\s*\(")  # not fig.show()
MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)]*)\)")
TASK_LIST = re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s", re.M)


# --------------------------------------------------------------------------------------------- the checks ---
class _ImageFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.missing_alt: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img" and "alt" not in dict(attrs):
            self.missing_alt.append(self.get_starttag_text() or "<img>")

    handle_startendtag = handle_starttag


def markdown_problems(source: str) -> list[str]:
    problems = [f"image without alt text: {m.group(0)[:80]}" for m in MARKDOWN_IMAGE.finditer(source)
                if not m.group("alt").strip()]
    finder = _ImageFinder()
    finder.feed(source)
    problems += [f"<img> without alt attribute: {tag[:80]}" for tag in finder.missing_alt]
    problems += [f"task-list tick box without a label: {m.group(0).strip()}" for m in TASK_LIST.finditer(source)]
    return problems


def _widget_aliases(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Names bound to the ipywidgets module, and control classes imported from it by name."""
    modules, classes = {"ipywidgets", "widgets"}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "ipywidgets"}
        elif isinstance(node, ast.ImportFrom) and node.module == "ipywidgets":
            classes |= {a.asname or a.name for a in node.names if a.name in CONTROLS}
    return modules, classes


def unlabelled_controls(code: str) -> list[str]:
    """ipywidgets controls created without a non-empty `description=`."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        tree = ast.parse("\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))))
    modules, classes = _widget_aliases(tree)
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in modules:
            name = func.attr
        elif isinstance(func, ast.Name) and func.id in classes:
            name = func.id
        if name not in CONTROLS:
            continue
        description = next((k.value for k in node.keywords if k.arg == "description"), None)
        spread = any(k.arg is None for k in node.keywords)  # **kwargs: cannot tell statically, trust it
        empty = isinstance(description, ast.Constant) and not str(description.value).strip()
        if (description is None and not spread) or empty:
            problems.append(f"line {node.lineno}: {name}(...) without description=")
    return problems


def uncaptioned_figures(code: str) -> list[str]:
    """A lesson cell that builds a plotly figure must show it through the caption helper."""
    if FIGURE_BUILDERS.search(code) and not CAPTION_HELPERS.search(code):
        return [f"plotly figure without caption helper: {code.strip().splitlines()[0][:80]}"]
    if re.search(r"\.show\(\s*\)", code) and FIGURE_BUILDERS.search(code):
        return [f"fig.show() skips the caption: {code.strip().splitlines()[0][:80]}"]
    return []


# ---------------------------------------------------------------------------------------- the lessons ---
@pytest.mark.parametrize("path", lesson_files(), ids=lambda p: p.stem)
def test_lesson_images_have_alt_text_and_markdown_has_no_unlabelled_tick_boxes(path: Path):
    nb = nbformat.read(path, as_version=4)
    problems = [f"cell {i}: {p}" for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
                for p in markdown_problems(cell.source)]
    assert problems == []


@pytest.mark.parametrize("path", lesson_files(), ids=lambda p: p.stem)
def test_lesson_figures_have_captions_and_controls_have_labels(path: Path):
    nb = nbformat.read(path, as_version=4)
    problems = [f"cell {i}: {p}" for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
                for p in uncaptioned_figures(cell.source) + unlabelled_controls(cell.source)]
    assert problems == []


@pytest.mark.parametrize("path", sorted((ROOT / "exocourse").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT / "exocourse")))
def test_package_widget_controls_have_text_labels(path: Path):
    assert unlabelled_controls(path.read_text(encoding="utf-8")) == []


# ----------------------------------------------------------------------- the checks catch what they should ---
def test_checks_catch_images_without_alt_and_task_lists():
    assert markdown_problems("![](fig.png)") and markdown_problems('<img src="x.png">')
    assert markdown_problems("- [ ] Source quantity")
    assert markdown_problems('![A bar chart of yield by method](fig.png) <img src="x.png" alt="">') == []


def test_checks_catch_figures_without_caption_helper():
    assert uncaptioned_figures("fig = go.Figure(data=[go.Bar(y=[1, 2])])\nfig")
    assert uncaptioned_figures("fig = px.bar(df, x='a')\nfig.show()")
    assert uncaptioned_figures("fig = go.Figure()\nplots.show(fig, 'Caption.', 'Text version.')") == []


def test_checks_catch_controls_without_description():
    code = ("import ipywidgets as w\nfrom ipywidgets import Dropdown\n"
            "a = w.FloatSlider(min=0, max=1)\nb = Dropdown(options=['x'])\nc = w.Button(description='')\n"
            "d = w.Checkbox(description='CD63')\ne = w.HTML('<b>not a control</b>')\n")
    problems = unlabelled_controls(code)
    assert [p.split(":")[1].strip().split("(")[0] for p in problems] == ["FloatSlider", "Dropdown", "Button"]
