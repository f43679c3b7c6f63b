"""Source quality of the reference data (issue 14, item 4): every reference says what kind of source was read, and
every source that is not the primary document says why the course uses it. The regulatory and safety facts the
course states (the currency register, lessons 04 and 05) are held to it first."""

from __future__ import annotations

import nbformat
from conftest import ROOT

from exocourse import currency, data

KINDS = {"primary", "official-secondary", "news", "other"}


def _regulatory_and_safety_ids() -> set[str]:
    """Reference ids behind the register's time-sensitive facts and cited in the risk and regulation lessons."""
    ids = {ref for row in currency.register().values() for ref in row["references"]}
    for stem in ("04_risk_profile", "05_regulation"):
        nb = nbformat.read(ROOT / "lessons" / f"{stem}.ipynb", as_version=4)
        ids.update(data.cited_ids("\n".join(c.source for c in nb.cells if c.cell_type == "markdown")))
    return ids


def test_every_reference_has_a_known_source_quality():
    refs = data.references()
    assert {row["source_quality"] for row in refs.values()} <= KINDS
    assert [ref_id for ref_id, row in refs.items() if row["source_quality"] not in KINDS] == []


def test_regulatory_and_safety_statements_rest_on_primary_sources_or_say_why_not():
    refs = data.references()
    ids = _regulatory_and_safety_ids()
    assert len(ids) > 20
    unexplained = sorted(i for i in ids if refs[i]["source_quality"] != "primary" and not refs[i]["quality_note"])
    assert unexplained == [], f"non-primary sources without a written reason: {unexplained}"


def test_every_non_primary_reference_in_the_course_says_why_it_is_used():
    unexplained = sorted(ref_id for ref_id, row in data.references().items()
                         if row["source_quality"] != "primary" and len(row["quality_note"].strip()) < 15)
    assert unexplained == [], f"add a quality_note: {unexplained}"


def test_register_says_stored_secondary_when_none_of_its_sources_is_primary():
    refs = data.references()
    for row in currency.register().values():
        if all(refs[r]["source_quality"] != "primary" for r in row["references"]):
            assert row["checked"] != "primary-stored", f"{row['id']}: no primary source among {row['references']}"


def test_reference_list_entry_shows_the_kind_and_reason_of_a_non_primary_source():
    row = {"authors": "A", "title": "T", "container": "C", "year": 2024, "url": "https://x.org", "accessed": "2026-12-06",
           "source_quality": "news", "quality_note": "No stored copy of the letter itself"}
    assert data.format_reference(row).endswith("*News report: No stored copy of the letter itself.*")
    assert "*" not in data.format_reference({**row, "source_quality": "primary"})
