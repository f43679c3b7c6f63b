"""The modified-Angoff worksheet: a blank one with its instructions for the judges, and a filled one read and checked
in full (every problem with its row number) before anything is computed. The method: exocourse.instructor.angoff."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from exocourse.instructor.item_sources import Item
from exocourse.safe_csv import escape_markdown, write_csv

COLUMNS = ["judge", "item", "probability"]
BLANK_JUDGES = 5  # placeholder judges in a blank worksheet; a panel adds or removes blocks of rows
MIN_JUDGES = 2
MAX_PROBLEMS = 20  # problems listed in one message; the rest are counted


class WorksheetError(ValueError):
    """The worksheet cannot be used as it is; the message lists every problem with its row number."""


def provisional(pass_mark_percent: float) -> str:
    return (f"Until a program's standard-setting panel has done this, the course's pass mark of "
            f"{pass_mark_percent:g}% (course.yml pass_mark_percent) is provisional.")


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
