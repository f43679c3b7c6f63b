"""A simulated class for any assignment, built from its source and release notebooks: right, partly right,
untouched and hostile submissions, each with the exact autograded score it must get and whether the integrity
report must flag it. The hostile-submission tests and the demo class use it, so a new assignment is covered
without writing new cases.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION\n?", re.S)


@dataclass
class Learner:
    learner_id: str
    case: str
    notebook: nbformat.NotebookNode
    expected_score: float | None  # None: autograde is expected to fail (kernel died or hung)
    flagged: bool
    note: str = ""
    extra_files: dict[str, str] = field(default_factory=dict)


@dataclass
class Assignment:
    """What the source says about an assignment: answer cells, their solutions, tests and points."""

    name: str
    source: nbformat.NotebookNode
    release: nbformat.NotebookNode

    def _meta(self, cell) -> dict:
        return cell.metadata.get("nbgrader", {})

    @property
    def tests(self) -> list[str]:
        return [self._meta(c)["grade_id"] for c in self.source.cells
                if self._meta(c).get("grade") and not self._meta(c).get("solution") and c.cell_type == "code"]

    def points(self, grade_id: str) -> float:
        return next(self._meta(c)["points"] for c in self.source.cells if self._meta(c).get("grade_id") == grade_id)

    @property
    def total(self) -> float:
        return sum(self.points(t) for t in self.tests)

    def answers_by_test(self) -> dict[str, dict[str, str]]:
        """{test grade id: {answer cell grade id: solution code}} — the answer cells just before each test."""
        groups: dict[str, dict[str, str]] = {}
        pending: dict[str, str] = {}
        for cell in self.source.cells:
            meta = self._meta(cell)
            if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
                pending[meta["grade_id"]] = SOLUTION.sub(lambda m: m.group(1), cell.source).strip()
            elif meta.get("grade_id") in self.tests:
                groups[meta["grade_id"]], pending = pending, {}
        return groups

    def answered(self, tests: list[str]) -> nbformat.NotebookNode:
        """The release copy with the answers to `tests` filled in from the solutions."""
        nb = copy.deepcopy(self.release)
        fill = {aid: code for t in tests for aid, code in self.answers_by_test()[t].items()}
        for cell in nb.cells:
            if self._meta(cell).get("grade_id") in fill:
                cell.source = fill[self._meta(cell)["grade_id"]]
        return nb


def _insert(nb, source: str, at: int | None = None) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell(source)
    nb.cells.insert(len(nb.cells) if at is None else at, cell)
    return nb


def _first_answer_index(nb) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))


def _test_cells(nb, tests: list[str]) -> list:
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") in tests]


def build_class(source_path: Path, release_path: Path) -> list[Learner]:
    """Every case of the class for one assignment; learner ids alternate a_/b_ for two grading processes."""
    a = Assignment(source_path.parent.name, nbformat.read(source_path, as_version=4),
                   nbformat.read(release_path, as_version=4))
    tests, total = a.tests, a.total
    half = tests[::2]
    half_score = sum(a.points(t) for t in half)
    correct = a.answered(tests)
    partly = a.answered(half)
    cases: list[tuple[str, nbformat.NotebookNode, float | None, bool, str]] = []

    def add(case, nb, score, flagged, note=""):
        cases.append((case, nb, score, flagged, note))

    add("correct", correct, total, False, "right answers")
    add("untouched", a.answered([]), 0, False, "the release copy as handed out")
    add("partly_right", partly, half_score, False, "every other question answered")
    add("infinite_loop", _insert(correct, "while True:\n    pass"), total, False,
        "cell stopped by the time limit; the rest is graded")
    add("ignores_interrupts", _insert(correct, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                               "while True:\n    pass"), None, True, "kernel cannot be interrupted")
    add("sys_exit", _insert(correct, "import sys\nsys.exit()"), total, True, "IPython catches SystemExit")
    add("os_exit", _insert(correct, "import os\nos._exit(1)"), None, True, "kernel dies")
    deleted = copy.deepcopy(correct)
    deleted.cells = [c for c in deleted.cells if c not in _test_cells(deleted, tests)]
    add("tests_deleted", deleted, total, True, "nbgrader puts deleted tests back")
    edited = a.answered([])
    for cell in _test_cells(edited, tests):
        cell.source = "pass"
    add("tests_edited", edited, 0, True, "nbgrader restores the tests; no answers, so zero")
    repointed = copy.deepcopy(correct)
    for cell in _test_cells(repointed, tests):
        cell.metadata["nbgrader"]["points"] = 100
    add("points_changed", repointed, total, True, "points come from the gradebook, not the submission")
    duplicated = copy.deepcopy(correct)
    first = _test_cells(duplicated, tests)[0]
    duplicated.cells.insert(duplicated.cells.index(first) + 1, copy.deepcopy(first))
    add("test_duplicated", duplicated, total, True, "the duplicate is dropped")
    reordered = copy.deepcopy(correct)
    last = _test_cells(reordered, tests)[-1]
    reordered.cells.remove(last)
    reordered.cells.insert(_first_answer_index(reordered), last)
    add("tests_reordered", reordered, total - a.points(tests[-1]), True,
        "the moved test runs before its answer exists, so it scores zero")
    regraded = copy.deepcopy(correct)
    bogus = _test_cells(regraded, tests)[0]
    bogus.metadata["nbgrader"]["grade_id"] = "my_own_points"
    add("grade_id_changed", regraded, total, True, "the real test is put back; the renamed cell is ignored")
    add("output_50MB_line", _insert(correct, 'print("x" * 50_000_000)'), total, False, "output capped in bytes")
    add("output_million_lines", _insert(correct, "for i in range(1_000_000):\n    print(i)"), total, False,
        "output capped in lines")
    add("redefines_helpers", _insert(partly, "def check_answer(*args, **kwargs):\n    return None\n"
                                             "check_form = check_answer", _first_answer_index(partly)),
        half_score, True, "tests import their helpers afresh")
    add("monkeypatches_grading", _insert(partly, "import exocourse.grading, exocourse.answers\n"
                                                 "exocourse.grading.check_answer = lambda *a, **k: None\n"
                                                 "exocourse.answers.matches = lambda *a, **k: True",
                                         _first_answer_index(partly)),
        half_score, True, "tests re-read the grading code from disk")
    add("input_transformer", _insert(partly, 'get_ipython().input_transformers_post.append(\n'
                                             '    lambda lines: ["pass\\n"] if any("grading" in l for l in lines) '
                                             'else lines)', _first_answer_index(partly)),
        half_score, True, "the grading kernel removes it before the next cell")
    add("event_hook", _insert(partly, "def hook(info):\n"
                                      '    get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\\n"])\n'
                                      'get_ipython().events.register("pre_run_cell", hook)',
                              _first_answer_index(partly)),
        half_score, True, "the grading kernel removes the hook and its transformer")
    add("writes_gradebook_and_others", _insert(correct, (
        "from pathlib import Path\n"
        f'for target in ["../../../gradebook.db", "../../../submitted/a_correct/{a.name}/{a.name}.ipynb", '
        '"../../../../course.yml", "../../../../data/datapackage.json"]:\n'
        "    try:\n"
        '        Path(target).write_text("tampered")\n'
        '        print("WROTE", target)\n'
        "    except OSError:\n"
        '        print("BLOCKED", target)')),
        total, True, "blocked by the sandbox")
    add("reads_other_learner", _insert(correct, (
        "from pathlib import Path\n"
        f'for target in ["../../../submitted/a_correct/{a.name}/{a.name}.ipynb", "../../../gradebook.db"]:\n'
        "    try:\n"
        '        print("READ", target, len(Path(target).read_bytes()))\n'
        "    except OSError:\n"
        '        print("BLOCKED", target)')),
        total, True, "blocked by the sandbox")
    learners = []
    for n, (case, nb, score, flagged, note) in enumerate(cases):
        prefix = "a" if n % 2 == 0 else "b"
        learner_id = "a_correct" if case == "correct" else f"{prefix}_{case}"
        learners.append(Learner(learner_id, case, nb, score, flagged, note))
    return learners
