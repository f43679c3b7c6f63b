"""The demo class: a simulated cohort taken through the whole term with nbgrader's own API, in one command.

    python -m exocourse.instructor.demo_class [--learners 30] [--out grading/demo]      (or: make demo-class)

It copies the course into a scratch folder (default grading/demo/course, git-ignored, so it never mixes with a
real cohort's gradebook), writes a roster of fictional learners, and for every assignment (pre-test, ps1–ps4,
post-test, evaluation) runs generate → release → fetch and submit as each learner → collect → autograde (two
processes over disjoint learners, in the sandboxed grading kernel) → scripted manual grades for the written
items → feedback → release feedback → export. It ends with the integrity report, the completion report and
certificates, the knowledge-gain and evaluation summaries, and a summary table.

Who the learners are and what each hands in is the plan (exocourse.instructor.demo_plan), fixed so that every
count and score is the same on every run; the instructor's manual grades, flag review and the closing summaries
are in exocourse.instructor.demo_review. Re-running replaces the previous demo folder; it refuses to delete a
folder it did not create.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from exocourse.grading import batch
from exocourse.instructor import completion, completion_rules
from exocourse.instructor.demo_plan import hand_in_time, learner_id, notebook_for, numbers, roster
from exocourse.instructor.demo_review import integrity_review, manual_grades, print_summary, summaries, summary_table
from exocourse.instructor.roster import ROSTER_NAME, write_roster
from exocourse.paths import course_root

MARKER = ".exocourse-demo-class"


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
    """Date a collected submission in the simulated term (the plan's hand-in time)."""
    stamp = hand_in_time(n, assignment)
    path = course / "grading" / "submitted" / learner_id(n) / assignment / "timestamp.txt"
    path.write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    return stamp


def is_graded(course: Path, assignment: str) -> bool:
    """Whether the assignment has anything to grade (the evaluation has not)."""
    return any(cell.metadata.get("nbgrader", {}).get("grade")
               for path in (course / "assignments" / "source" / assignment).glob("*.ipynb")
               for cell in nbformat.read(path, as_version=4).cells)


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
    """The term, step by step; returns the summary."""
    from exocourse.manifest import load_manifest

    assignments = course_assignments(course, load_manifest(course))
    people = roster(learners)
    class_numbers = numbers(learners)
    write_roster(course / "grading" / ROSTER_NAME, people)
    say(f"scratch course in {course}; {len(people)} fictional learners; assignments {', '.join(assignments)}")

    api, config = _api(course)
    _enrol_and_release(api, course, people, assignments)
    say("generated and released every assignment")
    cases, stamps = _hand_in(api, config, course, assignments, class_numbers)
    say(f"{len(stamps)} submissions fetched, answered, submitted and collected")

    # The evaluation is ungraded and read without running learner code (exocourse.instructor.evaluation_summary): not autograded.
    graded_assignments = [a for a in assignments if is_graded(course, a)]
    autograded = sum(1 for (_lid, a) in stamps if a in graded_assignments)
    grading_started = time.perf_counter()
    seconds = _autograde(course, graded_assignments, stamps, env, people, say)
    graded, pending = manual_grades(course, cases)
    say(f"manual grades entered for {graded} written answers; {pending} left pending on purpose")
    flags = integrity_review(course, graded_assignments, class_numbers)
    say(f"integrity report: {sum(len(f) for f in flags.values())} flagged submission(s)")
    _feedback(api, graded_assignments)
    feedback_seconds = time.perf_counter() - grading_started - seconds
    say("feedback generated and released")
    grades_csv, result = _export(course)
    say(f"gradebook exported to {grades_csv}; completion report and {len(result['certificates'])} certificate(s)")
    summaries(course, say)

    return {"course": course, "table": summary_table(course, assignments, flags), "rows": result["rows"],
            "certificates": result["certificates"], "report": result["report"], "grades_csv": grades_csv,
            "flags": flags, "open_flags": result["open_flags"], "submissions": len(stamps), "autograded": autograded,
            "autograde_seconds": seconds, "seconds_per_submission": seconds / max(autograded, 1),
            "feedback_seconds": feedback_seconds, "wall_seconds": time.perf_counter() - say.start,
            "manual_graded": graded, "manual_pending": pending}


def _enrol_and_release(api, course: Path, people: dict, assignments: list[str]) -> None:
    """The learners into the gradebook; every assignment generated and released."""
    from nbgrader.api import Gradebook

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


def _hand_in(api, config, course: Path, assignments: list[str], class_numbers: list[int]) -> tuple[dict, dict]:
    """Each learner submits what the plan says, each assignment is collected and dated. Returns (the case of
    every learner and assignment, the date of every collected submission)."""
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
    return cases, stamps


def _autograde(course: Path, graded_assignments: list[str], stamps: dict, env: dict, people: dict, say) -> float:
    """Autograde every collected submission in two processes, then once more alone each one that failed.
    Returns the seconds the two processes took."""
    autograded = sum(1 for (_lid, a) in stamps if a in graded_assignments)

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
    return seconds


def _feedback(api, graded_assignments: list[str]) -> None:
    for assignment in graded_assignments:
        if not api.generate_feedback(assignment)["success"]:
            raise RuntimeError(f"generate_feedback {assignment} failed")
        api.release_feedback(assignment)


def _export(course: Path) -> tuple[Path, dict]:
    """The gradebook as CSV, then the completion report and certificates."""
    from nbgrader.api import Gradebook

    from exocourse.grading.preprocessors import SafeCsvExportPlugin

    grades_csv = course / "grading" / "grades.csv"
    with Gradebook(completion.db_url_of(course)) as gradebook:
        SafeCsvExportPlugin(to=str(grades_csv)).export(gradebook)
    return grades_csv, completion.report(course, course / "grading" / ROSTER_NAME)


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
