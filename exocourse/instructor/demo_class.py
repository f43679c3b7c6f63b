"""The demo class: a simulated cohort taken through the whole term with nbgrader's own API, in one command.

    python -m exocourse.instructor.demo_class [--learners 30] [--out grading/demo]      (or: make demo-class)

It copies the course into a scratch folder (default grading/demo/course, git-ignored, so it never mixes with a
real cohort's gradebook), writes a roster of fictional learners, and for every assignment (pre-test, ps1–ps4,
post-test, evaluation) runs generate → release → fetch and submit as each learner → collect → autograde (two
processes over disjoint learners, in the sandboxed grading kernel) → scripted manual grades for the written
items → feedback → release feedback → export. It ends with the integrity report, the completion report and
certificates, the knowledge-gain and evaluation summaries, and a summary table.

The learners and their names are invented (no real person); their licence numbers start with DEMO-. Each
learner's answers follow a fixed plan (PLAN below), so every count and score is the same on every run and the
tests can check them exactly. Re-running replaces the previous demo folder; it refuses to delete a folder it
did not create.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import re
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from exocourse.grading import batch, integrity
from exocourse.grading.fixtures.simulated_class import Assignment, build_class
from exocourse.instructor import completion, completion_rules
from exocourse.instructor.roster import ROSTER_NAME, write_roster
from exocourse.paths import course_root

MARKER = ".exocourse-demo-class"
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
        elif n == 22:
            row = {"ps1": "wrong", "ps2": "wrong", "ps3": "wrong", "ps4": "wrong", "pretest": 2, "posttest": 6,
                   "story": "wrong answers; fails the post-test"}
        elif n == 23:
            row = {**RIGHT, "ps3": "pending", "pretest": 12, "posttest": 23, "story": "written answer not yet graded"}
        elif n == 24:
            row = {**RIGHT, "ps2": "hostile", "pretest": 8, "posttest": 25, "story": "integrity flag open: held"}
        elif n == 25:
            row = {**RIGHT, "ps4": "hostile", "pretest": 8, "posttest": 25, "clear": "ps4",
                   "story": "integrity flag cleared by the instructor: completes"}
        elif n == 26:
            row = {**RIGHT, "ps4": "missing", "pretest": 8, "posttest": 25, "story": "never submitted ps4"}
        elif n == 27:
            row = {**RIGHT, "ps1": "dies", "pretest": 8, "posttest": 25, "story": "kernel died in ps1: flagged"}
        elif n == 28:
            row = {**RIGHT, "pretest": 8, "posttest": "missing", "evaluation": "missing",
                   "story": "did not take the post-test"}
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


def _fill_written(nb, text: str):
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
    import random

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


def _evaluation_notebook(release_nb, n: int):
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
        return _evaluation_notebook(release_nb, n), case
    a = Assignment(assignment, nbformat.read(source, as_version=4), release_nb)
    tests = a.tests
    if isinstance(case, int):
        return _k_right(a, case, f"{assignment}-{n}"), case
    if case in ("right", "pending"):
        return _fill_written(a.answered(tests), WRITTEN["right"]), case
    if case == "partly":
        return _fill_written(a.answered(tests[::2]), WRITTEN["partly"]), case
    if case == "wrong":
        return _fill_written(_rotated(a), WRITTEN["wrong"]), case
    hostile = {learner.case: learner for learner in build_class(source, release)}
    if case == "hostile":
        return hostile["monkeypatches_grading"].notebook, case
    if case == "dies":
        return hostile["os_exit"].notebook, case
    raise ValueError(f"unknown case {case!r}")


# --------------------------------------------------------------------------------------------- the run ---
@dataclass
class Progress:
    start: float

    def __call__(self, message: str) -> None:
        print(f"[demo class {time.perf_counter() - self.start:6.1f} s] {message}", flush=True)


def prepare(out: Path, root: Path) -> Path:
    """A fresh scratch course in out/course. Replaces an earlier demo; never a folder the demo did not make."""
    out = out.resolve()
    if out.exists():
        if not (out / MARKER).exists():
            if any(out.iterdir()):
                raise SystemExit(f"{out} exists and was not made by the demo class: choose another --out.")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("Made by python -m exocourse.instructor.demo_class; safe to delete.\n")
    course = out / "course"
    course.mkdir()
    batch.scratch_course(root, course)
    (course / "grading").mkdir(exist_ok=True)
    return course


def course_assignments(course: Path, manifest: dict) -> list[str]:
    """Pre-test, module assignments, post-test, evaluation — whichever of them the course has."""
    info = completion.ce_info(manifest)
    wanted = [info.get("pretest"), *completion_rules.module_assignments(manifest), info.get("posttest"),
              info.get("evaluation")]
    return [a for a in wanted if a and (course / "assignments" / "source" / a).is_dir()]


def _api(course: Path):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    # Always the scratch course's own exchange, even in a hub terminal where nbgrader_config.py defers to the
    # hub's exchange: fictional learners must never reach a real cohort's exchange.
    config.Exchange.root = str(course / "grading" / "exchange")
    (course / "grading" / "exchange").mkdir(parents=True, exist_ok=True)
    config.Exchange.cache = str(course.parent / "learner-homes" / ".nbgrader_cache")
    # Every simulated learner is this one operating-system user, so collect's owner check would only warn.
    config.ExchangeCollect.check_owner = False
    return NbGraderAPI(config=config), config


def _submit(api, config, course: Path, assignment: str, lid: str, nb) -> None:
    """The learner's side: fetch the released assignment into their home, answer, submit."""
    from nbgrader.coursedir import CourseDirectory

    home = course.parent / "learner-homes" / lid
    home.mkdir(parents=True, exist_ok=True)
    coursedir = CourseDirectory(config=config, assignment_id=assignment, student_id=lid)
    fetch = api.exchange.FetchAssignment(coursedir=coursedir, authenticator=api.authenticator, config=config,
                                         assignment_dir=str(home), replace_missing_files=True)
    fetch.start()
    target = next((home / assignment).glob("*.ipynb"))
    nbformat.write(nb, target)
    submit = api.exchange.Submit(coursedir=coursedir, authenticator=api.authenticator, config=config,
                                 assignment_dir=str(home))
    submit.start()


