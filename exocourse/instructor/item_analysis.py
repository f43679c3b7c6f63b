"""Item analysis: which graded questions of an assignment work, for the instructor and a CE reviewer.

For every autograded item of one assignment (an nbgrader grade cell that runs tests; hand-graded answers are left
out), read from the gradebook (grading/gradebook.db):

* learners graded: the submissions that have a score for the item. An instructor's manual score, where given,
  replaces the autograder's; extra credit is left out, so an item's score stays between 0 and its points.
* difficulty: the proportion of the item's points earned, mean score / points (1.0: every learner right).
* discrimination: the point-biserial correlation of the item score with the rest-of-test score (the learner's total
  autograded score minus this item), computed as Pearson's r, which is the point-biserial for a right/wrong item.
  It cannot be computed (shown as —) when every learner had the same score on the item or on the rest.
* upper-lower index: the proportion of the item's points earned in the top group minus that in the bottom group
  (for a right/wrong item: the proportion correct). Learners are sorted by total autograded score, then by learner
  id, both ascending; the bottom group is the first n_group learners and the top group the last n_group, with
  n_group = max(1, 27% of n rounded to the nearest whole number, halves up): 6 learners give groups of 2, 12 of 3,
  50 of 14. A tie in total at a group's edge is so split by learner id: arbitrary, but the same on every run.

Discrimination and the upper-lower index use the learners graded on every item that has any graded answer (their
total needs all of them); difficulty uses every learner graded on the item.

For a multiple-choice item (its test cell calls check_form or check_answer with kind="choice"), the share of
learners choosing each option is read from the submitted notebooks (grading/submitted/<learner>/<assignment>/),
parsing the answer cells with `ast` (exocourse.lessons.evaluation_form.parse_answers): learner code is never run. The keyed
option is the one matching the hidden test's salted key (exocourse.answers), else the source notebook's solution.

Each item gets plain-language flags: too easy (difficulty above 0.9), too hard (below 0.3), discrimination below
0.2, a distractor nobody chose, a distractor chosen by more learners of the top group than of the bottom group.
With fewer than MEANINGFUL learners the report still gives the counts, and says plainly that the statistics are
not yet meaningful.

    python -m exocourse.instructor.item_analysis <assignment>   # writes grading/item_analysis/<assignment>.md, .csv and .html
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from exocourse.instructor.item_report import cohort_sentence, not_meaningful, write_report
from exocourse.instructor.item_sources import ItemAnalysisError, gradebook_scores, learner_choices, source_items
from exocourse.instructor.item_statistics import analyse
from exocourse.paths import course_root

ASSIGNMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def analyse_assignment(root: Path, assignment: str) -> dict:
    """The item analysis of `assignment` in the course folder `root`, read from its gradebook and submissions."""
    if not isinstance(assignment, str) or not ASSIGNMENT_NAME.fullmatch(assignment):
        shown = str(assignment)[:40]
        raise ItemAnalysisError(f"{shown!r} is not an assignment name; give one such as ps1 "
                                "(make item-analysis ASSIGNMENT=ps1)." if shown else
                                "Give the assignment to analyse, for example make item-analysis ASSIGNMENT=ps1.")
    root = Path(root)
    items, scores = gradebook_scores(root / "grading" / "gradebook.db", assignment)
    described = {(i.notebook, i.name): i for i in source_items(root, assignment)}
    for item in items:
        source = described.get((item.notebook, item.name))
        if source:
            item.question, item.variable, item.kind = source.question, source.variable, source.kind
            item.choices, item.key, item.position = source.choices, source.key, source.position
    items.sort(key=lambda i: (i.position == (), i.position or (i.notebook, i.name)))
    if not any(value is not None for row in scores.values() for value in row.values()):
        raise ItemAnalysisError(f"No answer to {assignment} has been graded yet: autograde it first "
                                f"(make autograde ASSIGNMENT={assignment}).")
    choices = learner_choices(root, assignment, sorted(scores), items)
    return {"assignment": assignment, **analyse(items, scores, choices)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m exocourse.instructor.item_analysis",
                                     description="Item difficulty, discrimination and options of an assignment.")
    parser.add_argument("assignment", help="the assignment, for example ps1")
    parser.add_argument("--course", type=Path, default=None, help="the course folder (default: this one)")
    args = parser.parse_args(argv)
    root = args.course or course_root()
    report = analyse_assignment(root, args.assignment)
    paths = write_report(report, root / "grading" / "item_analysis")
    print(cohort_sentence(report))
    if not report["meaningful"]:
        print(not_meaningful(report))
    flagged = [row["item"].label for row in report["items"] if row["flags"]]
    print(f"Flagged: {', '.join(flagged)}." if flagged else "No item is flagged.")
    print(f"Written: {paths[0]}, {paths[1].name} and {paths[2].name}")
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
