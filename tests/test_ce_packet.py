"""The content-validation packet (make ce-packet): what an accredited provider's reviewer reads, checked in the PDF's
own text (pypdf) and the HTML page. The cohort section with a graded class is checked in the instructor's term
(tests/test_instructor_term.py)."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from conftest import ROOT
from pypdf import PdfReader

from exocourse import data, manifest
from exocourse.instructor import ce_packet

SECTIONS = ["1. The activity", "2. Practice gap and needs assessment", "3. Objectives, lessons and graded items",
            "4. Key recommendations and their evidence", "5. Time-sensitive facts (currency register)",
            "6. Disclosures and commercial support", "7. Cohort results", "8. References", "9. Sign-off"]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def packet(tmp_path_factory):
    course = _copy(tmp_path_factory.mktemp("course"))  # a clean clone: no grading/ folder, so no cohort
    pdf, page = ce_packet.build(course, tmp_path_factory.mktemp("packet"))
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    return _flat(text), page.read_text(encoding="utf-8")


def _copy(folder):
    for item in ("course.yml", "course.d", "data", "lessons", "assignments/source"):
        (folder / item).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (ROOT / item).is_dir() else shutil.copy)(ROOT / item, folder / item)
    return folder


def _section(text: str, name: str) -> str:
    """The section's text with spaces removed (the PDF breaks long ids and words across lines)."""
    start = text.index(name)
    later = [text.index(s, start + 1) for s in SECTIONS if s in text[start + 1:]]
    return text[start:min(later) if later else None].replace(" ", "")


def test_every_section_is_in_the_pdf_and_the_html_in_order(packet):
    text, page = packet
    positions = [text.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    assert all(f"<h2>{s}</h2>" in page for s in SECTIONS)
    assert '<html lang="en">' in page and "<th scope='col'>" in page


def test_activity_dates_and_provisional_pass_mark_come_from_the_manifest(packet):
    text, _ = packet
    m = manifest.load_manifest(ROOT)
    info = manifest.ce_info(m)
    activity = _section(text, "1. The activity")
    for value in (m["course_id"], info["release_date"], info["last_review_date"], info["expiry_date"],
                  f"{info['credit_minutes']}minutes"):
        assert value in activity
    assert "provisional" in activity


def test_needs_assessment_and_every_objective_with_its_graded_items(packet):
    text, _ = packet
    m = manifest.load_manifest(ROOT)
    needs = _section(text, "2. Practice gap")
    assert all(ref in needs for n in m["needs_assessment"] for ref in n["references"])
    objectives = _section(text, "3. Objectives")
    for o in manifest.objectives(m):
        assert o["id"] in objectives
    assert "NONE — no graded item" not in objectives


def test_key_recommendations_list_their_evidence(packet):
    text, _ = packet
    rows = data.rows("recommendations")
    assert len(rows) >= 8 * 3
    section = _section(text, "4. Key recommendations")
    assert all(r["evidence_level"].replace(" ", "") in section for r in rows)


def test_register_and_every_reference_with_its_source_quality(packet):
    text, _ = packet
    register = _section(text, "5. Time-sensitive")
    assert "exosome-approval" in register and "Nextcheck" in register
    references = _section(text, "8. References")
    assert [ref_id for ref_id in data.references() if ref_id not in references] == []
    assert "official-secondary" in references or "news" in references


def test_no_placeholder_is_filled_with_invented_people_and_sign_off_is_blank(packet):
    text, page = packet
    ce = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))["ce"]
    disclosures = _section(text, "6. Disclosures")
    for person in ce["faculty"]:
        assert re.sub(r"\s", "", person["name"]) in disclosures  # as the program wrote it, placeholder or not
    assert re.sub(r"\s", "", ce["commercial_support"]) in disclosures
    sign_off = page.split("<h2>9. Sign-off</h2>", 1)[1]
    cells = re.findall(r"<td>(.*?)</td>", sign_off)
    assert len(cells) == len(ce_packet.SIGN_OFF_HEADERS) * ce_packet.SIGN_OFF_ROWS and set(cells) == {""}


def test_without_a_cohort_the_packet_says_so(packet):
    text, _ = packet
    assert "Nocohorthasbeengradedinthiscoursefolderyet" in _section(text, "7. Cohort results")


def test_a_missing_needs_assessment_source_stops_the_packet_with_one_sentence(tmp_path, capsys):
    course = _copy(tmp_path / "course")
    doc = (course / "course.yml").read_text(encoding="utf-8")
    (course / "course.yml").write_text(doc.replace("references: [fda-safety-alert-2019]",
                                                   "references: [no-such-source]"), encoding="utf-8")
    from exocourse import cli

    assert cli.run(ce_packet.main, ["--course", str(course), "--out", str(tmp_path / "out")]) != 0
    err = capsys.readouterr().err
    assert "no-such-source" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "ce-packet.pdf").exists()
