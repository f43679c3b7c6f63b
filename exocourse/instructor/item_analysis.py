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
parsing the answer cells with `ast` (exocourse.instructor.evaluation_form.parse_answers): learner code is never run. The keyed
option is the one matching the hidden test's salted key (exocourse.answers), else the source notebook's solution.

Each item gets plain-language flags: too easy (difficulty above 0.9), too hard (below 0.3), discrimination below
0.2, a distractor nobody chose, a distractor chosen by more learners of the top group than of the bottom group.
With fewer than MEANINGFUL learners the report still gives the counts, and says plainly that the statistics are
not yet meaningful.

    python -m exocourse.instructor.item_analysis <assignment>   # writes grading/item_analysis/<assignment>.md, .csv and .html
"""

from __future__ import annotations

import argparse
import ast
import html
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from exocourse.answers import AnswerFormError, matches, normalise_choice
from exocourse.lessons.evaluation_form import parse_answers
from exocourse.paths import course_root
from exocourse.safe_csv import escape_markdown, write_csv

MEANINGFUL = 10  # fewer graded learners than this: the statistics are not yet meaningful
TOO_EASY, TOO_HARD, LOW_DISCRIMINATION = 0.9, 0.3, 0.2
GROUP_PERCENT = 27
NO_VALID_ANSWER = "no valid answer"  # blank, or not one of the item's options
NOT_READ = "notebook not read"  # the submitted notebook is missing or unreadable
ASSIGNMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
COLUMNS = ["notebook", "item", "question", "points", "learners_graded", "difficulty", "discrimination",
           "upper_lower_index", "keyed_option", "option_counts", "flags"]


class ItemAnalysisError(ValueError):
    """The analysis cannot be made; the message says why in one sentence."""


@dataclass
class Item:
    """An autograded item: its grade cell, and what its test cell tells about the answer."""

    notebook: str
    name: str  # the grade cell's id
    points: float
    question: str = ""  # the label the learner sees ("Question 1"); the grade id when unknown
    variable: str | None = None  # the answer variable the test checks
    kind: str | None = None  # "choice", "letters" or "number"
    choices: str = "ABCD"
    key: str | None = None  # the keyed option of a multiple-choice item
    position: tuple = ()  # (notebook, cell number) in the source notebook, for the report's order

    @property
    def multiple_choice(self) -> bool:
        return self.kind == "choice" and bool(self.variable)

    @property
    def label(self) -> str:
        return f"{self.question} ({self.name})" if self.question and self.question != self.name else self.name


# ------------------------------------------------------------------------------------- the source notebook ---
def _test_call(source: str) -> dict:
    """What a test cell's check_form/check_answer calls say: question, variable, kind, choices and salted key."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    found: dict = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        texts = [a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if name not in ("check_form", "check_answer") or len(texts) < 2:
            continue
        keywords = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
        found.setdefault("question", texts[0])
        found.setdefault("variable", texts[1])
        found.setdefault("kind", keywords.get("kind", "choice"))
        found.setdefault("choices", keywords.get("choices", "ABCD"))
        if name == "check_answer" and isinstance(keywords.get("key"), str):
            found["key"] = keywords["key"]
    return found


def _keyed_option(variable: str, choices: str, salted_key: str | None, solution) -> str | None:
    """The option the autograder marks right: the one matching the salted key, else the source's solution."""
    if salted_key:
        for letter in choices:
            if matches(variable, letter, salted_key):
                return letter
    try:
        return normalise_choice(solution, choices)
    except AnswerFormError:
        return None


def source_items(root: Path, assignment: str) -> list[Item]:
    """The autograded items (grade cells that are not solution cells) of the source assignment
    assignments/source/<assignment>/*.ipynb, in notebook order, with their points and answer details."""
    items = []
    for path in sorted((Path(root) / "assignments" / "source" / assignment).glob("*.ipynb")):
        try:
            text = path.read_text(encoding="utf-8")
            cells = json.loads(text).get("cells", [])
        except (OSError, UnicodeDecodeError, ValueError, AttributeError):
            continue
        found = []
        for number, cell in enumerate(cells if isinstance(cells, list) else []):
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            if not meta.get("grade") or meta.get("solution"):
                continue
            source = cell.get("source", "")
            call = _test_call("".join(source) if isinstance(source, list) else str(source))
            found.append(Item(path.stem, str(meta.get("grade_id", "")), float(meta.get("points") or 0),
                              call.get("question", ""), call.get("variable"), call.get("kind"),
                              str(call.get("choices") or "ABCD"), call.get("key"), (path.stem, number)))
        solutions = parse_answers(text, {i.variable for i in found if i.multiple_choice})
        for item in found:  # the salted key becomes the keyed option; other items have none
            item.key = (_keyed_option(item.variable, item.choices, item.key, solutions.get(item.variable))
                        if item.multiple_choice else None)
        items += found
    return items


