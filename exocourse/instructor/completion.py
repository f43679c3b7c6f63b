"""Completion report and certificates for the CE registrar, read from the nbgrader gradebook.

A learner has completed the course when
* the post-test score is at or above the pass mark announced in course.yml (`pass_mark_percent`),
* every module assignment (and the post-test) was submitted and is fully graded: no written answer waiting for a
  manual grade, no autograde failure, and no open integrity flag (an instructor clears a flag with `clear-flag`).
The completion date is the date of the last required submission, from the submission times nbgrader recorded; a
learner whose submission has no recorded time gets no certificate (the report says why) rather than a blank date.
Legal names and licence numbers come from the CE roster the program supplies (grading/ce_roster.csv: columns
learner_id, legal_name, licence_number), never from git.

    python -m exocourse.instructor.completion report [--roster grading/ce_roster.csv] [--course .]
    python -m exocourse.instructor.completion clear-flag <learner id> <assignment> --by "<instructor>" --reason "<why>"
    python -m exocourse.instructor.completion revoke <learner id> --by "<instructor>" --reason "<why>"

`report` writes grading/completion_report.csv (for the registrar) and one PDF certificate per completing learner
in grading/certificates/<learner id>/. An issued certificate is a record: a report run never deletes it, and a
re-grade does not withdraw it (hand grades of unchanged answers stay confirmed: exocourse/grading/manual_grades.py); only
`revoke` withdraws one, recording who, why and when. A flag clearance covers the submission whose content was
reviewed (a hash of its notebooks): any re-submission with other content is flagged afresh.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from exocourse.safe_csv import write_csv

ROSTER_COLUMNS = ["learner_id", "legal_name", "licence_number"]
CLEARED_COLUMNS = ["learner_id", "assignment", "cleared_by", "reason", "cleared_at", "submission_timestamp",
                   "submission_sha256"]
REVOKED_COLUMNS = ["learner_id", "certificate_id", "completion_date", "revoked_by", "reason", "revoked_at",
                   "kept_as"]
REPORT_NAME = "completion_report.csv"
CLEARED_NAME = "cleared_flags.csv"
REVOKED_NAME = "revoked_certificates.csv"
ROSTER_NAME = "ce_roster.csv"


# ------------------------------------------------------------------------------------------- course facts ---
def module_assignments(manifest: dict) -> list[str]:
    """The module assignments every completer must submit (ps1…), from the manifest."""
    from exocourse import manifest as manifest_module

    if hasattr(manifest_module, "module_assignments"):
        return list(manifest_module.module_assignments(manifest))
    return [a["id"] for m in manifest["modules"] for a in m["assessments"]]


def ce_info(manifest: dict) -> dict:
    from exocourse import manifest as manifest_module

    if hasattr(manifest_module, "ce_info"):
        return dict(manifest_module.ce_info(manifest))
    return dict(manifest.get("ce") or {})


def posttest_id(manifest: dict) -> str | None:
    return ce_info(manifest).get("posttest")


def required_assignments(manifest: dict) -> list[str]:
    post = posttest_id(manifest)
    return module_assignments(manifest) + ([post] if post else [])


# ------------------------------------------------------------------------------------------------ inputs ---
class RosterError(ValueError):
    """The roster cannot be used as it is. The message lists every problem with its row number."""


def _roster_text(path: Path) -> tuple[str, str | None]:
    """The roster's text and, when it was not UTF-8, a note saying how it was read."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig"), None  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")  # Excel's plain "CSV" on Windows
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text, (f"note: {path} is not UTF-8; it was read as Windows Latin-1 (Excel's plain \"CSV\"). Check "
                  "that accented names print right on the certificates, or save the roster as \"CSV UTF-8\".")


