"""Delete one learner's data from the course on request.

    python -m exocourse.instructor.learner_data forget <learner id>          (dry run: lists what would go)
    python -m exocourse.instructor.learner_data forget <learner id> --yes    (deletes it)
    make forget-learner LEARNER=<learner id> [YES=1]

What goes, everywhere under grading/ (and the roster the program supplies, if given): the learner's submitted,
autograded and feedback folders, integrity logs, certificates, feedback archives (`make feedback-archive`), their
submissions and released feedback in the exchange, submit-cache copies, their rows in the roster and in every CSV
report (gradebook export, completion report, cleared flags, knowledge gain), and the learner with all their
submissions in the gradebook (nbgrader's `remove_student`), also in every gradebook backup under grading/backups/
(`make backup`); the knowledge-gain report and, if the learner handed in an evaluation, the anonymous evaluation
summary are rebuilt without them. Backups kept elsewhere (an older habit, or the machine's own backup) are the
program's to purge: the command says so.

Accredited CE: the program must be able to verify participation for 6 years. The registrar's copy of the
completion report is that record; check with the CE office before deleting a learner who earned credit (the
command says so when the learner has a completion row marked completed).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sqlite3
import sys
from pathlib import Path

from exocourse.instructor.learner_plan import Plan, plan, rows_without
from exocourse.safe_csv import write_csv


def forget(root: Path, learner_id: str, roster: Path | None = None, exchange: Path | None = None) -> Plan:
    """Delete everything `plan` lists. Returns the plan that was carried out."""
    from exocourse.instructor.gradebook import db_url_of

    done = plan(root, learner_id, roster, exchange)
    for path in done.paths:
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
        except PermissionError:
            # On TLJH the learner's own account owns their submission folders in the hub's exchange.
            done.not_removed.append(path)
    for path in done.csv_rows:
        fields, keep, _removed = rows_without(path, learner_id)
        write_csv(path, fields, keep)  # atomic: never a half-written roster
    if done.in_gradebook:
        from nbgrader.api import Gradebook

        with Gradebook(db_url_of(Path(root).resolve())) as gradebook:
            gradebook.remove_student(learner_id)  # also removes their submissions and grades
        # SQLite keeps deleted rows in free pages until the file is rebuilt: rebuild it so nothing is recoverable.
        connection = sqlite3.connect(Path(root).resolve() / "grading" / "gradebook.db")
        connection.execute("VACUUM")
        connection.close()
    for path in done.backups:
        from exocourse.instructor import backups

        backups.remove_learner(path, learner_id)
    if done.rewrites:
        from exocourse.instructor import knowledge_gain

        knowledge_gain.main([str(Path(root).resolve())])
    if done.evaluation_summary:
        from exocourse.instructor import evaluation_summary

        evaluation_summary.main([str(Path(root).resolve())])
    return done


def describe(result: Plan, root: Path, dry_run: bool) -> list[str]:
    verb = "would remove" if dry_run else "removed"
    root = Path(root).resolve()
    lines = []

    def shown(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(root))
        except ValueError:
            return str(path)

    for path in result.paths:
        if path in result.not_removed:
            lines.append(f"could NOT remove {shown(path)}{'/' if path.is_dir() else ''} (permission denied)")
        else:
            lines.append(f"{verb} {shown(path)}{'/' if path.is_dir() else ''}")
    if result.not_removed:
        folders = sorted({str(p.parent) for p in result.not_removed})
        lines.append("The learner's own account owns these (on TLJH, their submissions in the exchange): ask IT to "
                     "run, as root: " + "; ".join(f"sudo rm -rf {shlex.quote(f)}/{shlex.quote(result.learner_id)}+*"
                                                  for f in folders))
    for path, count in result.csv_rows.items():
        lines.append(f"{verb} {count} row(s) from {shown(path)}")
    for path in result.rewrites:
        lines.append(f"{'would rewrite' if dry_run else 'rewrote'} {shown(path)} without {result.learner_id}")
    if result.in_gradebook:
        lines.append(f"{verb} {result.learner_id} and {result.gradebook_submissions} submission(s) from the gradebook")
    for path in result.backups:
        lines.append(f"{verb} {result.learner_id} from the gradebook backup {shown(path)}")
    for path in result.evaluation_summary:
        lines.append(f"{'would rebuild' if dry_run else 'rebuilt'} {shown(path)} without {result.learner_id}'s "
                     "evaluation")
    if result.empty():
        lines.append(f"No data for {result.learner_id} in {root}.")
    if result.earned_credit:
        lines.append("NOTE: this learner completed the course. Accredited CE keeps participation records for 6 "
                     "years: make sure the CE registrar holds their completion record before deleting the course's "
                     "copy.")
    if not result.empty():
        lines.append("Copies outside this course folder (your own backups, exports you sent on) are yours to delete "
                     "under the program's retention policy.")
    if dry_run and not result.empty():
        lines.append("Dry run: nothing was deleted. Add --yes to delete (with make: YES=1).")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exocourse.instructor.learner_data", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    forget_parser = sub.add_parser("forget", help="delete one learner's data (dry run unless --yes)")
    forget_parser.add_argument("learner")
    forget_parser.add_argument("--yes", action="store_true", help="really delete")
    forget_parser.add_argument("--course", type=Path, default=Path.cwd(), help="course folder (default: here)")
    forget_parser.add_argument("--roster", type=Path, default=os.environ.get("EXOCOURSE_ROSTER") or None,
                               help="the program's roster CSV, if it lives outside grading/ ($EXOCOURSE_ROSTER)")
    forget_parser.add_argument("--exchange", type=Path, help="the nbgrader exchange root, when it is not "
                                                             "grading/exchange (on a hub: /srv/nbgrader/exchange)")
    args = parser.parse_args(argv)
    action = forget if args.yes else plan
    result = action(args.course, args.learner, args.roster, args.exchange)
    print("\n".join(describe(result, args.course, dry_run=not args.yes)))
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