def _date_submission(course: Path, assignment: str, n: int) -> dt.datetime:
    """Date a collected submission in the simulated term, so completion dates are the same on every run."""
    stamp = TERM_START + dt.timedelta(days=DUE_DAY.get(assignment, 37) - n % 5, hours=n % 7)
    path = course / "grading" / "submitted" / learner_id(n) / assignment / "timestamp.txt"
    path.write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    return stamp


def is_graded(course: Path, assignment: str) -> bool:
    """Whether the assignment has anything to grade (the evaluation has not)."""
    return any(cell.metadata.get("nbgrader", {}).get("grade")
               for path in (course / "assignments" / "source" / assignment).glob("*.ipynb")
               for cell in nbformat.read(path, as_version=4).cells)


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


def run(learners: int | list[int] = 30, out: Path | None = None, root: Path | None = None, sandbox: str | None = None,
        cell_timeout: int = 10) -> dict:
    """Run the demo class. Returns the summary (table, completion rows, paths, timings)."""
    say = Progress(time.perf_counter())
    root = Path(root) if root else course_root()
    out = Path(out) if out else root / "grading" / "demo"
    sandbox = sandbox or os.environ.get("EXOCOURSE_SANDBOX", "1")
    from exocourse.grading.sandbox import refusal

    message = refusal(sandbox)
    if message:  # fail closed before anything is made: the workers' logs would hide nbgrader's refusal
        raise SystemExit(message)
    course = prepare(out, root)
    env = batch.environment(cell_timeout=cell_timeout, sandbox=sandbox)
    # In-process nbgrader (the API) reads these too; put them back afterwards for whoever called us.
    saved = {k: os.environ.get(k) for k in ("EXOCOURSE_CELL_TIMEOUT", "EXOCOURSE_SANDBOX", "PATH")}
    os.environ.update({k: env[k] for k in saved})
    try:
        summary = _run(course, learners, env, say)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    print_summary(summary)
    return summary