# --------------------------------------------------------------------------------------------- the gradebook ---
def _graded_score(grade) -> float | None:
    """The item score of one grade: the manual score if given, else the autograder's; None if not graded."""
    score = grade.manual_score if grade.manual_score is not None else grade.auto_score
    return None if score is None else float(score)


def gradebook_scores(database: Path, assignment: str) -> tuple[list[Item], dict[str, dict[tuple, float | None]]]:
    """(autograded items, {learner: {(notebook, item): score or None}}) of `assignment` in the gradebook at
    `database`. Raises ItemAnalysisError, in one sentence, when there is no gradebook, no such assignment, no
    autograded item or no submission."""
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SQLAlchemyError

    from exocourse.instructor.gradebook import alembic_on_path

    database = Path(database)
    if not database.is_file():  # never let nbgrader create an empty one
        raise ItemAnalysisError(f"There is no gradebook at {database} yet: autograde {assignment} first "
                                f"(make autograde ASSIGNMENT={assignment}).")
    alembic_on_path()
    try:
        with Gradebook(f"sqlite:///{database}") as gradebook:
            try:
                found = gradebook.find_assignment(assignment)
            except MissingEntry:
                known = sorted(a.name for a in gradebook.assignments)
                raise ItemAnalysisError(
                    f"The gradebook has no assignment called {assignment!r} (it has: "
                    f"{', '.join(known) or 'none yet'}); check the name, or autograde it first.") from None
            items = []
            for notebook in found.notebooks:
                solution = {cell.name for cell in notebook.solution_cells}
                items += [Item(notebook.name, cell.name, float(cell.max_score or 0)) for cell in notebook.grade_cells
                          if cell.cell_type == "code" and cell.name not in solution]
            if not items:
                raise ItemAnalysisError(f"{assignment} has no autograded item (every graded answer is marked by "
                                        "hand), so there is nothing to analyse.")
            wanted = {(i.notebook, i.name) for i in items}
            scores: dict[str, dict[tuple, float | None]] = {}
            for submission in found.submissions:
                row = dict.fromkeys(wanted)
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if (notebook.name, grade.name) in wanted:
                            row[(notebook.name, grade.name)] = _graded_score(grade)
                scores[submission.student.id] = row
    except SQLAlchemyError as problem:
        raise ItemAnalysisError(f"The gradebook {database} cannot be read ({type(problem).__name__}); restore it "
                                "from grading/backups/ or autograde again.") from None
    if not scores:
        raise ItemAnalysisError(f"No learner has submitted {assignment} yet, so there is nothing to analyse.")
    return items, scores


# ----------------------------------------------------------------------------------------- learners' choices ---
def learner_choices(root: Path, assignment: str, learners: list[str], items: list[Item]) -> dict[str, dict]:
    """{learner: {(notebook, item): option letter, NO_VALID_ANSWER or NOT_READ}} for the multiple-choice items,
    read from the submitted notebooks without running them."""
    by_notebook: dict[str, list[Item]] = {}
    for item in items:
        if item.multiple_choice:
            by_notebook.setdefault(item.notebook, []).append(item)
    chosen: dict[str, dict] = {}
    for learner in learners:
        chosen[learner] = {}
        for notebook, nb_items in by_notebook.items():
            folder = Path(root) / "grading" / "submitted" / learner / assignment
            try:
                if learner in (".", "..") or "/" in learner or "\\" in learner:
                    raise OSError("not a folder name")
                values = parse_answers((folder / f"{notebook}.ipynb").read_text(encoding="utf-8"),
                                       {i.variable for i in nb_items})
            except (OSError, UnicodeDecodeError):
                chosen[learner].update({(notebook, i.name): NOT_READ for i in nb_items})
                continue
            for item in nb_items:
                try:
                    chosen[learner][(notebook, item.name)] = normalise_choice(values.get(item.variable), item.choices)
                except AnswerFormError:
                    chosen[learner][(notebook, item.name)] = NO_VALID_ANSWER
    return chosen


