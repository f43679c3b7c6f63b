"""The instructor's side of the demo class after autograding: scripted manual grades for the written items, the
integrity review (clearing the flags the plan says to clear), and the summaries and table the run ends with.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from exocourse.grading import integrity
from exocourse.instructor import completion
from exocourse.instructor.demo_plan import INSTRUCTOR, MANUAL_SHARE, PLAN, learner_id


def manual_grades(course: Path, cases: dict[tuple[str, str], object]) -> tuple[int, int]:
    """Scripted manual grading of the written items (what an instructor does in formgrader).
    Returns (written answers graded, left pending)."""
    from nbgrader.api import Gradebook, MissingEntry

    graded = pending = 0
    with Gradebook(completion.db_url_of(course)) as gradebook:
        for (lid, assignment), case in sorted(cases.items(), key=lambda item: item[0]):
            if case in ("missing", "dies") or isinstance(case, int):
                continue
            try:
                submission = gradebook.find_submission(assignment, lid)
            except MissingEntry:
                continue
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.cell.cell_type != "markdown":
                        continue
                    if case == "pending":
                        pending += 1
                        continue
                    grade.manual_score = round(grade.max_score * MANUAL_SHARE.get(case, 1.0))
                    grade.needs_manual_grade = False  # what formgrader does when a score is entered
                    comment = next((c for c in notebook.comments if c.cell.name == grade.cell.name), None)
                    if comment is not None:
                        comment.manual_comment = f"Scored against the rubric ({grade.manual_score:g}/" \
                                                 f"{grade.max_score:g})."
                    graded += 1
        gradebook.db.commit()
    return graded, pending


def integrity_review(course: Path, graded_assignments: list[str], class_numbers: list[int]) -> dict[str, dict]:
    """The integrity report of each assignment; the instructor clears the flags the plan says they clear."""
    flags = {a: integrity.report(course, a) for a in graded_assignments}
    for n in class_numbers:
        clear = PLAN[(n - 1) % len(PLAN)].get("clear")
        if clear and learner_id(n) in flags.get(clear, {}):
            completion.clear_flag(course, learner_id(n), clear, by=INSTRUCTOR,
                                  reason="Reviewed: the patched helper changed no automatic mark.")
    return flags


def summary_table(course: Path, assignments: list[str], flags: dict[str, dict]) -> list[dict]:
    """Per assignment: submissions, mean score (of max), flagged, still waiting for a manual grade."""
    subs = completion.gradebook_submissions(completion.db_url_of(course))
    table = []
    for assignment in assignments:
        mine = [s for (_lid, a), s in subs.items() if a == assignment]
        collected = len(list((course / "grading" / "submitted").glob(f"*/{assignment}")))
        table.append({"assignment": assignment, "submissions": len(mine) if assignment in flags else collected,
                      "mean": round(statistics.mean(s.score for s in mine), 2) if mine else 0.0,
                      "max": mine[0].max_score if mine else 0.0, "flagged": len(flags.get(assignment, {})),
                      "pending_manual": sum(s.needs_manual_grade for s in mine)})
    return table


def summaries(course: Path, say) -> None:
    """The knowledge-gain and anonymous evaluation summaries, written under the course's grading/."""
    from exocourse.instructor import evaluation_summary, knowledge_gain

    for label, module in (("knowledge gain", knowledge_gain), ("evaluation summary", evaluation_summary)):
        try:
            module.main([str(course)])
        except Exception as problem:  # a summary must not hide the grading results above
            say(f"{label}: could not be written ({type(problem).__name__}: {problem})")
        else:
            say(f"{label} written")


def print_summary(summary: dict) -> None:
    print()
    print(f"{'assignment':<12}{'submissions':>12}{'mean':>9}{'of':>6}{'flagged':>9}{'pending manual':>16}")
    for row in summary["table"]:
        if not row["max"]:  # the evaluation: collected, never graded
            print(f"{row['assignment']:<12}{row['submissions']:>12}{'ungraded (anonymous summary)':>40}")
            continue
        print(f"{row['assignment']:<12}{row['submissions']:>12}{row['mean']:>9.2f}{row['max']:>6g}"
              f"{row['flagged']:>9}{row['pending_manual']:>16}")
    done = [r for r in summary["rows"] if r["completed"] == "yes"]
    print()
    print(f"Completed: {len(done)} of {len(summary['rows'])} learners; {len(summary['certificates'])} certificates.")
    for row in summary["rows"]:
        if row["completed"] != "yes":
            print(f"  {row['learner_id']}: {row['not_complete_because']}")
    print(f"Gradebook CSV:     {summary['grades_csv']}")
    print(f"Completion report: {summary['report']}")
    print(f"Certificates:      {summary['report'].parent / 'certificates'}")
    print(f"Wall time {summary['wall_seconds']:.0f} s; autograde {summary['autograde_seconds']:.0f} s for "
          f"{summary['autograded']} graded submissions = {summary['seconds_per_submission']:.2f} s per graded "
          "submission (two processes).")