def read_roster(path: Path, known: set[str] | None = None, notes: list[str] | None = None) -> dict[str, dict]:
    """{learner id: roster row} from the CE program's roster CSV, checked before anything is written: the columns,
    a valid and unique id and a legal name on every row, and (given `known`, the gradebook's learner ids) no id the
    gradebook does not know. Every problem is reported with its row number (the header is row 1); nothing is
    returned until the roster is fixed. A note about the encoding goes to `notes`."""
    from exocourse.grading.learner_ids import LearnerIdError, check_learner_id

    text, note = _roster_text(path)
    if note and notes is not None:
        notes.append(note)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in ROSTER_COLUMNS if c not in columns]
    if missing:
        found = ", ".join(repr(c) for c in columns) or "no header row"
        raise RosterError(f"Roster {path} lacks the column(s) {', '.join(missing)} (found: {found}); it needs "
                          f"the columns {', '.join(ROSTER_COLUMNS)}.")
    problems: list[str] = []
    roster: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue  # a blank line
        learner_id = row.get("learner_id", "")
        try:
            check_learner_id(learner_id)
        except LearnerIdError as problem:
            problems.append(f"row {number}: {problem}" if learner_id else f"row {number}: learner_id is blank")
            continue
        if not row.get("legal_name"):
            problems.append(f"row {number}: legal_name is blank for {learner_id}")
        if learner_id in first_row:
            problems.append(f"row {number}: learner id {learner_id} appears again (first on row "
                            f"{first_row[learner_id]}); a certificate could go to the wrong name")
            continue
        first_row[learner_id] = number
        if known is not None and learner_id not in known:
            problems.append(f"row {number}: learner id {learner_id} is not in the gradebook (check the spelling; "
                            "on TLJH ids start with jupyter-)")
        roster[learner_id] = row
    if not roster and not problems:
        problems.append("the roster has no learners")
    if problems:
        raise RosterError(f"Roster {path}: " + "; ".join(problems) + ". Nothing was written; fix the roster and run "
                          "the report again.")
    return roster


def write_roster(path: Path, roster: dict[str, dict]) -> None:
    write_csv(path, ROSTER_COLUMNS, [{"learner_id": learner_id, **roster[learner_id]} for learner_id in sorted(roster)])


def default_roster(root: Path) -> Path:
    """The CE roster the program supplies: $EXOCOURSE_ROSTER, else grading/ce_roster.csv (git-ignored)."""
    return Path(os.environ.get("EXOCOURSE_ROSTER") or root / "grading" / ROSTER_NAME)


def read_cleared(path: Path) -> list[dict]:
    """The rows of a course record CSV (cleared flags, revoked certificates); none if it does not exist yet."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def submission_digest(root: Path, learner_id: str, assignment: str) -> str:
    """SHA-256 over the notebooks of a learner's submission (grading/submitted/<learner>/<assignment>/), by name
    and content; "" if there is none. Any change to what the learner handed in changes it."""
    folder = Path(root) / "grading" / "submitted" / learner_id / assignment
    digest = hashlib.sha256()
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if p.is_file()) if folder.is_dir() else []
    for path in notebooks:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest() if notebooks else ""


@dataclass
class Submission:
    """What completion needs to know about one submission in the gradebook."""

    score: float
    max_score: float
    timestamp: dt.datetime | None
    needs_manual_grade: bool
    regrade_cells: tuple[str, ...] = ()  # hand-graded before, but the answer changed since: to be graded again


def gradebook_submissions(db_url: str) -> dict[tuple[str, str], Submission]:
    """{(learner id, assignment): Submission} for every submission in the gradebook."""
    from nbgrader.api import Gradebook

    from exocourse.grading.manual_grades import regrade_needed

    _alembic_on_path()
    found = {}
    regrade = regrade_needed(db_url)
    with Gradebook(db_url) as gradebook:
        for assignment in gradebook.assignments:
            for sub in assignment.submissions:
                key = (sub.student.id, assignment.name)
                found[key] = Submission(float(sub.score or 0), float(sub.max_score or 0), sub.timestamp,
                                        bool(sub.needs_manual_grade), tuple(regrade.get(key, ())))
    return found


def _alembic_on_path() -> None:
    """nbgrader runs `alembic` by name when it opens a gradebook: make this Python's bin folder findable."""
    from exocourse.grading.env import with_python_on_path

    os.environ["PATH"] = with_python_on_path(dict(os.environ))["PATH"]


