"""axe-core scans (axe-playwright-python, which bundles axe) of every lesson rendered in JupyterLab and of every
page of the accessible static edition. Target: WCAG 2.1 AA. No serious or critical violation is allowed in what the
course controls (its rendered markdown and its outputs). Violations in JupyterLab's or a widget library's own markup
are excluded only by rule id + CSS selector, each naming its upstream issue; never with a blanket switch.

axe cannot see everything: it does not check that a plotly SVG has a name (plotly/plotly.js#6920: it has none),
so the course gives every figure a caption and a text version (checked below), and the static edition names each
figure. Do a manual pass with a screen reader (NVDA or VoiceOver) before each release.

Violations are printed by rule, and written to screenshots/axe-report.json (git-ignored).
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict

import pytest
from browser_support import (
    ROOT,
    SCREENSHOTS,
    check_content,
    lesson_files,
    skip_marker,
)

pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.slow, skip_marker()]  # shares the JupyterLab

BLOCKING = {"serious", "critical"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_OPTIONS = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": WCAG_TAGS}}

# What the course controls in JupyterLab: the rendered markdown and every output.
COURSE_SCOPE = {"include": [[".jp-Notebook .jp-MarkdownOutput"], [".jp-Notebook .jp-OutputArea-output"]]}
# The whole notebook panel (toolbar, cells, prompts): reported, with JupyterLab's own issues excluded below.
PANEL_SCOPE = {"include": [[".jp-NotebookPanel"]]}

# (rule id, CSS selector the failing node matches, upstream issue). Nothing else is ever excluded.
EXCLUSIONS = [
    # JupyterLab's toolbar buttons (and nbgrader's Validate button, built on them) carry aria-pressed on role=none.
    ("aria-allowed-attr", "jp-button.jp-ToolbarButtonComponent",
     "jupyterlab/jupyterlab#16891 (aria-pressed on jp-button with role none)"),
    # JupyterLab's cell editor (CodeMirror role=textbox) has no accessible name.
    ("aria-input-field-name", ".jp-Notebook .jp-InputArea-editor .cm-content",
     "jupyterlab/jupyterlab#16890 (4.1.2 Name, Role, Value violations in JupyterLab's UI)"),
    # The cell list is role=feed, but its cells are not role=article.
    ("aria-required-children", ".jp-Notebook .jp-WindowedPanel-viewport",
     "jupyterlab/jupyterlab#14804 (WindowedList cannot give the notebook's cells ARIA roles)"),
    # The collapse-heading button next to markdown headings is an empty <button>.
    ("button-name", ".jp-Notebook .jp-collapseHeadingButton",
     "jupyterlab/jupyterlab#16890 (4.1.2 Name, Role, Value violations in JupyterLab's UI)"),
]

REPORT: dict[str, dict] = {}


def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def scan(page, context=None) -> list[dict]:
    """axe violations as a flat list of {rule, impact, target, excluded_by}."""
    result = _axe().run(page, context=context, options=AXE_OPTIONS).response
    found = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            target = node["target"][0] if isinstance(node["target"][0], str) else node["target"][0][0]
            excluded_by = None
            for rule, selector, issue in EXCLUSIONS:
                # The node itself, if it is still in the page (the notebook re-renders cells as it scrolls: then
                # the node's own markup must carry the selector's last class).
                if rule == violation["id"] and page.evaluate(
                        """([t, s, html]) => { const e = document.querySelector(t);
                           if (e) return !!e.closest(s);
                           const last = s.trim().split(/\\s+/).pop();
                           return last.startsWith('.') && html.includes(`class="`) &&
                                  html.split('>')[0].includes(last.slice(1)); }""",
                        [target, selector, node.get("html", "")]):
                    excluded_by = issue
                    break
            found.append({"rule": violation["id"], "impact": violation["impact"], "target": target,
                          "html": node.get("html", "")[:160], "excluded_by": excluded_by})
    return found


def by_rule(violations: list[dict]) -> dict[str, str]:
    counts: dict[str, list] = defaultdict(list)
    for v in violations:
        counts[f"{v['rule']} ({v['impact']})"].append(v)
    return {rule: f"{len(nodes)} node(s)" + (f", excluded: {nodes[0]['excluded_by']}" if nodes[0]["excluded_by"]
                                             else "") for rule, nodes in sorted(counts.items())}


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING and not v["excluded_by"]]


def record(name: str, scope: str, violations: list[dict]) -> None:
    REPORT.setdefault(name, {})[scope] = by_rule(violations)
    print(f"\naxe {name} [{scope}]: {json.dumps(by_rule(violations)) if violations else 'no violations'}")


@pytest.fixture(scope="module", autouse=True)
def write_report():
    yield
    if REPORT:
        SCREENSHOTS.mkdir(exist_ok=True)
        (SCREENSHOTS / "axe-report.json").write_text(json.dumps(REPORT, indent=2), encoding="utf-8")


# ------------------------------------------------------------------------------------ lessons in JupyterLab ---
@pytest.fixture(scope="module", params=lesson_files(), ids=lambda p: p.stem)
def lesson(request, lesson_pool):
    """The lesson with every cell run (one JupyterLab for the session: conftest lesson_pool); the first self-check
    answered, so that its feedback is scanned too."""
    page = lesson_pool.get(request.param)
    checks = page.page.locator(".jp-Notebook .jp-OutputArea-output > .jupyter-widgets",
                               has=page.page.locator("button", has_text="Check my answer"))
    if checks.count():
        checks.first.locator(".widget-radio-box input[type=radio]").first.check()
        checks.first.locator("button", has_text="Check my answer").click()
        page.page.wait_for_function("e => e.querySelector('.widget-html-content').innerText.trim().length > 0",
                                    arg=checks.first.element_handle())
    return page


def test_course_markdown_and_outputs_have_no_serious_or_critical_violation(lesson):
    violations = scan(lesson.page, COURSE_SCOPE)
    record(lesson.lesson.stem, "course content in JupyterLab", violations)
    assert blocking(violations) == [], f"{lesson.name}: {by_rule(blocking(violations))}"


def test_glossary_page_renders_in_jupyterlab_with_every_term_and_no_violation(lesson_pool):
    """The Glossary page as learners open it in JupyterLab: one rendered table row per glossary term, the
    numbered reference list whose markers jump to their entries (JupyterLab keeps an entry's `id` as
    `data-jupyter-id` and scrolls to it on a click), and no serious or critical axe violation in its content."""
    from exocourse.build import glossary

    path = ROOT / "lessons" / "glossary.ipynb"
    page = lesson_pool.get(path)
    try:
        rows = page.page.evaluate(
            "() => document.querySelectorAll('.jp-Notebook .jp-RenderedMarkdown table tbody tr').length")
        references = page.page.evaluate(
            "() => document.querySelectorAll('.jp-Notebook .jp-RenderedMarkdown ol li').length")
        violations = scan(page.page, COURSE_SCOPE)
        jump = jump_to_reference(page.page)
    finally:
        lesson_pool.release(path)
    assert rows == len(glossary.terms())
    assert references >= 10
    assert jump["targets"] == jump["markers"], f"markers without a target entry: {jump}"
    assert jump["before"] > jump["viewport"] and -2 <= jump["after"] < jump["viewport"], f"no jump: {jump}"
    record("glossary", "course content in JupyterLab", violations)
    assert blocking(violations) == [], by_rule(blocking(violations))


def jump_to_reference(page) -> dict:
    """Click the last numbered marker ([n]) of the open notebook: where its reference-list entry was and is
    (pixels from the top of the notebook's scroll area), and how many markers have a target entry."""
    page.evaluate("() => document.querySelector('.jp-WindowedPanel-outer').scrollTo(0, 0)")
    facts = page.evaluate("""() => {
        const markers = [...document.querySelectorAll('.jp-Notebook .jp-RenderedMarkdown a[href^="#ref-"]')];
        const target = a => document.querySelector(`[data-jupyter-id="${CSS.escape(a.hash.slice(1))}"]`);
        const outer = document.querySelector('.jp-WindowedPanel-outer');
        const last = markers.filter(a => !a.closest('ol'))
            .filter(a => target(a) && target(a).getBoundingClientRect().top > outer.clientHeight).pop();
        if (last) last.setAttribute('data-test-jump', '1');
        return {markers: markers.length, targets: markers.filter(target).length, viewport: outer.clientHeight,
                before: last ? target(last).getBoundingClientRect().top - outer.getBoundingClientRect().top : -1,
                hash: last ? last.hash : null};
    }""")
    page.click('[data-test-jump="1"]')
    page.wait_for_timeout(500)
    facts["after"] = page.evaluate("""hash => {
        const outer = document.querySelector('.jp-WindowedPanel-outer');
        const top = document.querySelector(`[data-jupyter-id="${CSS.escape(hash.slice(1))}"]`)
            .getBoundingClientRect().top - outer.getBoundingClientRect().top;
        outer.scrollTo(0, 0);  // leave the notebook as the other tests found it
        return top;
    }""", facts["hash"])
    return facts


def test_numbered_citations_jump_to_their_reference_entry(lesson):
    jump = jump_to_reference(lesson.page)
    assert jump["markers"] and jump["targets"] == jump["markers"], f"{lesson.name}: markers without a target {jump}"
    assert jump["before"] > jump["viewport"] and -2 <= jump["after"] < jump["viewport"], f"{lesson.name}: {jump}"


def test_notebook_panel_has_none_beyond_known_upstream_issues(lesson):
    violations = scan(lesson.page, PANEL_SCOPE)
    record(lesson.lesson.stem, "whole notebook panel", violations)
    assert blocking(violations) == [], f"{lesson.name}: {by_rule(blocking(violations))}"


def test_every_figure_has_a_caption_and_a_text_version(lesson):
    """What axe cannot check (plotly/plotly.js#6920): each figure's widget view carries 'Figure.' and
    'Text version:' text after it."""
    missing = lesson.page.evaluate(
        """() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
              .filter(o => o.querySelector('.js-plotly-plot'))
              .filter(o => !(o.innerText.includes('Figure.') && o.innerText.includes('Text version:')))
              .map(o => o.innerText.slice(0, 80))""")
    check_content("figure-caption", lesson.lesson.stem, missing)


def test_no_widget_text_is_cut_off(lesson):
    """ipywidgets draw labels on one line: a long label is cut off with an ellipsis, or pushes its box into
    horizontal scrolling (WCAG 1.3.1, 1.4.10). Course views let their labels wrap."""
    check_content("text-cut-off", lesson.lesson.stem, lesson.clipped_text())


# ---------------------------------------------------------------------------------- the static edition ---
@pytest.fixture(scope="module")
def context(lesson_pool):
    return lesson_pool.context  # Playwright's sync API allows one running browser per thread: share it


@pytest.fixture(scope="module")
def static_pages(tmp_path_factory):
    from exocourse.build.static_edition import build

    return build(tmp_path_factory.mktemp("static") / "static", ROOT)


def _self_checks() -> dict[str, dict]:
    from exocourse.data import self_checks

    checks = {}
    for path in sorted((ROOT / "data" / "selfchecks").glob("*.yml")):
        checks.update(self_checks(path.stem))
    return checks


def test_static_edition_has_an_index_and_one_page_per_lesson(static_pages):
    names = {p.name for p in static_pages}
    assert "index.html" in names
    assert {f"{p.stem}.html" for p in lesson_files()} <= names


def test_static_edition_renders_go_deeper_sections_glossary_and_numbered_citations(static_pages):
    pages = {p.stem: p.read_text(encoding="utf-8") for p in static_pages}
    assert "<table>" in pages["glossary"] and "extracellular vesicle" in pages["glossary"].lower()
    for stem in (p.stem for p in lesson_files()):
        text = pages[stem]
        opened, summaries = text.count("<details"), len(re.findall(r"<details[^>]*>\s*<summary>[^<]+", text))
        assert opened == summaries, f"{stem}: every collapsed section needs a visible summary"
        markers = re.findall(r'<a href="#(ref-[a-z0-9-]+)">\[(\d+)\]</a>', text)
        assert markers, f"{stem}: no numbered citation"
        assert all(f'<a id="{anchor}">' in text for anchor, _ in markers), f"{stem}: a marker has no target"
    assert sum(text.count("<details") for text in pages.values()) >= 8
    go_deeper = re.search(r"<details[^>]*>\s*<summary>Go deeper[^<]*</summary>(.*?)</details>", "".join(pages.values()),
                          re.S)
    assert go_deeper and re.search(r"<(p|table|ul|ol)>", go_deeper.group(1)), "markdown inside <details> not rendered"


def test_static_pages_are_standalone_titled_and_in_english(static_pages):
    from plotly.offline import get_plotlyjs

    signature = get_plotlyjs()[:300]
    for page in static_pages:
        text = page.read_text(encoding="utf-8")
        assert '<html lang="en">' in text, page.name
        title = text.split("<title>", 1)[1].split("</title>", 1)[0]
        assert title.strip(), page.name
        assert not re.search(r"<script\b[^>]*\bsrc\s*=", text, re.I), f"{page.name}: scripts must be inline"
        assert not re.search(r"""\b(src|href)\s*=\s*["']https?://[^"']*\.(js|css)\b""", text, re.I), page.name
        figures = text.count("Plotly.newPlot(")
        assert text.count(signature) == (1 if figures else 0), f"{page.name}: plotly.js must be embedded once"


def test_static_self_checks_list_question_and_options_but_reveal_no_answer(static_pages):
    text = "\n".join(p.read_text(encoding="utf-8") for p in static_pages)
    shown = 0
    for check_id, check in _self_checks().items():
        if html.escape(check["question"]) not in text:
            continue  # a self-check of a lesson that is not in lessons/ yet
        shown += 1
        for letter, option in check["options"].items():
            assert html.escape(f"{letter}. {option}") in text, f"{check_id}: option {letter} missing"
        for explanation in check["explanations"].values():
            assert html.escape(explanation) not in text, f"{check_id}: an explanation (answer hint) is shown"
    assert shown >= 1
    assert "✔ Correct" not in text and "Not quite" not in text


@pytest.mark.parametrize("stem", ["index"] + [p.stem for p in lesson_files()] + ["glossary"])
def test_static_page_passes_axe_renders_and_describes_every_figure(static_pages, context, stem):
    """Each page, loaded once: axe (no serious or critical violation, no exclusions), no script error, no sideways
    scrolling, and every figure drawn, named (role=img) and followed by caption, text version and data table."""
    path = next(p for p in static_pages if p.stem == stem)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        violations = scan(page)
        width = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        figures = page.evaluate(
            """() => [...document.querySelectorAll('figure.exo-figure')].map(f => ({
                 plots: f.querySelectorAll('.exo-plot').length,
                 drawn: f.querySelectorAll('.exo-plot svg.main-svg').length > 0,
                 named: [...f.querySelectorAll('.exo-plot')].every(p => p.getAttribute('role') === 'img'
                                                                   && p.getAttribute('aria-label')),
                 caption: (f.querySelector('figcaption') || {innerText: ''}).innerText,
                 table: !!f.querySelector('figcaption table th')}))""")
    finally:
        page.close()
    record(f"static/{path.name}", "whole page", violations)
    assert blocking(violations) == [], f"{path.name}: {by_rule(blocking(violations))}"
    assert errors == [], f"{path.name}: {errors}"
    assert width <= 1, f"{path.name} scrolls sideways by {width}px"
    problems = []
    for n, figure in enumerate(figures, start=1):
        assert figure["plots"] >= 1 and figure["drawn"] and figure["named"], f"{path.name} figure {n}"
        if not ("Figure." in figure["caption"] and "Text version:" in figure["caption"]):
            problems.append(f"figure {n}: no caption or text version")
        elif not figure["table"]:
            problems.append(f"figure {n}: no data table")
    if stem == "01_exosome_biology":
        assert figures, f"{path.name} lost its figures"
    check_content("static-figure-caption", stem, problems)
