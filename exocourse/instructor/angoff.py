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
import csv
import io
import math
import statistics
import sys
from pathlib import Path

from exocourse import manifest as course_manifest
from exocourse.instructor.item_sources import Item, source_items
from exocourse.paths import course_root
from exocourse.safe_csv import escape_markdown, write_csv

COLUMNS = ["judge", "item", "probability"]
SUMMARY_COLUMNS = ["measure", "judge", "points", "percent_of_posttest"]
BLANK_JUDGES = 5  # placeholder judges in a blank worksheet; a panel adds or removes blocks of rows
MIN_JUDGES = 2
MAX_PROBLEMS = 20  # problems listed in one message; the rest are counted


class WorksheetError(ValueError):
    """The worksheet cannot be used as it is; the message lists every problem with its row number."""


def provisional(pass_mark_percent: float) -> str:
    return (f"Until a program's standard-setting panel has done this, the course's pass mark of "
            f"{pass_mark_percent:g}% (course.yml pass_mark_percent) is provisional.")


def posttest_items(root: Path) -> tuple[str, list[Item]]:
    """(post-test id, its autograded items with their points) from the post-test source notebook."""
    manifest = course_manifest.load_manifest(root)
    posttest = manifest["ce"]["posttest"]
    items = source_items(root, posttest)
    if not items:
        raise WorksheetError(f"The post-test source assignments/source/{posttest}/ has no autograded item, so there "
                             "is nothing to rate.")
    return posttest, items


# ------------------------------------------------------------------------------------------ blank worksheet ---
def blank_rows(items: list[Item], judges: int = BLANK_JUDGES) -> list[dict]:
    """One row per judge × item, probability blank; judges are placeholders ("judge 1" …) to replace."""
    return [{"judge": f"judge {n}", "item": item.name, "probability": ""}
            for n in range(1, judges + 1) for item in items]


def instructions_markdown(posttest: str, items: list[Item], pass_mark_percent: float) -> str:
    total = math.fsum(i.points for i in items)
    lines = [f"# Modified-Angoff worksheet: {posttest}", "",
             provisional(pass_mark_percent), "",
             "## What each judge does", "",
             "1. Picture a **minimally competent** clinician: one who has only just earned the credit for this "
             "course, not an average or an excellent learner.",
             "2. Read each post-test item with its answer key (the source notebook, "
             f"assignments/source/{posttest}/), taking it as a learner would.",
             "3. For each item, write the probability (a number from 0 to 1, such as 0.7 for 70%) that this "
             "clinician answers it correctly, in the `probability` column of worksheet.csv.",
             "4. Judge on your own first; a panel may then discuss items where judges differ widely, and revise.", "",
             "## Filling in worksheet.csv", "",
             f"- One row per judge and item: the blank has {BLANK_JUDGES} placeholder judges (\"judge 1\" …). "
             "Replace them with the judges' names or initials; copy a block of rows for more judges, delete a block "
             f"for fewer (at least {MIN_JUDGES} judges; panels of 5 to 10 are usual).",
             "- Keep the item ids as they are, and give each judge exactly one row per item.",
             "- Then run `make angoff WORKSHEET=grading/angoff/worksheet.csv`: it checks the worksheet (every "
             "problem with its row number) and writes summary.md and summary.csv here.", "",
             f"## The items ({len(items)}, {total:g} autograded points)", "",
             "| Item | Question | Points |", "|---|---|---:|"]
    lines += [f"| {escape_markdown(i.name)} | {escape_markdown(i.question or i.name)} | {i.points:g} |"
              for i in items]
    return "\n".join(lines) + "\n"


