"""The demo class's plan: who the fictional learners are and what each hands in, as notebooks.

The learners and their names are invented (no real person); their licence numbers start with DEMO-. Each
learner's answers follow a fixed plan (PLAN below), so every count and score is the same on every run and the
tests can check them exactly. Pure: it builds notebooks and runs no nbgrader process
(exocourse.instructor.demo_class takes the class through the term).
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
from pathlib import Path

import nbformat

from exocourse.grading.fixtures.simulated_class import Assignment, build_class

# Invented names for invented learners: none belongs to a real person.
FICTIONAL_NAMES = [
    "Avery Quillfeather", "Bastian Marrowgate", "Celeste Fernwhistle", "Dorian Applebrook", "Elowen Tinderbox",
    "Fabian Mossgrove", "Giselle Larkspur", "Horatio Pennywhistle", "Isolde Brambleton", "Jasper Cloudberry",
    "Kestrel Wimbleton", "Lucinda Thistledown", "Magnus Featherstone", "Nerissa Quimby", "Octavia Hollowell",
    "Peregrine Ashdown", "Quentin Bumblewick", "Rosalind Starling", "Silas Gooseberry", "Tabitha Honeysett",
    "Ulric Nettlefold", "Verity Marigold", "Wendell Puddingstone", "Xanthe Copperkettle", "Yorick Fiddlehead",
    "Zinnia Buttercombe", "Ambrose Lindenberry", "Briony Kettleworth", "Casimir Dandelion", "Delphine Wrenfield",
]
TERM_START = dt.datetime(2026, 9, 1, 9, 0)
# Day of term each assignment is due; learners hand in 0–4 days before (learner number mod 5).
DUE_DAY = {"pretest": 2, "ps1": 9, "ps2": 16, "ps3": 23, "ps4": 30, "posttest": 37, "evaluation": 37}
INSTRUCTOR = "Dr Demo Instructor (fictional)"

# ------------------------------------------------------------------------------------------------ the plan ---
# Module cases: right, partly (every other question), wrong (each answer is the solution of another question),
# hostile (patches the grading code: flagged, half marks), dies (os._exit: autograde fails, flagged),
# pending (right, but the instructor has not yet graded the written answer), missing (never submitted).
# Pre-test (form A) and post-test (form B) cases are a number k: k of the 25 questions right (which ones varies by
# learner), the rest answered with a distractor (19 of 25, 76 %, is the least score that reaches the 75 % pass mark). "story" says what each learner shows an instructor.
RIGHT = {"ps1": "right", "ps2": "right", "ps3": "right", "ps4": "right"}
PARTLY = {"ps1": "partly", "ps2": "partly", "ps3": "partly", "ps4": "partly"}
MIXED = {"ps1": "wrong", "ps2": "partly", "ps3": "right", "ps4": "partly"}

# The stories that one learner each tells (learners 22–28).
ONE_LEARNER_STORIES = {
    22: {"ps1": "wrong", "ps2": "wrong", "ps3": "wrong", "ps4": "wrong", "pretest": 2, "posttest": 6,
         "story": "wrong answers; fails the post-test"},
    23: {**RIGHT, "ps3": "pending", "pretest": 12, "posttest": 23, "story": "written answer not yet graded"},
    24: {**RIGHT, "ps2": "hostile", "pretest": 8, "posttest": 25, "story": "integrity flag open: held"},
    25: {**RIGHT, "ps4": "hostile", "pretest": 8, "posttest": 25, "clear": "ps4",
         "story": "integrity flag cleared by the instructor: completes"},
    26: {**RIGHT, "ps4": "missing", "pretest": 8, "posttest": 25, "story": "never submitted ps4"},
    27: {**RIGHT, "ps1": "dies", "pretest": 8, "posttest": 25, "story": "kernel died in ps1: flagged"},
    28: {**RIGHT, "pretest": 8, "posttest": "missing", "evaluation": "missing", "story": "did not take the post-test"},
}


def _plan() -> list[dict]:
    plan = []
    for n in range(1, 31):
        if n <= 8:
            row = {**RIGHT, "pretest": 8, "posttest": 25, "story": "completes: all right"}
        elif n <= 16:
            row = {**PARTLY, "pretest": 6, "posttest": 21, "story": "completes: partly right, passes"}
        elif n <= 18:
            row = {**MIXED, "pretest": 5, "posttest": 19, "story": "completes: the least passing score"}
        elif n <= 21:
            row = {**PARTLY, "pretest": 10, "posttest": 18, "story": "post-test one point below the pass mark"}
        elif n in ONE_LEARNER_STORIES:
            row = dict(ONE_LEARNER_STORIES[n])
        else:
            row = {**RIGHT, "pretest": 14, "posttest": 23, "story": "completes: strong start"}
        row.setdefault("evaluation", "filled")
        plan.append(row)
    return plan


PLAN = _plan()


def learner_id(n: int) -> str:
    return f"demo{n:02d}"


def numbers(learners: int | list[int]) -> list[int]:
    """Learner numbers: 1…N for a class of N, or the given numbers (one learner per story, say)."""
    return list(range(1, learners + 1)) if isinstance(learners, int) else sorted(set(learners))


# One learner per story of the plan, plus the evaluation's edge cases (10 over-reports hours and hands in on the
# due day, 11 does not attest): the tests' class. `make demo-class` runs all 30. (Learner 7's commercial-bias
# answer is read and counted by tests/test_evaluation.py.)
ONE_PER_STORY = [1, 10, 11, 17, 19, 22, 23, 24, 25, 26, 27, 28, 29]


def roster(learners: int | list[int] = 30) -> dict[str, dict]:
    """The demo roster: ids demo01…, invented names, licence numbers DEMO-0001…"""
    return {learner_id(n): {"legal_name": FICTIONAL_NAMES[(n - 1) % len(FICTIONAL_NAMES)],
                            "licence_number": f"DEMO-{n:04d}"} for n in numbers(learners)}


def hand_in_time(n: int, assignment: str) -> dt.datetime:
    """When learner n hands in `assignment` in the simulated term, so completion dates are the same on every run."""
    return TERM_START + dt.timedelta(days=DUE_DAY.get(assignment, 37) - n % 5, hours=n % 7)


def case_of(n: int, assignment: str):
    """What learner n hands in for `assignment` (learners beyond the plan repeat it)."""
    return PLAN[(n - 1) % len(PLAN)].get(assignment, "right")


# --------------------------------------------------------------------------------------------- notebooks ---
WRITTEN = {
    "right": "No: this product is not FDA-approved and its safety is unknown; I would recommend a registered "
             "trial instead, and we can look at what the evidence shows together.",
    "partly": "It is not approved, so I would not recommend it.",
    "wrong": "It is probably fine if the clinic is reputable.",
}
MANUAL_SHARE = {"right": 1.0, "partly": 2 / 3, "wrong": 1 / 3, "hostile": 1 / 3}


def fill_written(nb, text: str):
    """The notebook with every written answer (a markdown solution cell) set to `text`."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution"):
            cell.source = text
    return nb


