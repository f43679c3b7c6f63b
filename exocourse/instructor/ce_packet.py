"""The content-validation packet for the accredited provider's reviewer: one PDF and one HTML page.

    python -m exocourse.instructor.ce_packet [--course DIR] [--out DIR]     (make ce-packet; default build/ce-packet/)

Everything in it is read from the course's own files, never typed here: the activity and its dates (course.yml),
the practice gap and the needs-assessment sources, the objectives -> lessons -> graded items map (course.d/), the key
recommendations with the evidence behind each (data/recommendations.csv), the currency register and what is due for
review, every reference with its source quality and dates, the disclosures and commercial support exactly as the
program has completed them (placeholders stay visible placeholders: the course never names people), the cohort's
item analysis, knowledge gain and evaluation when a graded cohort exists, and a blank sign-off table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import sys
from pathlib import Path

from exocourse import currency, data, manifest
from exocourse.paths import course_root

SIGN_OFF_HEADERS = ("Reviewer (name)", "Role", "Date", "Scope of review", "Signature")
SIGN_OFF_ROWS = 4


def _objective_map(m: dict) -> list[tuple]:
    lessons: dict[str, list[str]] = {}
    for lesson in manifest.lessons(m):
        for oid in lesson["objectives"]:
            lessons.setdefault(oid, []).append(f"{Path(lesson['file']).stem[:2]} {lesson['title']}")
    items: dict[str, list[str]] = {}
    for a in manifest.assessments(m):
        for item in a["items"]:
            for oid in item["objectives"]:
                items.setdefault(oid, []).append(f"{a['id']}:{item['grade_id']}")
    return [(o["id"], o["text"], "; ".join(lessons.get(o["id"], [])) or "none",
             "; ".join(items.get(o["id"], [])) or "NONE — no graded item") for o in manifest.objectives(m)]


def _recommendations(folder: Path) -> list[tuple]:
    return [(r["lesson"], r["recommendation"], r["evidence_level"], r["references"])
            for r in data.rows("recommendations", folder)]


def _register_rows(folder: Path) -> list[tuple]:
    return [(row["id"], currency.fact(row["id"], folder), str(row["as_of"]), row["checked"], str(row["next_check"]))
            for row in sorted(currency.register(folder).values(), key=lambda r: r["id"])]


def _reference_rows(folder: Path) -> list[tuple]:
    checked_on = {}
    for row in currency.register(folder).values():
        for ref_id in row["references"]:
            checked_on[ref_id] = f"{row['as_of']} ({row['checked']})"
    rows = []
    for ref_id, ref in sorted(data.references(folder).items()):
        quality = ref["source_quality"] + (f": {ref['quality_note']}" if ref.get("quality_note") else "")
        rows.append((ref_id, f"{ref['authors']}. {ref['title']}. {ref['year']}. {ref['url']}", quality,
                     ref["accessed"], checked_on.get(ref_id, "—")))
    return rows


def _disclosure_rows(m: dict) -> list[tuple]:
    ce = m["ce"]
    rows = [("Faculty", f"{p['name']} — {p['credentials']} — {p['role']}") for p in ce["faculty"]]
    rows += [("Disclosure", f"{d['name']}: {d['relationships']} Mitigation: {d['mitigation']}")
             for d in ce["disclosures"]]
    rows += [("Commercial support", ce["commercial_support"]), ("Accreditation statement", ce["accreditation_statement"]),
             ("Contact", ce["contact"])]
    return rows


def _cohort(root: Path, m: dict) -> list[tuple[str, object]]:
    """Blocks about the graded cohort, or one sentence when there is none."""
    if not (root / "grading" / "gradebook.db").exists():
        return [("p", "No cohort has been graded in this course folder yet: item analysis, knowledge gain and the "
                      "evaluation summary are added to this packet once one has (run make ce-packet again).")]
    from exocourse.instructor import evaluation_summary, item_analysis, knowledge_gain

    blocks: list[tuple[str, object]] = []
    rows = []
    for a in manifest.assessments(m):
        if not a["items"]:
            continue
        try:
            report = item_analysis.analyse_assignment(root, a["id"])
        except item_analysis.ItemAnalysisError as problem:
            rows.append((a["id"], "—", "—", str(problem)))
            continue
        flagged = [row["item"].label for row in report["items"] if row["flags"]]
        note = item_analysis.not_meaningful(report) or "statistics meaningful"
        rows.append((a["id"], str(report["learners"]), str(len(report["items"])),
                     (f"flagged: {', '.join(flagged)}" if flagged else "no item flagged") + f" ({note})"))
    blocks.append(("table", ("Assignment", "Learners", "Items", "Item analysis"), rows))
    gain = knowledge_gain.cohort_summary(knowledge_gain.scores(root), m["pass_mark_percent"])
    blocks.append(("p", "Knowledge gain (pre-test to post-test): " + "; ".join(
        f"{key.replace('_', ' ')}: {value}" for key, value in gain.items() if not isinstance(value, (list, dict)))))
    summary = evaluation_summary.anonymous_summary(evaluation_summary.read_responses(root), m)
    blocks.append(("p", f"Course evaluation: {summary['responses']} response(s); commercial bias reported: "
                        + ", ".join(f"{k}: {v}" for k, v in summary["commercial_bias"]["counts"].items())))
    return blocks


def sections(root: Path) -> list[tuple[str, list[tuple[str, object]]]]:
    """The packet as (heading, blocks); a block is ("p", text) or ("table", headers, rows)."""
    m = manifest.load_manifest(root)
    folder = root / "data"
    info = manifest.ce_info(m)
    activity = [("Course", f"{m['title']} (course id {m['course_id']})"), ("Audience", m["audience"]),
                ("Release date", info["release_date"]), ("Last review", info["last_review_date"]),
                ("Expiry date", info["expiry_date"]), ("Content current as of", str(m["content_current_as_of"])),
                ("Estimated time", f"{info['credit_minutes']} minutes ({info['credit_minutes'] / 60:g} hours)"),
                ("Pass mark", f"{m['pass_mark_percent']}% of the post-test points ({info['pass_points']} of "
                              f"{info['posttest_points']:g}), provisional until a standard-setting panel sets a cut "
                              "score with the modified-Angoff worksheet (make angoff)"),
                ("Placeholders still to complete", ", ".join(info["placeholders"]) or "none")]
    needs = [(n["finding"], "; ".join(n["references"])) for n in m["needs_assessment"]]
    known = data.references(folder)
    missing = [r for n in m["needs_assessment"] for r in n["references"] if r not in known]
    if missing:  # a needs-assessment source that does not exist stops the packet
        raise data.DataError(f"course.yml needs_assessment cites {', '.join(missing)}, which is not in "
                             "data/references/; correct the id or add the reference.")
    due = manifest.review_due_report(m, folder=root)
    return [
        ("1. The activity", [("table", ("Item", "Value"), activity)]),
        ("2. Practice gap and needs assessment", [("p", m["practice_gap"]),
                                                   ("table", ("Finding", "Sources (reference ids)"), needs)]),
        ("3. Objectives, lessons and graded items", [("table", ("Objective", "Text", "Lessons", "Graded items"),
                                                      _objective_map(m))]),
        ("4. Key recommendations and their evidence", [
            ("p", "Each lesson's 'Bottom line for practice' with the level of evidence behind it."),
            ("table", ("Lesson", "Recommendation", "Evidence", "Sources"), _recommendations(folder))]),
        ("5. Time-sensitive facts (currency register)", [
            ("table", ("Fact", "What the course states", "As of", "How checked", "Next check"), _register_rows(folder)),
            ("p", "Due for review now: " + ("; ".join(due) if due else "nothing."))]),
        ("6. Disclosures and commercial support", [
            ("p", "Exactly as the program has completed them in course.yml. Entries in square brackets are "
                  "placeholders the program or accredited provider must complete; the course names no one."),
            ("table", ("Entry", "Text"), _disclosure_rows(m))]),
        ("7. Cohort results", _cohort(root, m)),
        ("8. References", [("p", "Every source the course cites: what kind of source was read (primary, a copy of an "
                                 "official text, news, other) and why a non-primary source is used; the date it "
                                 "was read; for time-sensitive facts, the register's check date."),
                           ("table", ("Id", "Source", "Source quality", "Read on", "Register check"),
                            _reference_rows(folder))]),
        ("9. Sign-off", [("p", "For the program: each reviewer completes one row."),
                         ("table", SIGN_OFF_HEADERS, [("",) * len(SIGN_OFF_HEADERS)] * SIGN_OFF_ROWS)]),
    ]


def to_html(title: str, parts: list) -> str:
    body = [f"<h1>{html.escape(title)}</h1>"]
    for heading, blocks in parts:
        body.append(f"<h2>{html.escape(heading)}</h2>")
        for block in blocks:
            if block[0] == "p":
                body.append(f"<p>{html.escape(block[1])}</p>")
            else:
                head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in block[1])
                rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                               for row in block[2])
                body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    style = ("body{font-family:sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.4}"
             "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #555;padding:.3rem;"
             "vertical-align:top;text-align:left}")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{style}</style></head><body><main>{''.join(body)}</main></body></html>\n")


def to_pdf(title: str, parts: list, path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    width = landscape(A4)[0] - 3 * cm

    def para(text, style=small):
        return Paragraph(html.escape(str(text)), style)

    story = [Paragraph(html.escape(title), styles["Title"])]
    for heading, blocks in parts:
        story.append(Paragraph(html.escape(heading), styles["Heading2"]))
        for block in blocks:
            if block[0] == "p":
                story.append(para(block[1], styles["BodyText"]))
                continue
            headers, rows = block[1], block[2]
            table = Table([[para(h) for h in headers]] + [[para(c) for c in row] for row in rows],
                          colWidths=[width / len(headers)] * len(headers), repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                       ("TOPPADDING", (0, 0), (-1, -1), 3)]))
            story += [table, Spacer(1, 6)]
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            topMargin=1.5 * cm, bottomMargin=1.5 * cm, title=title, invariant=1)
    doc.build(story)
    return path


def build(root: Path, out: Path) -> tuple[Path, Path]:
    m = manifest.load_manifest(root)
    title = f"Content-validation packet: {m['title']} ({m['course_id']}), built {dt.date.today().isoformat()}"
    parts = sections(root)
    out.mkdir(parents=True, exist_ok=True)
    page = out / "ce-packet.html"
    page.write_text(to_html(title, parts), encoding="utf-8")
    return to_pdf(title, parts, out / "ce-packet.pdf"), page


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m exocourse.instructor.ce_packet",
                                     description="The content-validation packet for the accredited provider.")
    parser.add_argument("--course", type=Path, default=None, help="the course folder (default: this one)")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: build/ce-packet)")
    args = parser.parse_args(argv)
    root = args.course or course_root()
    pdf, page = build(root, args.out or root / "build" / "ce-packet")
    print(f"Written: {pdf} and {page.name} — give both to the accredited provider's reviewer.")
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
