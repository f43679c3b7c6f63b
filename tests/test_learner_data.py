"""Deleting one learner's data on request: everything of theirs goes, nothing of anyone else's."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, empty_gradebook

from exocourse.instructor import learner_data
from exocourse.instructor.gradebook import db_url_of


def _write(path, text="x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _csv(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _ids(path, column):
    with path.open() as handle:
        return [row[column] for row in csv.DictReader(handle)]


@pytest.fixture
def course(tmp_path):
    return _build_course(tmp_path / "course")


@pytest.fixture(scope="module")
def course_once(tmp_path_factory):
    """The same course, built once, for tests that must leave it unchanged."""
    return _build_course(tmp_path_factory.mktemp("once") / "course")


def _build_course(root):
    """A course folder laid out as nbgrader and the course tools leave it, for learners demo01 and demo02."""
    from nbgrader.api import Gradebook
    from nbgrader.utils import notebook_hash

    _write(root / "course.yml", "course_id: exo101\n")
    (root / "assignments/source/ps1").mkdir(parents=True)
    g = root / "grading"
    for learner, secret in (("demo01", "s1"), ("demo02", "s2")):
        _write(g / "submitted" / learner / "ps1/ps1.ipynb")
        _write(g / "autograded" / learner / "ps1/ps1.ipynb")
        _write(g / "feedback" / learner / "ps1/ps1.html")
        _write(g / "feedback" / learner / "ps1/submission_secret.txt", secret)
        _write(g / "integrity/ps1" / f"{learner}.jsonl")
        _write(g / "certificates" / learner / f"exo101_certificate_{learner}.pdf")
        _write(g / "exchange/exo101/inbound" / f"{learner}+ps1+2026-09-09 10:00:00.000000 UTC+abc" / "ps1.ipynb")
        _write(g / "exchange/exo101/feedback" / f"{notebook_hash(secret=secret, notebook_id='ps1')}.html")
    _write(g / "exchange/exo101/outbound/ps1/ps1.ipynb")  # the released assignment: everyone's, stays
    _csv(g / "roster.csv", [{"learner_id": "demo01", "legal_name": "Avery Quillfeather", "licence_number": "DEMO-1"},
                            {"learner_id": "demo02", "legal_name": "Bastian Marrowgate", "licence_number": "DEMO-2"}])
    _csv(g / "grades.csv", [{"assignment": "ps1", "student_id": "demo01", "raw_score": "7"},
                            {"assignment": "ps1", "student_id": "demo02", "raw_score": "5"}])
    _csv(g / "completion_report.csv", [{"learner_id": "demo01", "completed": "yes"},
                                       {"learner_id": "demo02", "completed": "no"}])
    _csv(g / "evaluation_summary.csv", [{"section": "responses", "question": "Evaluations submitted", "count": "2"}])
    with Gradebook(empty_gradebook(root / "grading/gradebook.db")) as gradebook:
        gradebook.add_assignment("ps1")
        for learner in ("demo01", "demo02"):
            gradebook.add_student(learner)
            gradebook.add_submission("ps1", learner)
    return root


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_dry_run_lists_everything_and_changes_nothing(course):
    before = {p: (course / p).read_bytes() for p in _files(course)}
    plan = learner_data.plan(course, "demo01")
    shown = sorted(p.relative_to(course).as_posix() for p in plan.paths)
    released = next(p for p in shown if p.startswith("grading/exchange/exo101/feedback/"))
    assert shown == sorted([
        "grading/autograded/demo01", "grading/certificates/demo01", "grading/feedback/demo01",
        "grading/submitted/demo01", "grading/integrity/ps1/demo01.jsonl", released,
        "grading/exchange/exo101/inbound/demo01+ps1+2026-09-09 10:00:00.000000 UTC+abc"])
    assert {p.name: n for p, n in plan.csv_rows.items()} == {"roster.csv": 1, "grades.csv": 1,
                                                              "completion_report.csv": 1}
    assert plan.in_gradebook and plan.gradebook_submissions == 1 and plan.earned_credit
    lines = learner_data.describe(plan, course, dry_run=True)
    assert lines[-1] == "Dry run: nothing was deleted. Add --yes to delete (with make: YES=1)."
    assert any("6 years" in line for line in lines)
    assert {p: (course / p).read_bytes() for p in _files(course)} == before


def test_forget_removes_the_learner_everywhere_and_keeps_the_others(course):
    from nbgrader.api import Gradebook

    from exocourse.instructor import backups

    taken = backups.backup(course)
    assert learner_data.plan(course, "demo01").backups == [taken]
    other_before = [p for p in _files(course) if "demo01" not in p]
    learner_data.forget(course, "demo01")
    with Gradebook(f"sqlite:///{taken}") as gradebook:  # the backup no longer holds the learner
        assert [s.id for s in gradebook.students] == ["demo02"]
    assert b"demo01" not in taken.read_bytes()  # rebuilt (VACUUM): nothing left in free pages
    after = _files(course)
    assert not [p for p in after if "demo01" in p]
    assert len(list((course / "grading/exchange/exo101/feedback").iterdir())) == 1  # demo02's released feedback
    assert set(other_before) - set(after) == {p for p in other_before if "exchange/exo101/feedback" in p} - {
        p for p in after if "exchange/exo101/feedback" in p}
    g = course / "grading"
    assert _ids(g / "roster.csv", "learner_id") == ["demo02"]
    assert _ids(g / "grades.csv", "student_id") == ["demo02"]
    assert _ids(g / "completion_report.csv", "learner_id") == ["demo02"]
    assert (g / "evaluation_summary.csv").read_text().count("\n") == 2  # anonymous: untouched
    with Gradebook(db_url_of(course)) as gradebook:
        assert [s.id for s in gradebook.students] == ["demo02"]
        assert len(gradebook.find_assignment("ps1").submissions) == 1
    assert learner_data.plan(course, "demo01").empty()  # running it again finds nothing left


def test_a_roster_outside_grading_is_cleaned_too(course, tmp_path):
    program_roster = tmp_path / "program" / "roster.csv"
    _csv(program_roster, [{"learner_id": "demo01", "legal_name": "A", "licence_number": "1"},
                          {"learner_id": "demo03", "legal_name": "C", "licence_number": "3"}])
    learner_data.forget(course, "demo01", roster=program_roster)
    assert _ids(program_roster, "learner_id") == ["demo03"]


def test_a_hub_exchange_outside_the_course_is_cleaned_too(course, tmp_path):
    from nbgrader.utils import notebook_hash

    hub = tmp_path / "srv-exchange"
    mine = _write(hub / "exo101/inbound/demo01+ps1+2026-09-09 10:00:00.000000 UTC+xyz/ps1.ipynb").parent
    theirs = _write(hub / "exo101/inbound/demo02+ps1+2026-09-09 10:00:00.000000 UTC+xyz/ps1.ipynb").parent
    returned = _write(hub / "exo101/feedback" / f"{notebook_hash(secret='s1', notebook_id='ps1')}.html")
    released = _write(hub / "exo101/outbound/ps1/ps1.ipynb")
    learner_data.forget(course, "demo01", exchange=hub)
    assert not mine.exists() and not returned.exists()
    assert theirs.exists() and released.exists()


def test_submissions_the_learner_owns_in_a_hub_exchange_get_the_command_for_it(course, tmp_path, monkeypatch):
    # On TLJH nbgrader submit leaves the learner's account owning its inbound folder: the course cannot delete it.
    hub = tmp_path / "srv-exchange"
    mine = _write(hub / "exo101/inbound/demo01+ps1+2026-09-09 10:00:00.000000 UTC+xyz/ps1.ipynb").parent
    real_rmtree = learner_data.shutil.rmtree

    def refuse_inbound(path, *args, **kwargs):
        if Path(path).is_relative_to(hub):
            raise PermissionError(13, "Permission denied", str(path))
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(learner_data.shutil, "rmtree", refuse_inbound)
    done = learner_data.forget(course, "demo01", exchange=hub)
    assert done.not_removed == [mine] and mine.exists()
    lines = learner_data.describe(done, course, dry_run=False)
    assert any(line.startswith("could NOT remove") and "demo01+ps1" in line for line in lines), lines
    assert any(f"sudo rm -rf {hub}/exo101/inbound/demo01+*" in line for line in lines), lines
    assert not (course / "grading" / "submitted" / "demo01").exists()  # everything else still went


@pytest.mark.parametrize("bad", ["", "..", "demo*", "a/b", "??", "demo0[12]", " demo01", "ps1", "exo101"])
def test_a_learner_id_that_could_match_other_files_is_refused(course, bad):
    with pytest.raises(ValueError):
        learner_data.plan(course, bad)


FOLDER_NAMES = ["feedback", "submitted", "autograded", "integrity", "release", "exchange", "inbound", "outbound",
                "certificates", "demo", "course", "exo101", "ps1"]


@pytest.mark.parametrize("name", FOLDER_NAMES)
def test_an_id_equal_to_a_folder_name_deletes_nothing(course_once, name, capsys):
    """The probe's critical case: `forget-learner feedback` once matched grading/feedback/ — every learner's."""
    from exocourse import cli

    course = course_once
    before = {p: (course / p).read_bytes() for p in _files(course)}
    for yes in ([], ["--yes"]):  # the dry run, then the real run
        assert cli.run(learner_data.main, ["forget", name, "--course", str(course), *yes]) == 1
        out, err = capsys.readouterr()
        assert err.startswith("error: ") and len(err.strip().splitlines()) == 1 and not out
    assert {p: (course / p).read_bytes() for p in _files(course)} == before


def test_glob_characters_never_reach_other_learners_in_a_hub_exchange(course_once, tmp_path):
    course = course_once
    hub = tmp_path / "srv-exchange"
    for learner in ("ab", "xy"):
        _write(hub / f"exo101/inbound/{learner}+ps1+2026-09-09 10:00:00.000000 UTC+r/ps1.ipynb")
    with pytest.raises(ValueError):
        learner_data.plan(course, "??", exchange=hub)
    assert learner_data.plan(course, "ab", exchange=hub).paths == [
        hub / "exo101/inbound/ab+ps1+2026-09-09 10:00:00.000000 UTC+r"]


def test_a_roster_row_with_spaces_around_the_id_is_forgotten_too(course):
    roster = course / "grading/roster.csv"
    _csv(roster, [{"learner_id": " demo01 ", "legal_name": "A", "licence_number": "1"},
                  {"learner_id": "demo02", "legal_name": "B", "licence_number": "2"}])
    learner_data.forget(course, "demo01")
    assert _ids(roster, "learner_id") == ["demo02"]


def test_the_demo_class_folder_is_not_the_courses_data(course_once):
    course = course_once
    demo = course / "grading/demo"
    _write(demo / ".exocourse-demo-class", "made by the demo")
    _write(demo / "course/grading/submitted/demo01/ps1/ps1.ipynb")
    _csv(demo / "course/grading/grades.csv", [{"assignment": "ps1", "student_id": "demo01", "raw_score": "7"}])
    plan = learner_data.plan(course, "demo01")
    assert not [p for p in plan.paths if demo in p.parents]
    assert not [p for p in plan.csv_rows if demo in p.parents]


def test_command_is_a_dry_run_unless_told_yes(course):
    command = [sys.executable, "-m", "exocourse.instructor.learner_data", "forget", "demo02", "--course", str(course)]
    dry = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert dry.returncode == 0 and "would remove grading/submitted/demo02/" in dry.stdout
    assert (course / "grading/submitted/demo02").exists()
    real = subprocess.run([*command, "--yes"], capture_output=True, text=True, cwd=ROOT)
    assert real.returncode == 0 and "removed demo02 and 1 submission(s) from the gradebook" in real.stdout
    assert not (course / "grading/submitted/demo02").exists()