def _rotated(a: Assignment):
    """Every answer cell holds the value of the next question's answer: typed, plausible, wrong."""
    flat = {aid: code for group in a.answers_by_test().values() for aid, code in group.items()}
    ids = list(flat)
    nb = copy.deepcopy(a.release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in flat:
            other = flat[ids[(ids.index(grade_id) + 1) % len(ids)]]
            name = flat[grade_id].split("=", 1)[0].strip() if "=" in flat[grade_id] else None
            value = other.split("=", 1)[1].strip() if "=" in other else other
            cell.source = f"{name} = {value}" if name else other
    return nb


def _k_right(a: Assignment, k: int, seed: str):
    """A course test with k answers right and the rest wrong, as a class answers: which items a learner gets
    right varies from learner to learner (seeded, so every run is the same), and each wrong answer is a
    distractor, so the item analysis has option shares to read."""
    chooser = random.Random(seed)
    right = set(chooser.sample(a.tests, k))
    nb = a.answered(sorted(right))
    wrong = {aid: code for t in a.tests if t not in right for aid, code in a.answers_by_test()[t].items()}
    for cell in nb.cells:
        code = wrong.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        match = re.fullmatch(r'(q\d+) = "([A-D])"', code or "")
        if match:  # one of the three other letters
            cell.source = f'{match[1]} = "{chooser.choice([x for x in "ABCD" if x != match[2]])}"'
    return nb


PRACTICE = ["A", "A", "B", "A", "C", "D"]


def evaluation_answers(n: int) -> dict:
    """Learner n's evaluation: ratings 4–5, one learner who saw commercial bias, hours around the estimate
    (learner 10 reports more than the designated hours, learner 11 forgets to attest)."""
    answers = {"relevance": 4 + n % 2, "objectives_met_biology": 5, "objectives_met_uses": 4 + n % 2,
               "objectives_met_risk_regulation": 4, "objectives_met_consent_claims": 5 - n % 2,
               "commercial_bias": "yes" if n == 7 else "no", "practice_change": PRACTICE[n % len(PRACTICE)],
               "hours_spent": 12.0 if n == 10 else 5.0 + (n % 5) * 0.25, "attest_hours": n != 11}
    if n == 7:
        answers["commercial_bias_details"] = "A slide named one clinic's product."
    if n % 6 == 0:
        answers["practice_change_details"] = "Ask patients about clinic products before procedures."
    return answers


def evaluation_notebook(release_nb, n: int):
    """The evaluation with learner n's answers typed after its answer labels, in words, as a learner types them."""
    from exocourse.lessons import evaluation_form

    return evaluation_form.fill_answers(copy.deepcopy(release_nb), evaluation_answers(n))


def notebook_for(n: int, assignment: str, source: Path, release: Path):
    """(notebook, case) that learner n submits for `assignment`, or (None, 'missing')."""
    case = case_of(n, assignment)
    if case == "missing":
        return None, case
    release_nb = nbformat.read(release, as_version=4)
    if assignment == "evaluation" or not source.exists():
        return evaluation_notebook(release_nb, n), case
    a = Assignment(assignment, nbformat.read(source, as_version=4), release_nb)
    tests = a.tests
    if isinstance(case, int):
        return _k_right(a, case, f"{assignment}-{n}"), case
    if case in ("right", "pending"):
        return fill_written(a.answered(tests), WRITTEN["right"]), case
    if case == "partly":
        return fill_written(a.answered(tests[::2]), WRITTEN["partly"]), case
    if case == "wrong":
        return fill_written(_rotated(a), WRITTEN["wrong"]), case
    hostile = {learner.case: learner for learner in build_class(source, release)}
    if case == "hostile":
        return hostile["monkeypatches_grading"].notebook, case
    if case == "dies":
        return hostile["os_exit"].notebook, case
    raise ValueError(f"unknown case {case!r}")

