"""An instructor's own term, off a hub, in place, exactly as docs/instructor_quickstart.md tells it: a clean clone,
its `.venv` made by the README's command, three learners handing in every assignment by archive, the course's
make targets and nbgrader's own commands from the course folder, hand grades set the way formgrader sets them.

alice answers everything right (and attests 12 hours, more than the 9 designated); bob answers half of each
assignment; carol hands in untouched copies, and for ps2 a notebook that patches the grading helpers. Exact
scores come from the assignments' own sources."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest

from exocourse.grading.fixtures.simulated_class import Assignment, build_class
from exocourse.grading.sandbox import sandbox_probe
from exocourse.instructor import demo_plan

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("in-place")]

TERM = ["pretest", "ps1", "ps2", "ps3", "ps4", "posttest", "evaluation"]
DAY = {"pretest": 1, "ps1": 8, "ps2": 15, "ps3": 22, "ps4": 29, "posttest": 36, "evaluation": 36}
START = dt.datetime(2026, 9, 1, 10, 30)
NAMES = {"alice": "Alice Ångström-Nguyen", "bob": "Bob Okonkwo", "carol": "Carol Ferreira"}
INSTRUCTOR = "Dr Term Instructor"


def when(assignment: str, extra_days: int = 0) -> dt.datetime:
    return START + dt.timedelta(days=DAY[assignment] + extra_days)


@pytest.fixture(scope="module")
def term(in_place_course):
    folder, shell = in_place_course
    shutil.rmtree(folder / "grading", ignore_errors=True)  # a new term
    sandboxed = sandbox_probe()[0] is not None
    env = {**shell, "EXOCOURSE_SANDBOX": "1" if sandboxed else "0"}
    return Term(folder, env)


class Term:
    """The instructor's terminal in the course folder."""

    def __init__(self, folder: Path, env: dict):
        self.folder, self.env, self.log = folder, env, []

    def run(self, *command: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(list(command), cwd=self.folder, env=self.env, capture_output=True, text=True)
        self.log.append((command, done))
        if ok:
            assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        return done

    def make(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        return self.run("make", "--no-print-directory", *args, ok=ok)

    def nbgrader(self, *args: str) -> subprocess.CompletedProcess:
        return self.run(str(self.folder / ".venv/bin/nbgrader"), *args)

    def path(self, rel: str) -> Path:
        return self.folder / rel

    def source(self, assignment: str) -> Assignment:
        return Assignment(assignment, nbformat.read(self.path(f"assignments/source/{assignment}/{assignment}.ipynb"), 4),
                          nbformat.read(self.path(f"assignments/release/{assignment}/{assignment}.ipynb"), 4))

    def hand_in(self, assignment: str, notebooks: dict[str, object], at: dt.datetime, force: bool = False) -> str:
        """The LMS download: one zip, a folder per learner, each entry dated when the learner uploaded it."""
        archive = self.folder.parent / f"{assignment}-{at:%Y%m%d}.zip"
        with zipfile.ZipFile(archive, "w") as bundle:
            for learner, nb in notebooks.items():
                entry = zipfile.ZipInfo(f"{assignment}-submissions/{learner}/{assignment}.ipynb", at.timetuple()[:6])
                bundle.writestr(entry, nbformat.writes(nb))
        return self.make("collect-archive", f"ASSIGNMENT={assignment}", f"ARCHIVE={archive}",
                         *(["FORCE=1"] if force else [])).stdout


def notebooks_of(term: Term, assignment: str) -> dict[str, object]:
    release = nbformat.read(term.path(f"assignments/release/{assignment}/{assignment}.ipynb"), 4)
    if assignment == "evaluation":
        return {"alice": demo_plan.evaluation_notebook(release, 10),  # attests 12 hours
                "bob": demo_plan.evaluation_notebook(release, 1),  # attests 7.5 hours
                "carol": release}
    a = term.source(assignment)
    notebooks = {"alice": demo_plan.fill_written(a.answered(a.tests), demo_plan.WRITTEN["right"]),
                 "bob": demo_plan.fill_written(a.answered(a.tests[::2]), demo_plan.WRITTEN["partly"]),
                 "carol": release}
    if assignment == "ps2":
        notebooks["carol"] = patching_learner(term).notebook
    return notebooks


def patching_learner(term: Term):
    """carol's ps2: a notebook that patches the grading helpers (the hostile class's case, with its exact score)."""
    return next(learner for learner in build_class(term.path("assignments/source/ps2/ps2.ipynb"),
                                                   term.path("assignments/release/ps2/ps2.ipynb"))
                if learner.case == "monkeypatches_grading")


def expected_auto(term: Term, assignment: str) -> dict[str, float]:
    a = term.source(assignment)
    carol = patching_learner(term).expected_score if assignment == "ps2" else 0.0
    return {"alice": a.total, "bob": sum(a.points(t) for t in a.tests[::2]), "carol": carol}


def gradebook(term: Term):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{term.path('grading/gradebook.db')}")


def hand_grade(term: Term, assignment: str) -> dict[str, float]:
    """What formgrader does when an instructor types a score: manual_score set, needs_manual_grade cleared.
    alice gets full marks, bob half; returns the hand points given per learner."""
    given = {}
    with gradebook(term) as gb:
        for sub in gb.find_assignment(assignment).submissions:
            points = 0.0
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.needs_manual_grade:
                        grade.manual_score = grade.max_score if sub.student.id == "alice" else grade.max_score / 2
                        grade.needs_manual_grade = False
                        points += grade.manual_score
            given[sub.student.id] = points
        gb.db.commit()
    return given


def warnings_in(done: subprocess.CompletedProcess) -> list[str]:
    """Lines a newcomer would read as trouble; grading without the sandbox prints its own warning by design."""
    lines = (done.stdout + done.stderr).splitlines()
    return [line for line in lines if any(word in line for word in ("WARNING", "Warning", "NOTE:", "Traceback"))
            and "grading WITHOUT the sandbox" not in line]


def report(term: Term) -> dict[str, dict]:
    with term.path("grading/completion_report.csv").open(encoding="utf-8") as handle:
        return {row["learner_id"]: row for row in csv.DictReader(handle)}


# bob's id or surname, not three letters inside a word or a random hex id ("…669cb" + "objectives_text")
BOB = re.compile(rb"(?<![a-z0-9])bob(?![a-z])|okonkwo")


def mentions_bob(path: Path) -> bool:
    """Whether a file holds bob's id or name (inside a zip: in a member's name or content; compressed bytes say
    nothing)."""
    if not path.is_file():
        return False
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as bundle:
            return any(BOB.search(name.lower().encode()) or BOB.search(bundle.read(name).lower())
                       for name in bundle.namelist())
    return BOB.search(path.read_bytes().lower()) is not None


def certificate_text(term: Term, learner: str) -> str:
    from pypdf import PdfReader

    pdf = term.path(f"grading/certificates/{learner}/exo101_certificate_{learner}.pdf")
    return " ".join(PdfReader(pdf).pages[0].extract_text().split())


def test_the_whole_term(term):
    # ---- set up and release (quick start 1-2)
    for assignment in TERM:
        term.make("release", f"ASSIGNMENT={assignment}")
    with term.path("grading/ce_roster.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["learner_id", "legal_name", "licence_number"],
                                      *[[lid, name, f"MD-{n:06d}"] for n, (lid, name) in enumerate(NAMES.items())]])

    # ---- collect, autograde, integrity, hand grading, feedback (quick start 3-7), one assignment at a time
    for assignment in TERM:
        collected = term.hand_in(assignment, notebooks_of(term, assignment), when(assignment))
        assert "filed 3 notebook" in collected, collected
        if assignment == "evaluation":  # ungraded: collected, then read by `make evaluation-summary` (quick start 4)
            continue
        graded = term.make("autograde", f"ASSIGNMENT={assignment}")
        assert warnings_in(graded) == [], (assignment, graded.stdout[-3000:] + graded.stderr[-5000:])
        flagged = term.make("integrity", f"ASSIGNMENT={assignment}", ok=False)
        if assignment == "ps2":  # only carol's patching notebook; no honest learner is ever flagged
            assert flagged.returncode != 0
            assert [line.split(":")[0] for line in flagged.stdout.splitlines() if line.startswith(("alice", "bob",
                                                                                                  "carol"))] == ["carol"]
        else:
            assert flagged.returncode == 0, flagged.stdout
            assert flagged.stdout.strip().splitlines()[-1] == f"No submission of {assignment} was flagged."
        assert "make: ***" not in flagged.stderr
        with gradebook(term) as gb:
            auto = {s.student.id: s.code_score for s in gb.find_assignment(assignment).submissions}
            stamps = {s.student.id: s.timestamp for s in gb.find_assignment(assignment).submissions}
        assert auto == expected_auto(term, assignment), assignment
        assert stamps == dict.fromkeys(NAMES, when(assignment)), assignment  # the archive's upload times
        hand_grade(term, assignment)
        feedback = term.nbgrader("generate_feedback", assignment)
        assert warnings_in(feedback) == [], (assignment, feedback.stdout[-3000:] + feedback.stderr[-5000:])
        term.make("feedback-archive", f"ASSIGNMENT={assignment}")
        for learner in NAMES:
            with zipfile.ZipFile(term.path(f"grading/feedback-archive/{assignment}/{learner}_{assignment}_feedback.zip")) as z:
                assert f"{assignment}.html" in {Path(n).name for n in z.namelist()}
                assert not [n for n in z.namelist() if any(o in n for o in NAMES if o != learner)]

    # ---- integrity review: the instructor reads carol's ps2 flag and clears it (quick start 5)
    term.make("clear-flag", "LEARNER=carol", "ASSIGNMENT=ps2", f"BY={INSTRUCTOR}", "REASON=read the log; patched a "
              "helper, scored 0 anyway")

    # ---- export, completion, certificates (quick start 8-10)
    term.nbgrader("export", "--to", "grading/grades.csv")
    term.make("knowledge-gain")
    term.make("evaluation-summary")
    packet = term.make("ce-packet")  # the packet for the provider's reviewer, now with this cohort's results
    assert "ce-packet.pdf" in packet.stdout
    from pypdf import PdfReader

    cohort = "".join(page.extract_text() for page in PdfReader(term.path("build/ce-packet/ce-packet.pdf")).pages)
    cohort = cohort.split("7. Cohort results", 1)[1].split("8. References", 1)[0]
    assert "No cohort has been graded" not in cohort and "ps1" in cohort and "posttest" in cohort
    assert "not yet meaningful" in cohort  # three learners: counts only, said plainly
    done = term.make("completion")
    assert warnings_in(done) == [] or all("placeholder" in w for w in warnings_in(done)), done.stdout
    rows = report(term)
    assert rows["alice"]["completed"] == "yes", rows["alice"]["not_complete_because"]
    assert rows["alice"]["completion_date"] == when("posttest").date().isoformat()
    assert (rows["alice"]["hours_attested"], rows["alice"]["credit_hours"]) == ("12", "6.6")
    assert rows["alice"]["credit_hours_reason"] == "attested 12 h, capped at the course's designated 6.6 h"
    assert rows["bob"]["completed"] == "no" and "below the pass mark" in rows["bob"]["not_complete_because"]
    assert rows["carol"]["completed"] == "no" and "open integrity flag" not in rows["carol"]["not_complete_because"]
    text = certificate_text(term, "alice")
    assert "Alice Ångström-Nguyen" in text and "MD-000000" in text
    assert f"Completion date: {when('posttest').date().isoformat()}" in text
    assert "Hours the learner attested: 12. Hours recorded for this learner: 6.6 (at most the estimated time)." in text
    issued = term.path("grading/certificates/alice/exo101_certificate_alice.pdf").read_bytes()
    print("\nCertificate text:", text)

    # ---- re-grading (quick start checklist): back up, autograde --force; the certificate stays
    term.make("backup")
    again = term.nbgrader("autograde", "ps1", "--force")
    assert "kept" in again.stdout + again.stderr
    with gradebook(term) as gb:
        waiting = [g.name for s in gb.find_assignment("ps1").submissions for nb in s.notebooks for g in nb.grades
                   if g.needs_manual_grade]
    assert waiting == []  # every hand grade of an unchanged answer confirmed again
    term.make("completion")
    assert report(term)["alice"]["completed"] == "yes"
    assert term.path("grading/certificates/alice/exo101_certificate_alice.pdf").read_bytes() == issued

    # ---- re-submissions: alice changes a written answer; carol hands in another patching notebook
    a = term.source("ps1")
    changed = demo_plan.fill_written(a.answered(a.tests), demo_plan.WRITTEN["right"] + " Revised.")
    carol_again = notebooks_of(term, "ps2")["carol"]
    carol_again.cells.append(nbformat.v4.new_markdown_cell("Second try."))
    term.hand_in("ps1", {"alice": changed}, when("ps1", 40), force=True)
    term.hand_in("ps2", {"carol": carol_again}, when("ps2", 40), force=True)
    term.make("autograde", "ASSIGNMENT=ps1")
    term.make("autograde", "ASSIGNMENT=ps2")
    flagged = term.make("integrity", "ASSIGNMENT=ps2", ok=False)
    assert flagged.returncode != 0 and "carol" in flagged.stdout
    held = term.make("completion").stdout
    rows = report(term)
    assert rows["alice"]["completed"] == "no"
    assert rows["alice"]["not_complete_because"].startswith("ps1 waits for a manual grade: the answer to ")
    assert "changed after it was graded" in rows["alice"]["not_complete_because"]
    assert "alice: a certificate issued earlier is kept" in held
    assert term.path("grading/certificates/alice/exo101_certificate_alice.pdf").read_bytes() == issued
    assert "ps2 has an open integrity flag" in rows["carol"]["not_complete_because"]  # flagged afresh

    # ---- the instructor grades alice's new answer: she completes again, on her re-submission's date; then the
    # ---- certificate is revoked on purpose, and a report run does not issue it again
    hand_grade(term, "ps1")
    term.make("completion")
    assert report(term)["alice"]["completion_date"] == when("ps1", 40).date().isoformat()
    revoked = term.make("revoke", "LEARNER=alice", f"BY={INSTRUCTOR}", "REASON=registrar asked: duplicate record")
    assert "Revoked certificate" in revoked.stdout
    assert not term.path("grading/certificates/alice/exo101_certificate_alice.pdf").exists()
    assert len(list(term.path("grading/certificates/alice/revoked").glob("*.pdf"))) == 1
    term.make("completion")
    because = report(term)["alice"]["not_complete_because"]
    assert because.startswith("certificate ") and f"by {INSTRUCTOR}: registrar asked: duplicate record" in because
    assert not term.path("grading/certificates/alice/exo101_certificate_alice.pdf").exists()

    # ---- a learner asks to be forgotten: nothing of bob is left, backups and summaries included
    evaluations_before = term.path("grading/evaluation_summary.md").read_text(encoding="utf-8")
    gone = term.make("forget-learner", "LEARNER=bob", "YES=1").stdout
    assert "grading/backups/" in gone and "evaluation_summary" in gone
    assert [p for p in term.path("grading").rglob("*") if BOB.search(p.name.lower().encode()) or mentions_bob(p)] == []
    assert term.path("grading/evaluation_summary.md").read_text(encoding="utf-8") != evaluations_before
    with gradebook(term) as gb:
        assert sorted(s.id for s in gb.students) == ["alice", "carol"]
    connection = sqlite3.connect(term.path("grading/gradebook.db"))
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    print("\n".join(f"$ {' '.join(c)}  -> exit {d.returncode}" for c, d in term.log[-6:]))