# -------------------------------------------------------------------------------------------------- statistics ---
def group_size(n: int) -> int:
    """Learners in each of the top and bottom groups: 27% of n, rounded to the nearest whole number (halves up),
    at least 1."""
    return max(1, (GROUP_PERCENT * n + 50) // 100)


def point_biserial(item_scores: list[float], rest_scores: list[float]) -> float | None:
    """Pearson's r of item score and rest-of-test score (the point-biserial for a right/wrong item); None when
    either has no spread or there are fewer than 2 learners."""
    n = len(item_scores)
    if n < 2:
        return None
    mean_x, mean_y = math.fsum(item_scores) / n, math.fsum(rest_scores) / n
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(item_scores, rest_scores, strict=True))
    sxx = math.fsum((x - mean_x) ** 2 for x in item_scores)
    syy = math.fsum((y - mean_y) ** 2 for y in rest_scores)
    if sxx < 1e-12 or syy < 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def _mean_proportion(scores: list[float], points: float) -> float | None:
    return math.fsum(scores) / len(scores) / points if scores and points else None


def analyse(items: list[Item], scores: dict[str, dict[tuple, float | None]],
            choices: dict[str, dict] | None = None) -> dict:
    """The item statistics, options and flags of one assignment from its items and learners' item scores
    (None: not graded) and, for multiple-choice items, learners' choices."""
    choices = choices or {}
    learners = sorted(scores)
    analysable = [i for i in items if any(scores[learner].get((i.notebook, i.name)) is not None
                                          for learner in learners)]
    analysable_keys = {(i.notebook, i.name) for i in analysable}
    complete = [learner for learner in learners
                if all(scores[learner].get((i.notebook, i.name)) is not None for i in analysable)]
    total = {learner: math.fsum(scores[learner][(i.notebook, i.name)] for i in analysable) for learner in complete}
    ordered = sorted(complete, key=lambda learner: (total[learner], learner))
    size = group_size(len(ordered)) if ordered else 0
    bottom, top = ordered[:size], ordered[len(ordered) - size:]
    meaningful = len(complete) >= MEANINGFUL
    results = []
    for item in items:
        key = (item.notebook, item.name)
        graded = [learner for learner in learners if scores[learner].get(key) is not None]
        row = {"item": item, "graded": len(graded),
               "difficulty": _mean_proportion([scores[learner][key] for learner in graded], item.points),
               "discrimination": None, "upper_lower": None, "options": None, "top": None, "bottom": None}
        if key in analysable_keys and complete:
            row["discrimination"] = point_biserial([scores[learner][key] for learner in complete],
                                                   [total[learner] - scores[learner][key] for learner in complete])
            high = _mean_proportion([scores[learner][key] for learner in top], item.points)
            low = _mean_proportion([scores[learner][key] for learner in bottom], item.points)
            row["upper_lower"] = None if high is None or low is None else high - low
        if item.multiple_choice and graded:
            picks = {learner: choices.get(learner, {}).get(key, NOT_READ) for learner in graded}
            categories = [*item.choices, NO_VALID_ANSWER, NOT_READ]
            row["options"] = {c: sum(p == c for p in picks.values()) for c in categories}
            row["top"] = {c: sum(picks.get(learner) == c for learner in top) for c in categories}
            row["bottom"] = {c: sum(picks.get(learner) == c for learner in bottom) for c in categories}
        row["flags"] = item_flags(row)
        results.append(row)
    return {"learners": len(learners), "complete": len(complete), "group_size": size, "meaningful": meaningful,
            "items": results}


