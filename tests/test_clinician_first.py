"""Clinician-first lessons (issue 13): what a busy resident meets in each lesson.

A clinical vignette first and again at the end, a core path of at most 2,000 words (markdown + what widgets show
first; tools/lesson_words.py measures it, the same figures the authors see), depth in collapsed "Go deeper"
sections, a "Bottom line for practice" with citations, every abbreviation explained at first use and in the
glossary, numbered citations, no code or file paths in the learner's way, and minutes that follow from the words.
"""

from __future__ import annotations

import importlib.util
import re

import nbformat
import pytest
from conftest import NOTEBOOKS_GROUP, ROOT, lesson_files

from exocourse import data, manifest
from exocourse.build import glossary

_spec = importlib.util.spec_from_file_location("lesson_words", ROOT / "tools" / "lesson_words.py")
lesson_words = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lesson_words)

LESSONS = lesson_files()
# The tests that read executed lessons share conftest's one execution of each lesson with tests/test_notebooks.py
# (xdist runs a group on one worker; elsewhere the lessons would run a second time).
SHARES_EXECUTED_LESSONS = pytest.mark.xdist_group(NOTEBOOKS_GROUP)


def _markdown(path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _headings(path) -> list[str]:
    return [h.strip() for text in _markdown(path) for h in re.findall(r"^##\s+(.+)$", lesson_words.REFERENCES.sub(
        "", lesson_words._without_details(text)), re.M)]


def _section(path, heading: str) -> str:
    text = "\n\n".join(_markdown(path))
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    return match.group(1) if match else ""


# ---------------------------------------------------------------------------------------------- the budget ---
@SHARES_EXECUTED_LESSONS
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_core_path_is_at_most_2000_words_including_what_widgets_show_first(path, executed_lessons):
    nb = executed_lessons(path.stem)
    markdown, widgets = lesson_words.markdown_words(nb), lesson_words.widget_words(nb)
    assert widgets > 0 or "self_check" not in str([c.source for c in nb.cells]), "widget text was not measured"
    assert markdown + widgets <= lesson_words.BUDGET, (
        f"{path.stem}: core path {markdown + widgets} words ({markdown} markdown + {widgets} widget text); "
        f"move depth into <details><summary>Go deeper: …</summary> sections")


@SHARES_EXECUTED_LESSONS
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_minutes_are_reading_time_at_200_words_a_minute_plus_activities(path, executed_lessons):
    nb = executed_lessons(path.stem)
    lesson = next(lesson for module in manifest.load_manifest(ROOT)["modules"] for lesson in module["lessons"]
                  if lesson["file"] == f"lessons/{path.name}")
    reading = lesson_words.reading_minutes(lesson_words.markdown_words(nb) + lesson_words.widget_words(nb))
    expected = reading + sum(a["minutes"] for a in lesson["activities"])
    assert lesson["minutes"] == expected, (
        f"{path.stem}: course.d says {lesson['minutes']} minutes; reading {reading} + activities "
        f"{expected - reading} = {expected} (set minutes: {expected}, then make render)")
    assert f"**Estimated time:** {expected} minutes" in nb.cells[0].source, "the title line states other minutes"


def test_word_counter_skips_collapsed_sections_references_and_link_targets():
    text = ("Three words here [[1]](#ref-fda-exosome-psn-2019).\n\n<details><summary>Go deeper: x</summary>\n\n"
            "hidden words not counted\n\n<details><summary>nested</summary>more</details>\n\n</details>\n\n"
            "<!-- BEGIN references -->\n1. Not counted.\n<!-- END references -->\nTwo more")
    assert lesson_words.count(lesson_words.visible_text(text)) == 3 + 1 + 2  # "1" of the marker counts
    assert "hidden" in lesson_words.collapsed_text(text)


def _showing(state: dict, model_id: str):
    """An executed notebook with one output cell showing widget `model_id` of `state`."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", {"application/vnd.jupyter.widget-view+json":
                                                                {"model_id": model_id}})]
    nb.cells = [cell]
    return nb


def test_widget_counter_reads_only_the_selected_accordion_child_and_visible_text():
    state = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_html", "IPY_MODEL_acc"]}},
        "html": {"model_name": "HTMLModel", "state": {"value": "<p>four words shown here</p>"}},
        "acc": {"model_name": "AccordionModel", "state": {"children": ["IPY_MODEL_table"], "selected_index": None,
                                                          "titles": ["All events"]}},
        "table": {"model_name": "HTMLModel", "state": {"value": "many many words inside the closed section"}},
    }
    nb = _showing(state, "box")
    assert lesson_words.widget_words(nb) == 4 + 2
    nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]["acc"]["state"][
        "selected_index"] = 0
    assert lesson_words.widget_words(nb) == 4 + 2 + 7


# ------------------------------------------------------------------------------------------- the structure ---
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_opens_with_a_vignette_and_returns_to_it_before_the_bottom_line(path):
    headings = _headings(path)
    assert headings and re.match(r"(A patient|A clinic|A colleague|The case)", headings[0]), (
        f"{path.stem}: the first section should be the clinical vignette, found {headings[:1]}")
    assert any(h.startswith("Back to") for h in headings), f"{path.stem}: no '## Back to …' section"
    assert headings.index("Bottom line for practice") == len(headings) - 2 and headings[-1] == "References", (
        f"{path.stem}: 'Bottom line for practice' then 'References' must end the lesson: {headings[-4:]}")
    back = next(i for i, h in enumerate(headings) if h.startswith("Back to"))
    assert back < headings.index("Bottom line for practice")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_bottom_line_has_3_to_6_cited_bullets(path):
    bullets = re.findall(r"^[-*] (.+)$", _section(path, "Bottom line for practice"), re.M)
    assert 3 <= len(bullets) <= 6, f"{path.stem}: {len(bullets)} bullets"
    uncited = [b[:60] for b in bullets if not data.cited_ids(b)]
    assert not uncited, f"{path.stem}: bullets without a citation: {uncited}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_code_is_out_of_the_way_every_cell_hidden_under_a_visible_caption(path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, (
            f"{path.stem} cell {index}: source not collapsed ({cell.source[:40]!r})")
        before = nb.cells[index - 1] if index else None
        assert before is not None and before.cell_type == "markdown" and before.source.strip(), (
            f"{path.stem} cell {index}: no caption above the hidden cell")


PROGRAMMER_TEXT = re.compile(r"exocourse\.|\bdata/[a-z]|\.(?:csv|py|yml|json)\b|\b[a-z_]+\(\)|`[a-z_.]+\(")
HEDGES = re.compile(r"\((?:[a-z]+ )?references?\)|secondary copy|read as an excerpt|being built alongside", re.I)


@pytest.mark.parametrize("path", LESSONS + [ROOT / "lessons" / "glossary.ipynb"], ids=lambda p: p.stem)
def test_prose_has_no_code_file_paths_slug_tags_or_provenance_hedges(path):
    text = "\n".join(_markdown(path))
    text = lesson_words.REFERENCES.sub("", text)
    text = re.sub(r"<!-- BEGIN fact:.*?<!-- END fact:[a-z0-9-]+ -->", "", text, flags=re.S)  # register wording
    text = re.sub(r"\]\([^)]*\)", "]", text)
    assert not PROGRAMMER_TEXT.findall(text), f"{path.stem}: {PROGRAMMER_TEXT.findall(text)[:5]}"
    assert not HEDGES.findall(text), f"{path.stem}: {HEDGES.findall(text)[:5]}"
    assert not data.CITATION.findall(text), f"{path.stem}: citations not numbered (run make render)"


# ------------------------------------------------------------------------------------------- the glossary ---
def test_glossary_rows_are_complete_and_cite_real_references():
    rows = glossary.terms()
    assert len(rows) >= 60
    refs = data.references()
    assert [r["term"] for r in rows if not r["definition"] or len(r["definition"]) < 20] == []
    assert [r["term"] for r in rows if r.get("reference_id") and r["reference_id"] not in refs] == []


def test_glossary_page_lists_every_term():
    text = "\n".join(_markdown(ROOT / "lessons" / "glossary.ipynb"))
    missing = [r["term"] for r in glossary.terms() if f"| {r['term'].replace('|', chr(92) + '|')} |" not in text]
    assert missing == [], f"run make render: {missing[:5]}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_abbreviation_is_in_the_glossary_and_expanded_at_first_use(path):
    problems = glossary.lint(_markdown(path))
    assert problems == [], f"{path.stem}:\n" + "\n".join(problems)


def test_lint_catches_an_unlisted_abbreviation_and_a_missing_expansion():
    rows = [{"term": "EV", "expansion": "extracellular vesicle", "definition": "x" * 30}]
    assert glossary.lint(["Extracellular vesicles (EVs) are small."], rows) == []
    assert glossary.lint(["EVs are small.\n\nAn extracellular vesicle is …"], rows)[0].startswith("EV: first used")
    assert glossary.lint(["The FDA says."], rows) == ["FDA: not in the glossary (data/glossary.csv)"]
    assert glossary.lint(["ExoDx, MedWatch and phase II; objective EXO-RISK-1."], rows) == []


def _plain_bullet(text: str) -> str:
    text = re.sub(r"\s+", " ", data.ANY_CITATION.sub("", text)).strip()
    return re.sub(r"\s+([.,;:])", r"\1", text).rstrip(".")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_bottom_line_is_recorded_with_its_evidence_for_the_ce_reviewer(path):
    """data/recommendations.csv holds each lesson's bullets (the content-validation packet lists them with the
    level of evidence); a bullet edited in the lesson must be edited there too."""
    bullets = [_plain_bullet(b) for b in re.findall(r"^[-*] (.+)$", _section(path, "Bottom line for practice"), re.M)]
    recorded = [_plain_bullet(r["recommendation"]) for r in data.rows("recommendations") if r["lesson"] == path.stem[:2]]
    assert recorded == bullets
    cited = {r["lesson"]: r["references"].split() for r in data.rows("recommendations")}
    assert all(ref in data.references() for refs in cited.values() for ref in refs)


def test_widgets_cite_sources_as_linked_author_and_year_not_ids():
    from exocourse.lessons.quiz import assess_self_check, feedback_html

    check = next(iter(data.self_checks("risk").values()))
    shown = feedback_html(assess_self_check(check, "A"))
    assert not data.CITATION.search(shown), "a raw [reference-id] reaches the learner"
    assert re.search(r"\(<a href='https?://[^']+' target='_blank' rel='noopener'>[^<]+, \d{4}</a>\)", shown)
    assert data.short_citation({"authors": "Perkins KM; Spoto S", "year": 2018}) == "Perkins et al., 2018"
    assert data.short_citation({"authors": "U.S. Food and Drug Administration (CBER)", "year": 2019}) == \
        "U.S. Food and Drug Administration, 2019"
    assert data.cite_html("x <b> [no-such-ref]") == "x &lt;b&gt; [no-such-ref]"


def test_widget_counter_reads_a_closed_menu_as_its_chosen_option_only():
    state = {"menu": {"model_name": "DropdownModel", "state": {"_options_labels": ["one two", "three four five"],
                                                               "index": 1, "description": "Event"}}}
    assert lesson_words.widget_words(_showing(state, "menu")) == 1 + 3  # its label and the chosen option, not the closed list
