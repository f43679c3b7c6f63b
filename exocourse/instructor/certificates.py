"""PDF certificates of completion (reportlab): one page of real, selectable text, byte-identical for the same
inputs, and the certificate's id and place."""

from __future__ import annotations

import hashlib
from pathlib import Path

from exocourse.instructor.completion_rules import ce_info


def certificate_id(course_id: str, learner_id: str, date: str) -> str:
    """A short reference the registrar can quote; the same learner, course and date always give the same id."""
    return hashlib.sha256(f"{course_id}|{learner_id}|{date}".encode()).hexdigest()[:12].upper()


def write_certificate(row: dict, manifest: dict, path: Path) -> Path:
    """A one-page PDF certificate of completion with real (selectable, searchable) text."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    info = ce_info(manifest)
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = landscape(A4)
    # invariant=1: the same inputs give byte-identical files, so re-running the report changes nothing.
    pdf = canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    pdf.setTitle(f"Certificate of completion — {manifest['title']}")
    pdf.setAuthor(str(info.get("provider", manifest["course_id"])))
    pdf.setSubject(f"{row['legal_name']} completed {manifest['course_id']} on {row['completion_date']}")
    pdf.setLineWidth(2)
    pdf.rect(1.2 * cm, 1.2 * cm, width - 2.4 * cm, height - 2.4 * cm)
    y = height - 3.4 * cm

    def centred(text: str, font: str, size: int, gap: float) -> None:
        nonlocal y
        pdf.setFont(font, size)
        for line in simpleSplit(text, font, size, width - 5 * cm):
            pdf.drawCentredString(width / 2, y, line)
            y -= size * 1.25
        y -= gap

    centred("Certificate of completion", "Helvetica-Bold", 28, 14)
    centred("This certifies that", "Helvetica", 14, 4)
    centred(row["legal_name"], "Helvetica-Bold", 24, 2)
    if row.get("licence_number"):
        centred(f"Licence number: {row['licence_number']}", "Helvetica", 12, 8)
    centred("completed the enduring-material activity", "Helvetica", 14, 4)
    centred(manifest["title"], "Helvetica-Bold", 16, 8)
    centred(f"Completion date: {row['completion_date']}    Post-test score: {row['posttest_percent']}% "
            f"(pass mark {row['pass_mark_percent']}%)", "Helvetica", 12, 4)
    hours = row.get("credit_hours")
    capped = " (at most the estimated time)" if hours and row.get("hours_attested") and \
        float(row["hours_attested"]) > float(hours) else ""
    centred(f"Estimated time to complete: up to {row['credit_hours_max']} hours. Hours the learner attested: "
            f"{row['hours_attested'] or 'none'}. Hours recorded for this learner: {hours or 'none'}{capped}.",
            "Helvetica", 11, 8)
    statement = info.get("accreditation_statement") or (
        "[Accreditation and credit designation statement: to be inserted by the accredited provider.]")
    centred(statement, "Helvetica-Oblique", 10, 6)
    centred("This course does not itself award credit; credit is awarded only by the accredited provider "
            "under its own statement above.", "Helvetica", 9, 4)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(1.8 * cm, 1.7 * cm, f"Course {manifest['course_id']} · learner {row['learner_id']} · "
                   f"certificate {certificate_id(manifest['course_id'], row['learner_id'], row['completion_date'])}")
    if info.get("contact"):
        pdf.drawRightString(width - 1.8 * cm, 1.7 * cm, f"Questions: {info['contact']}")
    pdf.showPage()
    pdf.save()
    return path


def certificate_path(certificates: Path, manifest: dict, learner_id: str) -> Path:
    return certificates / learner_id / f"{manifest['course_id']}_certificate_{learner_id}.pdf"
