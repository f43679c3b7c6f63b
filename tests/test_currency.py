"""The currency register: one row per time-sensitive fact, checked, rendered wherever the course states it."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import nbformat
import pytest
import yaml
from conftest import ROOT

from exocourse import currency, data
from exocourse.build import render

ROW = {"id": "exosome-approval", "statement": "No exosome product is approved by FDA for any use.",
       "references": ["ref-a"], "as_of": "2026-11-25", "checked": "primary-stored", "next_check": "2027-05-25",
       "look_for": "any approval of an exosome product", "phrases": ["no exosome product is approved"]}


def _folder(tmp_path, rows):
    (tmp_path / "references").mkdir(parents=True)
    (tmp_path / "references" / "x.csv").write_text("id,authors,title,container,year,url,accessed\n"
                                                  "ref-a,FDA,T,C,2020,https://www.fda.gov/x,2026-11-25\n")
    (tmp_path / "currency.yml").write_text(yaml.safe_dump({"facts": rows}))
    currency.register.cache_clear()
    return tmp_path


@pytest.mark.parametrize("change, problem", [
    ({"references": ["nope"]}, "no reference nope"),
    ({"references": []}, "missing references"),
    ({"checked": "memory"}, "checked must be one of"),
    ({"next_check": "2027-12-01"}, "within 12 months"),
    ({"next_check": "2026-11-01"}, "within 12 months"),
    ({"as_of": "soon"}, "is not a date"),
    ({"look_for": ""}, "missing look_for"),
])
def test_a_row_without_a_source_or_a_next_check_is_refused(tmp_path, change, problem):
    with pytest.raises(currency.CurrencyError, match=problem):
        currency.register(_folder(tmp_path, [ROW | change]))


def test_the_fact_says_its_date_how_it_was_checked_and_its_source(tmp_path):
    folder = _folder(tmp_path, [ROW])
    assert currency.fact("exosome-approval", folder) == (
        "As of 25 November 2026 (re-read in a stored copy of the primary source): No exosome product is approved by "
        "FDA for any use [ref-a]")
    live = _folder(tmp_path / "live", [ROW | {"checked": "live", "as_of": "2027-01-04", "next_check": "2027-07-04"}])
    assert currency.fact("exosome-approval", live).startswith("As of 4 January 2027 (checked live): ")
    with pytest.raises(currency.CurrencyError, match="No fact 'nope'"):
        currency.fact("nope", folder)


def test_review_due_lists_rows_past_their_next_check(tmp_path):
    folder = _folder(tmp_path, [ROW])
    assert currency.due(dt.date(2027, 5, 24), folder) == []
    assert currency.due(dt.date(2027, 5, 25), folder) == [
        "fact exosome-approval: next check was due on 2027-05-25 — check it and update the register"]


def test_the_checklist_is_readable_and_has_a_box_for_date_and_initials(tmp_path):
    md_path, csv_path = currency.write_checklist(tmp_path / "out" / "check", _folder(tmp_path / "reg", [ROW]))
    text = md_path.read_text()
    assert "## 1. exosome-approval (check due by 2027-05-25)" in text
    assert "**What to look for:** any approval of an exosome product" in text
    assert "Date checked: ____________   Initials: ______" in text
    assert csv_path.read_text().splitlines()[0].startswith("fact,the course states,where to look")


def test_the_course_register_is_valid_and_every_source_exists():
    currency.register.cache_clear()
    rows = currency.register()
    assert rows, "the course's register has no facts"
    for row in rows.values():
        for ref_id in row["references"]:
            assert data.reference(ref_id)["url"].startswith("http")


def _stated_places(root):
    texts = {}
    for path in sorted(root.glob("lessons/*.ipynb")) + sorted(root.glob("assignments/source/*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        texts[path.relative_to(root).as_posix()] = "\n".join(c.source for c in nb.cells)
    texts["README.md"] = (root / "README.md").read_text(encoding="utf-8")
    for path in sorted((root / "data").rglob("*")):
        if path.suffix in {".csv", ".yml", ".json", ".txt", ".md"} and path.name != "currency.yml" \
                and "references" not in path.parts:
            texts[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return texts


def test_no_lesson_assignment_widget_text_or_readme_states_a_register_fact_by_hand():
    """Outside its rendered block, nothing the course shows words a register fact itself: lessons, assignments
    (questions, options, rubrics, model answers), the data widgets show, and the README. Widgets fill
    {fact:<id>} placeholders from the register; notebooks hold <!-- BEGIN fact:<id> --> blocks."""
    currency.register.cache_clear()
    blocks = re.compile(r"<!-- BEGIN fact:[a-z0-9:-]+ -->.*?<!-- END fact:[a-z0-9:-]+ -->", re.S)
    found = []
    places = _stated_places(ROOT)
    assert any(p.startswith("assignments/") for p in places) and any(p.startswith("data/") for p in places)
    for place, text in places.items():
        bare = blocks.sub("", text).lower()
        for row in currency.register().values():
            found += [f"{place}: {phrase!r} ({row['id']})" for phrase in row["phrases"] if phrase.lower() in bare]
    assert found == []


def test_editing_one_register_row_changes_every_place_that_states_it(tmp_path):
    """The exosome approval status: one edit of the register, `make render`, and every block says the new text."""
    course = tmp_path / "course"
    for item in ("course.yml", "course.d", "README.md", "lessons", "assignments/source", "data"):
        source = ROOT / item
        (course / item).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, course / item)
    register_path = course / "data" / "currency.yml"
    doc = yaml.safe_load(register_path.read_text(encoding="utf-8"))
    row = next(r for r in doc["facts"] if r["id"] == "exosome-approval")
    row["statement"] = "TEST: FDA approved an exosome product on 1 March 2027."
    row["plain"] = "TEST: FDA has approved one exosome product"
    register_path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    places_before = [p for p, t in _stated_places(course).items() if "<!-- BEGIN fact:exosome-approval -->" in t]
    assert len(places_before) >= 3, places_before
    currency.register.cache_clear()
    render.outdated(course, write=True)
    currency.register.cache_clear()
    after = _stated_places(course)
    for place in places_before:
        block = re.search(r"<!-- BEGIN fact:exosome-approval -->(.*?)<!-- END fact:exosome-approval -->",
                          after[place], re.S)
        assert block and "TEST: FDA approved an exosome product on 1 March 2027" in block.group(1), place
    plain = [p for p, t in after.items() if "<!-- BEGIN fact:exosome-approval:plain -->" in t]
    assert "assignments/source/ps4/ps4.ipynb" in plain  # the model answers and rubric rows say it to patients
    for place in plain:
        blocks = re.findall(r"<!-- BEGIN fact:exosome-approval:plain -->(.*?)<!-- END fact:exosome-approval:plain -->",
                            after[place], re.S)
        assert blocks and all(b == "TEST: FDA has approved one exosome product" for b in blocks), place