def db_url_of(root: Path) -> str:
    return f"sqlite:///{Path(root) / 'grading' / 'gradebook.db'}"


def integrity_flags(root: Path, assignments: list[str]) -> dict[tuple[str, str], list[str]]:
    """{(learner id, assignment): reasons} from the integrity report of every assignment that has a release."""
    from exocourse.grading import integrity

    flags = {}
    for assignment in assignments:
        if (Path(root) / "assignments" / "release" / assignment).is_dir():
            for learner, reasons in integrity.report(Path(root), assignment).items():
                flags[(learner, assignment)] = reasons
    return flags


def open_flags(flags: dict[tuple[str, str], list[str]], cleared: list[dict],
               digests: dict[tuple[str, str], str]) -> dict[tuple[str, str], list[str]]:
    """Flags no instructor has cleared. A clearance covers the submission whose content was reviewed (the
    `submission_digest` recorded with it): a re-submission with any other content is flagged again, with or
    without submission times. A clearance that names no content covers nothing."""
    done = {(row["learner_id"], row["assignment"]) for row in cleared
            if row.get("submission_sha256") and row["submission_sha256"] == digests.get(
                (row["learner_id"], row["assignment"]))}
    return {key: reasons for key, reasons in flags.items() if key not in done}


# ------------------------------------------------------------------------------------------------- rules ---
def percent(sub: Submission | None) -> float | None:
    if sub is None or not sub.max_score:
        return None
    return round(100 * sub.score / sub.max_score, 1)


def completion_rows(submissions: dict[tuple[str, str], Submission], manifest: dict, roster: dict[str, dict],
                    flags: dict[tuple[str, str], list[str]],
                    attested_hours: dict[str, float] | None = None) -> list[dict]:
    """One row per roster learner: scores, completed yes/no, why not, completion date and credit hours.

    `flags` are the open (uncleared) integrity flags; `attested_hours` the hours each learner attested in the
    evaluation (credit is commensurate with participation: the attested hours, at most the designated hours; a
    learner who attested nothing gets no hours recorded). With `attested_hours=None` (a course without an
    evaluation) completers get the designated hours."""
    modules = module_assignments(manifest)
    post = posttest_id(manifest)
    pre = ce_info(manifest).get("pretest")
    required = modules + ([post] if post else [])
    pass_mark = float(manifest["pass_mark_percent"])
    max_hours = ce_info(manifest).get("credit_hours")
    rows = []
    for learner_id in sorted(roster):
        person = roster[learner_id]
        reasons = []
        stamps = []
        row = {"learner_id": learner_id, "legal_name": person.get("legal_name", ""),
               "licence_number": person.get("licence_number", "")}
        for assignment in ([pre] if pre else []) + required:
            sub = submissions.get((learner_id, assignment))
            row[f"{assignment}_score"] = "" if sub is None else f"{sub.score:g}"
            row[f"{assignment}_max"] = "" if sub is None else f"{sub.max_score:g}"
            if (learner_id, assignment) in flags:  # any flag holds the certificate, the pre-test's too
                reasons.append(f"{assignment} has an open integrity flag")
            if assignment not in required:
                continue
            if sub is None:
                reasons.append(f"{assignment} not submitted")
                continue
            if sub.timestamp:
                stamps.append(sub.timestamp)
            else:
                reasons.append(f"{assignment} has no recorded submission time, so the certificate would have no "
                               "completion date (hand work in by archive or exchange, which record it)")
            if sub.regrade_cells:
                reasons.append(f"{assignment} waits for a manual grade: the answer to "
                               f"{', '.join(sub.regrade_cells)} changed after it was graded")
            elif sub.needs_manual_grade:
                reasons.append(f"{assignment} waits for a manual grade")
        post_sub = submissions.get((learner_id, post)) if post else None
        post_percent = percent(post_sub)
        row["posttest_percent"] = "" if post_percent is None else f"{post_percent:g}"
        row["pass_mark_percent"] = f"{pass_mark:g}"
        # decided on the exact score, not the rounded percent shown: 74.96% must not pass a 75% mark
        passed = post_sub is not None and post_sub.max_score > 0 and \
            round(100 * post_sub.score / post_sub.max_score, 9) >= pass_mark
        if post is None:
            reasons.append("the course has no post-test configured")
        elif post_percent is not None and not passed:
            # two decimals where the one-decimal figure would read as the pass mark itself
            exact = 100 * post_sub.score / post_sub.max_score
            shown = f"{post_percent:g}" if post_percent < pass_mark else f"{exact:.2f}"
            reasons.append(f"post-test {shown}% is below the pass mark of {pass_mark:g}%")
        row["posttest_result"] = "pass" if passed else ("fail" if post_percent is not None else "not taken")
        complete = not reasons
        row["completed"] = "yes" if complete else "no"
        row["completion_date"] = max(stamps).date().isoformat() if complete else ""
        attested = (attested_hours or {}).get(learner_id)
        hours, why = "", ""
        if complete and max_hours is not None:
            if attested_hours is None:  # the course has no evaluation: the designated hours
                hours, why = f"{float(max_hours):g}", "the course has no evaluation: the designated hours"
            elif attested is None:  # the evaluation says why when the learner's answer was unclear or not attested
                why = getattr(attested_hours, "not_recorded", {}).get(learner_id,
                                                                      "the learner attested no hours in the evaluation")
            elif float(attested) > float(max_hours):  # credit is at most the designated hours
                hours = f"{float(max_hours):g}"
                why = f"attested {float(attested):g} h, capped at the course's designated {float(max_hours):g} h"
            else:
                hours, why = f"{float(attested):g}", "the hours the learner attested"
        row["credit_hours_max"] = "" if max_hours is None else f"{float(max_hours):g}"
        row["hours_attested"] = "" if attested is None else f"{float(attested):g}"
        row["credit_hours"] = hours
        row["credit_hours_reason"] = why
        row["not_complete_because"] = "; ".join(reasons)
        rows.append(row)
    return rows


