"""How much a learner must read in each lesson: words of the core path.

The core path is what a lesson shows on first display: its markdown cells and the text its widgets show before
anything is clicked, without the numbered reference list and without collapsed "Go deeper" sections
(`<details>…</details>`). The course's budget is 2,000 core-path words per lesson (a test checks it), and each
lesson's minutes in course.d/ are its reading time at 200 words per minute plus its activities.

    python tools/lesson_words.py            # table of every lesson (markdown only: fast)
    python tools/lesson_words.py --widgets  # run each lesson and add the text its widgets show first
    python tools/lesson_words.py --widgets 04  # one lesson
"""

from __future__ import annotations

import html
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 2000
WORDS_PER_MINUTE = 200

REFERENCES = re.compile(r"<!-- BEGIN references -->.*?<!-- END references -->", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
CODE = re.compile(r"<(style|script)\b.*?</\1>", re.S | re.I)  # styling and scripts are not read
DETAILS = re.compile(r"<details\b.*?</details>", re.S | re.I)
URL_PART = re.compile(r"\]\((?:https?://|#)[^)]*\)")  # the target of a markdown link, not its text
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F](?:[\w'’.\-/]*\w)?")


def _without_details(text: str) -> str:
    """Text with every collapsed section removed (outermost first, so nested sections go with their parent)."""
    while True:
        start = re.search(r"<details\b", text, re.I)
        if not start:
            return text
        depth, pos = 0, start.start()
        for tag in re.finditer(r"<(/?)details\b[^>]*>", text[start.start():], re.I):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                pos = start.start() + tag.end()
                break
        else:
            pos = len(text)  # unclosed: everything after it is collapsed
        text = text[:start.start()] + text[pos:]


def visible_text(markdown: str) -> str:
    """What a reader sees of a markdown (or HTML) string on first display, as plain text."""
    text = REFERENCES.sub("", markdown)
    text = _without_details(text)
    text = COMMENT.sub("", text)
    text = CODE.sub(" ", text)
    text = URL_PART.sub("]", text)
    return html.unescape(TAG.sub(" ", text))


def count(text: str) -> int:
    return len(WORD.findall(text))


def collapsed_text(markdown: str) -> str:
    """The text inside collapsed sections (what "Go deeper" holds)."""
    return " ".join(m.group(0) for m in DETAILS.finditer(REFERENCES.sub("", markdown)))


def markdown_words(nb) -> int:
    return sum(count(visible_text(c.source)) for c in nb.cells if c.cell_type == "markdown")


def details_count(nb) -> int:
    return sum(len(re.findall(r"<details\b", c.source, re.I)) for c in nb.cells if c.cell_type == "markdown")


# ---- widgets: the text an executed lesson's widgets show before anything is clicked -------------------------
_TEXT_WIDGETS = {"HTMLModel", "HTMLMathModel", "LabelModel"}
_CHOICE_WIDGETS = {"RadioButtonsModel", "ToggleButtonsModel", "SelectModel"}  # every option is on screen


def _widget_words(state: dict, model_id: str, seen: set) -> int:
    if model_id in seen or model_id not in state:
        return 0
    seen.add(model_id)
    model = state[model_id]
    name, values = model.get("model_name", ""), model.get("state", {})
    if values.get("layout") and isinstance(values["layout"], str):
        layout = state.get(values["layout"].removeprefix("IPY_MODEL_"), {}).get("state", {})
        if layout.get("display") == "none" or layout.get("visibility") == "hidden":
            return 0
    words = count(values.get("description", "")) if name != "HTMLModel" else 0
    if name in _TEXT_WIDGETS:
        words += count(visible_text(values.get("value", "")))
    if isinstance(values.get("valuetext"), str):  # the course's slider shows its value (and unit) as it reads it
        words += count(values["valuetext"])
    if name in _CHOICE_WIDGETS:
        words += sum(count(str(label)) for label in values.get("_options_labels", []))
    if name == "DropdownModel":  # a closed menu shows only the chosen option
        labels, index = values.get("_options_labels", []), values.get("index")
        words += count(str(labels[index])) if isinstance(index, int) and index < len(labels) else 0
    children = [c.removeprefix("IPY_MODEL_") for c in values.get("children", []) if isinstance(c, str)]
    if name in {"AccordionModel", "TabModel"}:
        selected = values.get("selected_index")
        children = [children[selected]] if isinstance(selected, int) and selected < len(children) else []
        words += sum(count(t) for t in values.get("_titles", {}).values()) if isinstance(
            values.get("_titles"), dict) else sum(count(t or "") for t in values.get("titles", []) or [])
    if name == "OutputModel":
        for output in values.get("outputs", []):
            words += _output_words(output, state, seen)
    return words + sum(_widget_words(state, child, seen) for child in children)


def _output_words(output: dict, state: dict, seen: set) -> int:
    bundle = output.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in bundle:
        return _widget_words(state, bundle["application/vnd.jupyter.widget-view+json"]["model_id"], seen)
    for kind in ("text/markdown", "text/html"):
        if kind in bundle:
            text = bundle[kind]
            return count(visible_text(text if isinstance(text, str) else "".join(text)))
    if output.get("output_type") == "stream":
        return count(output.get("text", ""))
    return 0


def widget_words(nb) -> int:
    """Words the executed notebook's widgets and displays show first (nb run with store_widget_state=True)."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    seen: set = set()
    return sum(_output_words(o, state, seen) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def execute(path: Path, root: Path = ROOT):
    """The lesson run top to bottom with its widget state kept."""
    import os

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute(
        env={**os.environ, "EXOCOURSE_ROOT": str(root)})
    return nb


def reading_minutes(words: int) -> int:
    return math.ceil(words / WORDS_PER_MINUTE)


def lessons(root: Path = ROOT) -> list[Path]:
    return sorted(root.glob("lessons/[0-9][0-9]_*.ipynb"))


def main(argv: list[str]) -> int:
    import nbformat

    with_widgets = "--widgets" in argv
    print("| Lesson | Markdown words | Widget words | Core path | Collapsed sections | Reading minutes |")
    print("|---|---:|---:|---:|---:|---:|")
    over = 0
    wanted = [a for a in argv if not a.startswith("--")]  # lesson stems or numbers, e.g. 04
    for path in [p for p in lessons() if not wanted or any(p.stem.startswith(w) for w in wanted)]:
        nb = execute(path) if with_widgets else nbformat.read(path, as_version=4)
        md, wid = markdown_words(nb), widget_words(nb) if with_widgets else 0
        core = md + wid
        over += core > BUDGET
        print(f"| {path.stem} | {md} | {wid if with_widgets else '—'} | {core} | {details_count(nb)} | "
              f"{reading_minutes(core)} |")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