def item_flags(row: dict) -> list[str]:
    """Plain-language flags of one analysed item (an empty list: nothing to look at)."""
    item = row["item"]
    if not row["graded"]:
        return ["no learner's answer to this item has been graded yet, so it has no statistics"]
    flags = []
    difficulty, r = row["difficulty"], row["discrimination"]
    if difficulty is not None and difficulty > TOO_EASY:
        flags.append(f"too easy: {difficulty:.0%} of its points were earned (above {TOO_EASY:.0%}), so it tells "
                     "learners apart little")
    if difficulty is not None and difficulty < TOO_HARD:
        flags.append(f"too hard: only {difficulty:.0%} of its points were earned (below {TOO_HARD:.0%}); check "
                     "the key, the wording and whether the lessons teach it")
    if r is None and row["upper_lower"] is not None:
        flags.append("discrimination cannot be computed: every learner had the same score on this item or on the "
                     "rest of the test")
    elif r is not None and r < LOW_DISCRIMINATION:
        flags.append(f"low discrimination: r = {r:.2f} (below {LOW_DISCRIMINATION:.1f}), so learners who did well "
                     "on the rest of the test were not clearly more likely to earn its points"
                     + ("; it is negative: check the key" if r < 0 else ""))
    options = row["options"]
    if item.multiple_choice and options is not None:
        read = sum(count for option, count in options.items() if option != NOT_READ)
        if item.key is None:
            flags.append("its keyed option could not be read from the source notebook, so its distractors were "
                         "not checked")
        elif not read:
            flags.append("no submitted notebook could be read, so its options were not counted")
        else:
            for option in item.choices:
                if option == item.key:
                    continue
                if options[option] == 0:
                    flags.append(f"option {option} was chosen by nobody: it is not a plausible distractor; consider "
                                 "replacing it")
                elif row["top"][option] > row["bottom"][option]:
                    flags.append(f"option {option} was chosen by more learners of the top group "
                                 f"({row['top'][option]}) than of the bottom group ({row['bottom'][option]}): check "
                                 "that it is not also a defensible answer")
    return flags


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


# ------------------------------------------------------------------------------------------------------ output ---
def _fmt(value: float | None, places: int = 2) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def _round(value: float | None, places: int = 3):
    return "" if value is None else round(value, places)


def not_meaningful(report: dict) -> str | None:
    """The plain sentence for a small cohort, or None."""
    if report["meaningful"]:
        return None
    return (f"Fewer than {MEANINGFUL} learners have been graded on every item ({report['complete']}), so these "
            "statistics are not yet meaningful: read them as counts, and do not change, drop or rescore an item "
            "on their strength.")


def cohort_sentence(report: dict) -> str:
    return (f"{report['learners']} learner(s) submitted {report['assignment']}. Graded on every item with graded "
            f"answers: {report['complete']}; these are used for discrimination and the upper-lower index (top and "
            f"bottom groups of {report['group_size']}).")


def describe(report: dict) -> tuple[str, str]:
    """(caption, text alternative) of the difficulty-against-discrimination figure."""
    caption = (f"Difficulty (proportion of points earned, across) against discrimination (item-rest correlation, "
               f"up) of each autograded item of {report['assignment']}, each point labelled with its item. Filled "
               f"circles: no flag; crosses: flagged items. The flag thresholds: dashed lines at difficulty "
               f"{TOO_HARD} and {TOO_EASY}, a dotted line at discrimination {LOW_DISCRIMINATION}. Items whose "
               "discrimination cannot be computed are not plotted; the text version lists them.")
    if not report["meaningful"]:
        caption += " " + not_meaningful(report)
    parts = []
    for row in report["items"]:
        item = row["item"]
        status = "flagged" if row["flags"] else "no flag"
        if row["discrimination"] is None:
            parts.append(f"{item.label}: difficulty {_fmt(row['difficulty'])}, discrimination not computable, not "
                         f"plotted ({status})")
        else:
            parts.append(f"{item.label}: difficulty {_fmt(row['difficulty'])}, discrimination "
                         f"{_fmt(row['discrimination'])} ({status})")
    flagged = sum(bool(row["flags"]) for row in report["items"])
    text = f"{len(report['items'])} item(s), {flagged} flagged. " + "; ".join(parts) + "."
    return caption, text


HEADERS = ("Item", "Points", "Learners graded", "Difficulty", "Discrimination (r)", "Upper-lower index", "Flags")


def _table(report: dict) -> list[tuple]:
    return [(row["item"].label, f"{row['item'].points:g}", row["graded"], _fmt(row["difficulty"]),
             _fmt(row["discrimination"]), _fmt(row["upper_lower"]), len(row["flags"]) or "none")
            for row in report["items"]]


def _option_label(option: str, item: Item) -> str:
    return f"{option} (key)" if option == item.key else option


