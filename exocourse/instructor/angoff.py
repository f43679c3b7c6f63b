"""A modified-Angoff worksheet: the post-test cut score a panel of judges recommends.

Each judge pictures a minimally competent clinician (one who has only just earned the course's credit) and writes,
for every post-test item, the probability (0 to 1) that such a clinician answers it correctly. A judge's expected
score is the sum over items of probability × the item's points; the recommended cut score is the mean of the
judges' expected scores, in points and as a percent of the post-test's autograded points. Its spread is given as
the standard deviation across judges (sample SD, n − 1), the lowest and highest judge, and the standard error
(SD / √judges), which shows how far another panel of the same size might move the recommendation.

Until a program's panel has done this, the course's pass mark (course.yml pass_mark_percent, 75%) is provisional.

    python -m exocourse.instructor.angoff                          # a blank grading/angoff/worksheet.csv and worksheet.md
    python -m exocourse.instructor.angoff --worksheet <path.csv>   # grading/angoff/summary.md and summary.csv

The worksheet is checked before anything is computed: a probability that is blank, not a number or outside 0–1, an
unknown item, a judge/item row given twice (each with its row number; the header is row 1), a judge without a row
for every item, or fewer than 2 judges. Nothing is computed from a worksheet with any of these.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exocourse import manifest as course_manifest
from exocourse.instructor.angoff_result import cut_score, result_sentence, write_summary
from exocourse.instructor.angoff_worksheet import BLANK_JUDGES, WorksheetError, provisional, read_worksheet, write_blank
from exocourse.instructor.item_sources import Item, source_items
from exocourse.paths import course_root


def posttest_items(root: Path) -> tuple[str, list[Item]]:
    """(post-test id, its autograded items with their points) from the post-test source notebook."""
    manifest = course_manifest.load_manifest(root)
    posttest = manifest["ce"]["posttest"]
    items = source_items(root, posttest)
    if not items:
        raise WorksheetError(f"The post-test source assignments/source/{posttest}/ has no autograded item, so there "
                             "is nothing to rate.")
    return posttest, items


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m exocourse.instructor.angoff",
                                     description="A modified-Angoff worksheet and the cut score it recommends.")
    parser.add_argument("--worksheet", default="", help="a filled worksheet CSV (none: write a blank one)")
    parser.add_argument("--course", type=Path, default=None, help="the course folder (default: this one)")
    args = parser.parse_args(argv)
    root = args.course or course_root()
    pass_mark = course_manifest.load_manifest(root)["pass_mark_percent"]
    posttest, items = posttest_items(root)
    folder = root / "grading" / "angoff"
    if not args.worksheet:
        worksheet, instructions, fresh = write_blank(folder, posttest, items, pass_mark)
        if fresh:
            print(f"Written: a blank worksheet {worksheet} ({len(items)} items × {BLANK_JUDGES} placeholder judges) "
                  f"and its instructions {instructions.name}.")
        else:
            print(f"{worksheet} already exists and may hold ratings, so it was left as it is (move it away for a "
                  f"fresh blank one). Instructions: {instructions}.")
        shown = worksheet.relative_to(root) if worksheet.is_relative_to(root) else worksheet
        print(f"When it is filled in: make angoff WORKSHEET={shown}")
        print(provisional(pass_mark))
        return 0
    worksheet = Path(args.worksheet)
    result = cut_score(read_worksheet(worksheet, items), items)
    md, csv_path = write_summary(folder, result, items, posttest, pass_mark, worksheet)
    print(result_sentence(result))
    print(provisional(pass_mark))
    print(f"Written: {md} and {csv_path.name}")
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