def write_blank(folder: Path, posttest: str, items: list[Item], pass_mark_percent: float) -> tuple[Path, Path, bool]:
    """Write worksheet.csv (unless one exists: it may hold ratings) and worksheet.md into `folder`.
    Returns (worksheet, instructions, whether the worksheet was written)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    worksheet, instructions = folder / "worksheet.csv", folder / "worksheet.md"
    fresh = not worksheet.exists()
    if fresh:
        write_csv(worksheet, COLUMNS, blank_rows(items))
    instructions.write_text(instructions_markdown(posttest, items, pass_mark_percent), encoding="utf-8")
    return worksheet, instructions, fresh


# -------------------------------------------------------------------------------------------- reading a sheet ---
def _text(path: Path) -> str:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise WorksheetError(f"There is no worksheet at {path}; run make angoff without WORKSHEET for a blank "
                             "one.") from None
    except IsADirectoryError:
        raise WorksheetError(f"{path} is a folder, not a worksheet file.") from None
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        raise WorksheetError(f"The worksheet {path} is not UTF-8 text; save it as \"CSV UTF-8\" and try "
                             "again.") from None


def _probability(text: str) -> tuple[float | None, str | None]:
    """(probability, None) or (None, what is wrong with it)."""
    if not text:
        return None, "is blank"
    try:
        value = float(text)
    except ValueError:
        return None, f"{text[:20]!r} is not a number"
    if not math.isfinite(value):
        return None, f"{text[:20]!r} is not a finite number"
    if not 0 <= value <= 1:
        hint = f" (for {value:g}%, write {value / 100:g})" if 1 < value <= 100 else ""
        return None, f"{value:g} is outside 0 to 1{hint}"
    return value, None


def read_worksheet(path: Path, items: list[Item]) -> dict[str, dict[str, float]]:
    """{judge: {item: probability}} from a filled worksheet, checked in full first: every problem is reported,
    with its row number (the header is row 1), and nothing is returned until the worksheet is right."""
    reader = csv.DictReader(io.StringIO(_text(path), newline=""))
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        found = ", ".join(repr(c) for c in reader.fieldnames or []) or "no header row"
        raise WorksheetError(f"The worksheet {path} lacks the column(s) {', '.join(missing)} (found: {found}); it "
                             f"needs the columns {', '.join(COLUMNS)}.")
    known = [item.name for item in items]
    problems: list[str] = []
    ratings: dict[str, dict[str, float]] = {}
    first_row: dict[tuple[str, str], int] = {}
    judge_rows: dict[str, list[int]] = {}
    for raw in reader:
        number = reader.line_num  # the file's line, which is the spreadsheet's row number
        row = {column: (raw.get(columns[column]) or "").strip() for column in COLUMNS}
        if not any(row.values()):
            continue  # an empty row
        judge, item = row["judge"], row["item"]
        if not judge:
            problems.append(f"row {number}: the judge is blank")
            continue
        judge_rows.setdefault(judge, []).append(number)
        if not item:
            problems.append(f"row {number} ({judge}): the item is blank")
            continue
        if item not in known:
            problems.append(f"row {number} ({judge}): {item!r} is not an item of the post-test; worksheet.md lists "
                            "the items")
            continue
        if (judge, item) in first_row:
            problems.append(f"row {number}: judge {judge} rated item {item} again (first on row "
                            f"{first_row[(judge, item)]})")
            continue
        first_row[(judge, item)] = number
        value, wrong = _probability(row["probability"])
        if wrong:
            problems.append(f"row {number} ({judge}, {item}): the probability {wrong}")
            continue
        ratings.setdefault(judge, {})[item] = value
    for judge, rows in judge_rows.items():
        rated = {item for (j, item) in first_row if j == judge}
        absent = [item for item in known if item not in rated]
        if absent:
            where = f"row {rows[0]}" if len(rows) == 1 else f"rows {rows[0]}–{rows[-1]}"
            problems.append(f"{where}: judge {judge} has no row for item(s) {', '.join(absent)}")
    if len(judge_rows) < MIN_JUDGES:
        named = f" ({', '.join(judge_rows)})" if judge_rows else ""
        problems.append(f"the worksheet has {len(judge_rows)} judge(s){named}; a cut score needs at least "
                        f"{MIN_JUDGES}")
    if problems:
        shown = problems[:MAX_PROBLEMS] + ([f"and {len(problems) - MAX_PROBLEMS} more problem(s)"]
                                           if len(problems) > MAX_PROBLEMS else [])
        raise WorksheetError(f"Worksheet {path}: " + "; ".join(shown) + ". Nothing was computed. Probabilities "
                             "are numbers from 0 to 1 (0.7 for 70%); fix the worksheet and run make angoff again.")
    return ratings


# ------------------------------------------------------------------------------------------------- the result ---
def cut_score(ratings: dict[str, dict[str, float]], items: list[Item]) -> dict:
    """Each judge's expected score (sum of probability × points), and the panel's recommended cut score (the mean)
    with its SD across judges (n − 1), lowest and highest judge and standard error (SD / √judges): in points and
    as a percent of the items' points."""
    points = {item.name: item.points for item in items}
    total = math.fsum(points.values())
    expected = {judge: math.fsum(p * points[item] for item, p in rated.items())
                for judge, rated in sorted(ratings.items())}
    values = list(expected.values())
    mean = math.fsum(values) / len(values)
    sd = statistics.stdev(values)
    low, high = min(values), max(values)

    def percent(value: float) -> float:
        return 100 * value / total if total else math.nan

    return {"judges": len(values), "total_points": total, "expected": expected,
            "expected_percent": {judge: percent(value) for judge, value in expected.items()},
            "mean": mean, "mean_percent": percent(mean), "sd": sd, "sd_percent": percent(sd),
            "min": low, "min_percent": percent(low), "max": high, "max_percent": percent(high),
            "lowest": [j for j, v in expected.items() if v == low], "highest": [j for j, v in expected.items()
                                                                                if v == high],
            "se": sd / math.sqrt(len(values)), "se_percent": percent(sd / math.sqrt(len(values))),
            "item_means": {item.name: math.fsum(ratings[j][item.name] for j in ratings) / len(ratings)
                           for item in items},
            "item_ranges": {item.name: (min(ratings[j][item.name] for j in ratings),
                                        max(ratings[j][item.name] for j in ratings)) for item in items}}