def _option_rows(row: dict) -> list[tuple]:
    """(option, chosen by, share, top group, bottom group) rows of a multiple-choice item; a 'notebook not read'
    row only when some notebook could not be read."""
    item, options = row["item"], row["options"]
    rows = []
    for option, count in options.items():
        if option == NOT_READ and not count:
            continue
        share = f"{count / row['graded']:.0%}" if row["graded"] else "—"
        rows.append((_option_label(option, item), count, share, row["top"][option], row["bottom"][option]))
    return rows


DEFINITIONS = [
    "**Difficulty**: the proportion of the item's points earned (mean score / points); 1.00 means every learner "
    "earned them all.",
    "**Discrimination (r)**: the point-biserial correlation of the item score with the rest of the test (total "
    "autograded score minus this item), from −1 to 1; below 0.2 the item tells stronger and weaker learners apart "
    "poorly, and a negative value often means a wrong key.",
    f"**Upper-lower index**: the proportion of the points earned by the top {GROUP_PERCENT}% of learners by total "
    f"score minus that earned by the bottom {GROUP_PERCENT}%. Groups: {GROUP_PERCENT}% of the learners rounded to "
    "the nearest whole number (halves up), at least 1, after sorting by total and then learner id, so ties at a "
    "group's edge are split by learner id.",
    "**Options**: the answer each learner typed, read from the submitted notebook without running it; "
    f"\"{NO_VALID_ANSWER}\" is a blank answer or one that is not one of the letters.",
]


def report_markdown(report: dict) -> str:
    """The report for instructors and a CE reviewer, as Markdown."""
    caption, text = describe(report)
    lines = [f"# Item analysis: {report['assignment']}", "", cohort_sentence(report), ""]
    if not report["meaningful"]:
        lines += [f"> **Not yet meaningful:** {not_meaningful(report)}", ""]
    lines += ["## Flags", ""]
    for row in report["items"]:
        if row["flags"]:
            lines.append(f"- **{escape_markdown(row['item'].label)}**")
            lines += [f"  - {flag}." for flag in row["flags"]]
    if not any(row["flags"] for row in report["items"]):
        lines.append("No item is flagged.")
    lines += ["", "## Items", "", "| " + " | ".join(HEADERS) + " |", "|---|---:|---:|---:|---:|---:|---:|"]
    lines += ["| " + escape_markdown(label) + " | " + " | ".join(str(v) for v in rest) + " |"
              for label, *rest in _table(report)]
    for row in report["items"]:
        if row["options"] is None:
            continue
        item = row["item"]
        key = f"keyed answer {item.key}" if item.key else "keyed answer unknown"
        lines += ["", f"## Options of {escape_markdown(item.label)}: {key}", "",
                  f"| Option | Chosen by | Share | Top group ({report['group_size']}) | "
                  f"Bottom group ({report['group_size']}) |", "|---|---:|---:|---:|---:|"]
        lines += ["| " + " | ".join(str(v) for v in option) + " |" for option in _option_rows(row)]
    lines += ["", "## How to read it", ""] + [f"- {d}" for d in DEFINITIONS]
    lines += ["", f"**Figure (in {report['assignment']}.html).** {caption}", "", f"**Text version:** {text}"]
    return "\n".join(lines) + "\n"


def csv_rows(report: dict) -> list[dict]:
    rows = []
    for row in report["items"]:
        item = row["item"]
        counts = "; ".join(f"{_option_label(o, item)}={n}" for o, n in (row["options"] or {}).items()
                           if o != NOT_READ or n)
        rows.append({"notebook": item.notebook, "item": item.name, "question": item.question,
                     "points": item.points, "learners_graded": row["graded"],
                     "difficulty": _round(row["difficulty"]), "discrimination": _round(row["discrimination"]),
                     "upper_lower_index": _round(row["upper_lower"]),
                     "keyed_option": item.key or "", "option_counts": counts, "flags": "; ".join(row["flags"])})
    return rows