def gradebook_students(db_url: str) -> set[str]:
    """Every learner id the gradebook knows (submitted or not)."""
    from nbgrader.api import Gradebook

    _alembic_on_path()
    with Gradebook(db_url) as gradebook:
        return {student.id for student in gradebook.students}


def write_report(rows: list[dict], path: Path) -> Path:
    fields = list(dict.fromkeys(key for row in rows for key in row)) or ["learner_id"]
    return write_csv(path, fields, rows)  # the registrar's file: no cell can run as a spreadsheet formula


# ------------------------------------------------------------------------------------------ certificates ---
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


# ---------------------------------------------------------------------------------------------- commands ---
def attested(root: Path, manifest: dict) -> dict[str, float] | None:
    """Hours each learner attested in the evaluation, with `.not_recorded` saying why a learner who handed in an
    evaluation has none (an unclear answer, no attestation); None if the course has no evaluation."""
    if not ce_info(manifest).get("evaluation"):
        return None
    from exocourse.instructor import evaluation_summary

    return evaluation_summary.attested_hours(Path(root))


def report(root: Path, roster_path: Path | None = None, out: Path | None = None) -> dict:
    """Write the registrar CSV and certificates for the course at `root`. Returns what was written."""
    from exocourse.grading import manual_grades
    from exocourse.manifest import load_manifest

    root = Path(root).resolve()
    grading = Path(out) if out else root / "grading"
    manifest = load_manifest(root)
    if not (root / "grading" / "gradebook.db").exists():
        raise FileNotFoundError(0, "no gradebook: autograde something first", str(root / "grading" / "gradebook.db"))
    _alembic_on_path()
    manual_grades.record(root / "grading", db_url_of(root))  # hand grades confirmed since the last autograde
    submissions = gradebook_submissions(db_url_of(root))
    notes: list[str] = []
    roster = read_roster(roster_path or default_roster(root), known=gradebook_students(db_url_of(root)), notes=notes)
    checked = ([ce_info(manifest)["pretest"]] if ce_info(manifest).get("pretest") else []) + \
        required_assignments(manifest)
    cleared = read_cleared(grading / CLEARED_NAME)
    raw_flags = integrity_flags(root, checked)
    flags = open_flags(raw_flags, cleared, {key: submission_digest(root, *key) for key in raw_flags})
    rows = completion_rows(submissions, manifest, roster, flags, attested(root, manifest))
    revoked = {r["certificate_id"]: r for r in read_cleared(grading / REVOKED_NAME)}
    certificates = grading / "certificates"
    written, kept = [], []
    for row in rows:
        target = certificate_path(certificates, manifest, row["learner_id"])
        number = certificate_id(manifest["course_id"], row["learner_id"], row["completion_date"])
        if row["completed"] == "yes" and number in revoked:  # a revoked record is never issued again by a report
            row["completed"] = "no"
            row["not_complete_because"] = (f"certificate {number} was revoked on {revoked[number]['revoked_at'][:10]} "
                                           f"by {revoked[number]['revoked_by']}: {revoked[number]['reason']}")
        row["certificate_id"] = number if row["completed"] == "yes" else ""
        if row["completed"] == "yes":
            written.append(write_certificate(row, manifest, target))
        elif target.exists():  # an issued certificate is a record: a report run never withdraws it
            kept.append(row["learner_id"])
    unknown = sorted({learner for learner, _ in submissions} - set(roster))
    return {"rows": rows, "report": write_report(rows, grading / REPORT_NAME), "certificates": written,
            "open_flags": flags, "not_on_roster": unknown, "placeholders": ce_info(manifest).get("placeholders", []),
            "kept_certificates": kept, "notes": notes}


