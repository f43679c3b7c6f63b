"""What an item analysis reads: the autograded items of the source assignment (points, question, answer variable,
keyed option), their scores in the gradebook, and the option each learner chose, parsed from the submitted notebooks
with `ast` (learner code is never run). The analysis itself: exocourse.instructor.item_analysis."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

from exocourse.answers import AnswerFormError, matches, normalise_choice
from exocourse.lessons.evaluation_form import parse_answers

NO_VALID_ANSWER = "no valid answer"  # blank, or not one of the item's options
NOT_READ = "notebook not read"  # the submitted notebook is missing or unreadable


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