def _run(course: Path, learners: int | list[int], env: dict, say) -> dict:
    from nbgrader.api import Gradebook

    from exocourse.grading.preprocessors import SafeCsvExportPlugin
    from exocourse.manifest import load_manifest

    manifest = load_manifest(course)
    assignments = course_assignments(course, manifest)
    people = roster(learners)
    class_numbers = numbers(learners)
    write_roster(course / "grading" / ROSTER_NAME, people)
    say(f"scratch course in {course}; {len(people)} fictional learners; assignments {', '.join(assignments)}")

    api, config = _api(course)
    with Gradebook(completion.db_url_of(course)) as gradebook:
        for lid, person in people.items():
            first, _, last = person["legal_name"].partition(" ")
            gradebook.update_or_create_student(lid, first_name=first, last_name=last)
    for assignment in assignments:
        result = api.generate_assignment(assignment, force=True)
        if not result["success"]:
            raise RuntimeError(f"generate_assignment {assignment} failed:\n{result.get('log', '')[-2000:]}")
        if not api.release_assignment(assignment)["success"]:
            raise RuntimeError(f"release_assignment {assignment} failed")
    say("generated and released every assignment")

    cases: dict[tuple[str, str], object] = {}
    stamps: dict[tuple[str, str], dt.datetime] = {}
    for assignment in assignments:
        source = next((course / "assignments" / "source" / assignment).glob("*.ipynb"))
        release = course / "assignments" / "release" / assignment / source.name
        for n in class_numbers:
            nb, case = notebook_for(n, assignment, source, release)
            cases[(learner_id(n), assignment)] = case
            if nb is not None:
                _submit(api, config, course, assignment, learner_id(n), nb)
        if not api.collect(assignment)["success"]:
            raise RuntimeError(f"collect {assignment} failed")
        for n in class_numbers:
            if (course / "grading" / "submitted" / learner_id(n) / assignment).is_dir():
                stamps[(learner_id(n), assignment)] = _date_submission(course, assignment, n)
    submitted = len(stamps)
    say(f"{submitted} submissions fetched, answered, submitted and collected")

    # The evaluation is ungraded and read without running learner code (exocourse.instructor.evaluation_summary): not autograded.
    graded_assignments = [a for a in assignments if is_graded(course, a)]
    autograded = sum(1 for (_lid, a) in stamps if a in graded_assignments)
    grading_started = time.perf_counter()
    def progress() -> None:
        done = sum(1 for a in graded_assignments for _ in (course / "grading" / "autograded").glob(f"*/{a}"))
        say(f"autograding: {done} of {autograded} submissions started")

    # two processes over disjoint learners, each grading every assignment in turn; their logs in grading/
    seconds = batch.autograde(course, graded_assignments, env, batch.learner_groups(people),
                              log_dir=course / "grading", progress=progress)
    say(f"autograded {autograded} submissions in {seconds:.1f} s ({seconds / max(autograded, 1):.2f} s each, "
        f"two processes)")
    failed = [(lid, a) for (lid, a) in sorted(stamps) if a in graded_assignments
              and not (course / "grading" / "autograded" / lid / a).is_dir()]
    if failed:
        # What an instructor does first when a kernel died or hung: grade that submission once more on its own
        # (a busy machine can starve a kernel). Whatever fails again stays failed and is flagged for review.
        for lid, a in failed:
            batch.nbgrader(course, env, "autograde", a, f"--student={lid}", "--force")
        still = [key for key in failed if not (course / "grading" / "autograded" / key[0] / key[1]).is_dir()]
        say(f"re-graded {len(failed)} failed submission(s) one at a time; {len(still)} still failed: "
            f"{', '.join(f'{lid} {a}' for lid, a in still) or 'none'}")
    graded, pending = manual_grades(course, cases)
    say(f"manual grades entered for {graded} written answers; {pending} left pending on purpose")

    flags = {a: integrity.report(course, a) for a in graded_assignments}
    for n in class_numbers:
        clear = PLAN[(n - 1) % len(PLAN)].get("clear")
        if clear and learner_id(n) in flags.get(clear, {}):
            completion.clear_flag(course, learner_id(n), clear, by=INSTRUCTOR,
                                  reason="Reviewed: the patched helper changed no automatic mark.")
    say(f"integrity report: {sum(len(f) for f in flags.values())} flagged submission(s)")

    for assignment in graded_assignments:
        if not api.generate_feedback(assignment)["success"]:
            raise RuntimeError(f"generate_feedback {assignment} failed")
        api.release_feedback(assignment)
    feedback_seconds = time.perf_counter() - grading_started - seconds
    say("feedback generated and released")

    grades_csv = course / "grading" / "grades.csv"
    with Gradebook(completion.db_url_of(course)) as gradebook:
        SafeCsvExportPlugin(to=str(grades_csv)).export(gradebook)
    result = completion.report(course, course / "grading" / ROSTER_NAME)
    say(f"gradebook exported to {grades_csv}; completion report and {len(result['certificates'])} certificate(s)")
    summaries(course, say)

    table = summary_table(course, assignments, flags)
    total = time.perf_counter() - say.start
    summary = {"course": course, "table": table, "rows": result["rows"], "certificates": result["certificates"],
               "report": result["report"], "grades_csv": grades_csv, "flags": flags,
               "open_flags": result["open_flags"], "submissions": submitted, "autograded": autograded,
               "autograde_seconds": seconds, "seconds_per_submission": seconds / max(autograded, 1),
               "feedback_seconds": feedback_seconds, "wall_seconds": total, "manual_graded": graded,
               "manual_pending": pending}
    return summary


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exocourse.instructor.demo_class", description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=30, help="roster size (default 30)")
    parser.add_argument("--out", type=Path, help="demo folder (default grading/demo; replaced on each run)")
    parser.add_argument("--sandbox", choices=["1", "0"], help="EXOCOURSE_SANDBOX for grading (default 1: required)")
    args = parser.parse_args(argv)
    run(args.learners, args.out, sandbox=args.sandbox)
    return 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