def clear_flag(root: Path, learner_id: str, assignment: str, by: str, reason: str, out: Path | None = None) -> dict:
    """Record that an instructor reviewed a flagged submission and released it for completion."""
    if not by.strip() or not reason.strip():
        raise ValueError("Say who clears the flag (--by) and why (--reason): the record is kept for audit.")
    from exocourse.grading.learner_ids import check_learner_id

    check_learner_id(learner_id)
    root = Path(root).resolve()
    grading = Path(out) if out else root / "grading"
    if not (root / "grading" / "gradebook.db").exists():  # never create an empty gradebook by asking
        raise ValueError(f"No gradebook in {root / 'grading'}: nothing to clear.")
    sub = gradebook_submissions(db_url_of(root)).get((learner_id, assignment))
    if sub is None:
        raise ValueError(f"No submission of {assignment} by {learner_id} in the gradebook.")
    digest = submission_digest(root, learner_id, assignment)
    if not digest:
        raise ValueError(f"The notebooks of {learner_id}'s {assignment} are not in grading/submitted/: there is "
                         "nothing to review, so the flag cannot be cleared.")
    row = {"learner_id": learner_id, "assignment": assignment, "cleared_by": by.strip(), "reason": reason.strip(),
           "cleared_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           "submission_timestamp": sub.timestamp.isoformat() if sub.timestamp else "", "submission_sha256": digest}
    path = grading / CLEARED_NAME
    write_csv(path, CLEARED_COLUMNS, [*read_cleared(path), row])  # earlier clearances kept; formulas neutralised
    return row


def revoke(root: Path, learner_id: str, by: str, reason: str, out: Path | None = None) -> dict:
    """Withdraw an issued certificate: the PDF moves to grading/certificates/<learner>/revoked/ and the revocation
    is recorded (who, why, when) in grading/revoked_certificates.csv. Later report runs do not issue the same
    certificate again; a new completion (a later completion date) is a new certificate."""
    if not by.strip() or not reason.strip():
        raise ValueError("Say who revokes the certificate (--by) and why (--reason): the record is kept for audit.")
    from exocourse.grading.learner_ids import check_learner_id
    from exocourse.manifest import load_manifest

    check_learner_id(learner_id)
    root = Path(root).resolve()
    grading = Path(out) if out else root / "grading"
    manifest = load_manifest(root)
    issued = [r for r in read_cleared(grading / REPORT_NAME) if r.get("learner_id") == learner_id]
    target = certificate_path(grading / "certificates", manifest, learner_id)
    if not target.exists() or not issued or not issued[0].get("completion_date"):
        raise ValueError(f"No issued certificate for {learner_id} in {grading / 'certificates'}: nothing to revoke.")
    date = issued[0]["completion_date"]
    now = dt.datetime.now(dt.UTC)
    kept_as = target.parent / "revoked" / f"{now:%Y%m%dT%H%M%SZ}_{target.name}"
    kept_as.parent.mkdir(parents=True, exist_ok=True)
    target.rename(kept_as)
    row = {"learner_id": learner_id, "certificate_id": certificate_id(manifest["course_id"], learner_id, date),
           "completion_date": date, "revoked_by": by.strip(), "reason": reason.strip(),
           "revoked_at": now.isoformat(timespec="seconds"), "kept_as": kept_as.relative_to(grading).as_posix()}
    path = grading / REVOKED_NAME
    write_csv(path, REVOKED_COLUMNS, [*read_cleared(path), row])
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exocourse.instructor.completion", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="write the registrar CSV and the certificates")
    rep.add_argument("--roster", type=Path, help="CE roster CSV from the program (default: $EXOCOURSE_ROSTER "
                                                 "or grading/ce_roster.csv)")
    rep.add_argument("--course", type=Path, default=Path.cwd(), help="course folder (default: here)")
    clear = sub.add_parser("clear-flag", help="record that you reviewed a flagged submission")
    clear.add_argument("learner")
    clear.add_argument("assignment")
    clear.add_argument("--by", required=True, help="your name")
    clear.add_argument("--reason", required=True, help="what you checked and decided")
    clear.add_argument("--course", type=Path, default=Path.cwd())
    withdraw = sub.add_parser("revoke", help="withdraw an issued certificate, recording who, why and when")
    withdraw.add_argument("learner")
    withdraw.add_argument("--by", required=True, help="your name")
    withdraw.add_argument("--reason", required=True, help="why the certificate is withdrawn")
    withdraw.add_argument("--course", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    if args.command == "clear-flag":
        row = clear_flag(args.course, args.learner, args.assignment, args.by, args.reason)
        print(f"Cleared the flag on {row['assignment']} for {row['learner_id']} (by {row['cleared_by']}); "
              f"recorded in grading/{CLEARED_NAME}. A re-submission with other content is flagged afresh.")
        return 0
    if args.command == "revoke":
        row = revoke(args.course, args.learner, args.by, args.reason)
        print(f"Revoked certificate {row['certificate_id']} of {row['learner_id']} (by {row['revoked_by']}); the PDF "
              f"is kept as grading/{row['kept_as']} and the revocation recorded in grading/{REVOKED_NAME}.")
        return 0
    result = report(args.course, args.roster)
    done = [r for r in result["rows"] if r["completed"] == "yes"]
    print(f"{len(done)} of {len(result['rows'])} learners completed; report: {result['report']}; "
          f"{len(result['certificates'])} certificate(s) in {result['report'].parent / 'certificates'}.")
    for note in result["notes"]:
        print(note)
    for row in result["rows"]:
        if row["completed"] != "yes":
            print(f"  {row['learner_id']}: {row['not_complete_because']}")
    for learner in result["kept_certificates"]:
        print(f"  {learner}: a certificate issued earlier is kept (a report never withdraws one), although the "
              "learner does not meet completion now; see the reason above")
    for learner, assignment in sorted(result["open_flags"]):
        print(f"  open flag: {learner} {assignment} — review it (make integrity ASSIGNMENT={assignment}), then "
              f"make clear-flag LEARNER={learner} ASSIGNMENT={assignment} BY=\"<you>\" REASON=\"<why>\"")
    if result["placeholders"]:
        print(f"WARNING: course.yml still holds {len(result['placeholders'])} placeholder(s) the program or the "
              f"accredited provider must complete ({', '.join(result['placeholders'][:3])}, ...); certificates print "
              "them as they are. Complete them before issuing certificates to learners.")
    if result["not_on_roster"]:
        print(f"  in the gradebook but not on the roster: {', '.join(result['not_on_roster'])}")
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
