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
import datetime as dt
import sys
from pathlib import Path

from exocourse.instructor.certificates import certificate_id, certificate_path, write_certificate
from exocourse.instructor.completion_rules import ce_info, completion_rows, required_assignments
from exocourse.instructor.flags import CLEARED_NAME, clear_flag, integrity_flags, open_flags, submission_digest
from exocourse.instructor.gradebook import alembic_on_path, db_url_of, gradebook_students, gradebook_submissions
from exocourse.instructor.roster import default_roster, read_roster
from exocourse.safe_csv import read_csv, write_csv

REVOKED_COLUMNS = ["learner_id", "certificate_id", "completion_date", "revoked_by", "reason", "revoked_at",
                   "kept_as"]
REPORT_NAME = "completion_report.csv"
REVOKED_NAME = "revoked_certificates.csv"


def write_report(rows: list[dict], path: Path) -> Path:
    fields = list(dict.fromkeys(key for row in rows for key in row)) or ["learner_id"]
    return write_csv(path, fields, rows)  # the registrar's file: no cell can run as a spreadsheet formula


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
    alembic_on_path()
    manual_grades.record(root / "grading", db_url_of(root))  # hand grades confirmed since the last autograde
    submissions = gradebook_submissions(db_url_of(root))
    notes: list[str] = []
    roster = read_roster(roster_path or default_roster(root), known=gradebook_students(db_url_of(root)), notes=notes)
    checked = ([ce_info(manifest)["pretest"]] if ce_info(manifest).get("pretest") else []) + \
        required_assignments(manifest)
    cleared = read_csv(grading / CLEARED_NAME)
    raw_flags = integrity_flags(root, checked)
    flags = open_flags(raw_flags, cleared, {key: submission_digest(root, *key) for key in raw_flags})
    rows = completion_rows(submissions, manifest, roster, flags, attested(root, manifest))
    revoked = {r["certificate_id"]: r for r in read_csv(grading / REVOKED_NAME)}
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
    issued = [r for r in read_csv(grading / REPORT_NAME) if r.get("learner_id") == learner_id]
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
    write_csv(path, REVOKED_COLUMNS, [*read_csv(path), row])
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