def figure(report: dict):
    """Difficulty against discrimination, one labelled point per item. Flagged items differ in shape (cross) and
    label as well as colour; the caption and text alternative are in fig.layout.meta."""
    import plotly.graph_objects as go

    from exocourse.lessons.plots import PALETTE, register_template

    register_template()
    fig = go.Figure()
    for name, flagged, symbol, colour in (("No flag", False, "circle", PALETTE["blue"]),
                                          ("Flagged", True, "x", PALETTE["vermillion"])):
        shown = [row for row in report["items"] if bool(row["flags"]) == flagged
                 and row["difficulty"] is not None and row["discrimination"] is not None]
        fig.add_trace(go.Scatter(
            x=[row["difficulty"] for row in shown], y=[row["discrimination"] for row in shown],
            text=[row["item"].name + (" (flagged)" if flagged else "") for row in shown], name=name,
            mode="markers+text", textposition="top center",
            marker={"symbol": symbol, "size": 13, "color": colour, "line": {"width": 1, "color": colour}},
            hovertemplate="%{text}: difficulty %{x:.2f}, discrimination %{y:.2f}<extra></extra>"))
    for x in (TOO_HARD, TOO_EASY):
        fig.add_vline(x=x, line={"dash": "dash", "color": PALETTE["grey"], "width": 1.5},
                      annotation_text=f"difficulty {x}", annotation_position="bottom")
    fig.add_hline(y=LOW_DISCRIMINATION, line={"dash": "dot", "color": PALETTE["grey"], "width": 1.5},
                  annotation_text=f"discrimination {LOW_DISCRIMINATION}", annotation_position="top left")
    caption, text = describe(report)
    fig.update_layout(title=f"Item analysis of {report['assignment']}: difficulty and discrimination",
                      xaxis={"title": "Difficulty (proportion of points earned)", "range": [-0.05, 1.1]},
                      yaxis={"title": "Discrimination (item-rest correlation)", "range": [-1.05, 1.1]},
                      height=520, legend={"orientation": "h", "y": -0.2},
                      meta={"caption": caption, "text_alternative": text})
    return fig


def report_html(report: dict) -> str:
    """A self-contained page (plotly.js embedded, works offline): the cohort, flags, the figure with its caption,
    text version and table, and the options of each multiple-choice item."""
    from exocourse.lessons.plots import caption_html

    caption, text = describe(report)
    title = f"Item analysis: {report['assignment']}"
    parts = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(cohort_sentence(report))}</p>"]
    if not report["meaningful"]:
        parts.append(f"<p role='note'><strong>Not yet meaningful:</strong> {html.escape(not_meaningful(report))}</p>")
    flags = [f"<li><strong>{html.escape(row['item'].label)}</strong><ul>"
             + "".join(f"<li>{html.escape(flag)}.</li>" for flag in row["flags"]) + "</ul></li>"
             for row in report["items"] if row["flags"]]
    parts.append("<h2>Flags</h2>" + (f"<ul>{''.join(flags)}</ul>" if flags else "<p>No item is flagged.</p>"))
    body = figure(report).to_html(full_html=False, include_plotlyjs=True)
    parts.append(f"<h2>Difficulty and discrimination</h2>\n<figure aria-label='{html.escape(caption, quote=True)}'>"
                 f"{body}</figure>\n{caption_html(caption, text, _table(report), HEADERS)}")
    for row in report["items"]:
        if row["options"] is None:
            continue
        item = row["item"]
        head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in
                       ("Option", "Chosen by", "Share", f"Top group ({report['group_size']})",
                        f"Bottom group ({report['group_size']})"))
        body_rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in option) + "</tr>"
                            for option in _option_rows(row))
        key = f"keyed answer {item.key}" if item.key else "keyed answer unknown"
        parts.append(f"<h2>Options of {html.escape(item.label)}: {html.escape(key)}</h2>"
                     f"<table><thead><tr>{head}</tr></thead><tbody>{body_rows}</tbody></table>")
    definitions = "".join(f"<li>{html.escape(d.replace('**', ''))}</li>" for d in DEFINITIONS)
    parts.append(f"<h2>How to read it</h2><ul>{definitions}</ul>")
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "</head><body><main>" + "\n".join(parts) + "\n</main></body></html>\n")


def write_report(report: dict, folder: Path) -> list[Path]:
    """Write <assignment>.md, .csv and .html into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = report["assignment"]
    csv_path = write_csv(folder / f"{stem}.csv", COLUMNS, csv_rows(report))
    md_path, html_path = folder / f"{stem}.md", folder / f"{stem}.html"
    md_path.write_text(report_markdown(report), encoding="utf-8")
    html_path.write_text(report_html(report), encoding="utf-8")
    return [md_path, csv_path, html_path]


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