def whole_points(result: dict, items: list[Item]) -> int | None:
    """The least whole score that reaches the recommended cut, when every item is worth whole points (else None)."""
    if not all(float(item.points).is_integer() for item in items):
        return None
    return course_manifest.pass_points(result["mean_percent"], result["total_points"])


def result_sentence(result: dict) -> str:
    return (f"{result['judges']} judges recommend a cut score of {result['mean']:.2f} of "
            f"{result['total_points']:g} points ({result['mean_percent']:.1f}%): SD {result['sd']:.2f} points "
            f"({result['sd_percent']:.1f}%), range {result['min']:.2f}–{result['max']:.2f} points "
            f"({result['min_percent']:.1f}–{result['max_percent']:.1f}%), standard error {result['se']:.2f} points "
            f"({result['se_percent']:.1f}%).")


def summary_markdown(result: dict, items: list[Item], posttest: str, pass_mark_percent: float,
                     worksheet: Path) -> str:
    compare = ("the same as" if math.isclose(result["mean_percent"], pass_mark_percent) else
               "below" if result["mean_percent"] < pass_mark_percent else "above")
    least = whole_points(result, items)
    reach = (f"A learner reaches it with at least {least} of {result['total_points']:g} points. "
             if least is not None else "")
    lines = [f"# Modified-Angoff cut score: {posttest}", "", result_sentence(result), "",
             f"{reach}It is {compare} the course's current pass mark of {pass_mark_percent:g}%.", "",
             provisional(pass_mark_percent) + " The program adopts a cut score by "
             "changing pass_mark_percent in course.yml (and announcing it to learners before they take the "
             "post-test).", "",
             f"Worksheet: {escape_markdown(worksheet)}", "",
             "## Each judge's expected score", "", "| Judge | Expected score (points) | Percent |", "|---|---:|---:|"]
    lines += [f"| {escape_markdown(judge)} | {value:.2f} | {result['expected_percent'][judge]:.1f} |"
              for judge, value in result["expected"].items()]
    lines += ["", "## The panel", "", "| Measure | Points | Percent |", "|---|---:|---:|",
              f"| Recommended cut score (mean of judges) | {result['mean']:.2f} | {result['mean_percent']:.1f} |",
              f"| Standard deviation across judges (n − 1) | {result['sd']:.2f} | {result['sd_percent']:.1f} |",
              f"| Lowest judge ({escape_markdown(', '.join(result['lowest']))}) | {result['min']:.2f} | "
              f"{result['min_percent']:.1f} |",
              f"| Highest judge ({escape_markdown(', '.join(result['highest']))}) | {result['max']:.2f} | "
              f"{result['max_percent']:.1f} |",
              f"| Standard error (SD / √{result['judges']}) | {result['se']:.2f} | {result['se_percent']:.1f} |",
              "", "## Items", "", "Items where judges differ widely are worth discussing before a second round.", "",
              "| Item | Question | Points | Mean probability | Lowest–highest |", "|---|---|---:|---:|---:|"]
    for item in items:
        low, high = result["item_ranges"][item.name]
        lines.append(f"| {escape_markdown(item.name)} | {escape_markdown(item.question or item.name)} | "
                     f"{item.points:g} | {result['item_means'][item.name]:.2f} | {low:.2f}–{high:.2f} |")
    return "\n".join(lines) + "\n"


def summary_rows(result: dict) -> list[tuple]:
    rows = [("expected score", judge, round(value, 4), round(result["expected_percent"][judge], 2))
            for judge, value in result["expected"].items()]
    rows += [("recommended cut score (mean)", "", round(result["mean"], 4), round(result["mean_percent"], 2)),
             ("standard deviation across judges", "", round(result["sd"], 4), round(result["sd_percent"], 2)),
             ("lowest judge", "; ".join(result["lowest"]), round(result["min"], 4), round(result["min_percent"], 2)),
             ("highest judge", "; ".join(result["highest"]), round(result["max"], 4),
              round(result["max_percent"], 2)),
             ("standard error", "", round(result["se"], 4), round(result["se_percent"], 2)),
             ("post-test autograded points", "", result["total_points"], 100)]
    return rows


def write_summary(folder: Path, result: dict, items: list[Item], posttest: str, pass_mark_percent: float,
                  worksheet: Path) -> tuple[Path, Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    md = folder / "summary.md"
    csv_path = write_csv(folder / "summary.csv", SUMMARY_COLUMNS, summary_rows(result))
    md.write_text(summary_markdown(result, items, posttest, pass_mark_percent, worksheet), encoding="utf-8")
    return md, csv_path


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
