"""The unsandboxed grader's safety net (exocourse.grading.guard): whatever a learner's code does to the gradebook
and the course files between `before` and `after` is put back exactly and reported; the learner's own working
copy and runtime log are theirs; a change to the grading environment stops the run."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from exocourse.grading import guard, sandbox
from exocourse.grading.guard import EnvironmentTampered, Snapshot


def _tree_digest(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "autograded" not in p.parts
            and p.name != "gradebook.db" and "integrity" not in p.parts}


def _rows(db):
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT learner, score FROM grade ORDER BY learner").fetchall()
    connection.close()
    return rows


@pytest.fixture()
def course(tmp_path, monkeypatch):
    root = tmp_path / "course"
    (root / "grading/submitted/ada/ps1").mkdir(parents=True)
    (root / "grading/submitted/ben/ps1").mkdir(parents=True)
    (root / "grading/autograded/ben/ps1").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "course.yml").write_text("course_id: exo101\n")
    (root / "data/table.csv").write_text("a,b\n1,2\n")
    (root / "grading/submitted/ada/ps1/ps1.ipynb").write_text("{ada}")
    (root / "grading/submitted/ben/ps1/ps1.ipynb").write_text("{ben}")
    db = root / "grading/gradebook.db"
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE grade (learner TEXT, score REAL)")
    connection.executemany("INSERT INTO grade VALUES (?, ?)", [("ada", 7.0), ("cy", 3.0)])
    connection.commit()
    connection.close()
    env = tmp_path / "env"
    (env / "lib").mkdir(parents=True)
    (env / "lib/grading.py").write_text("def check(): ...\n")
    monkeypatch.setattr("sys.prefix", str(env))
    return root, db, env


def test_untouched_window_reports_nothing_and_allows_the_learners_own_copy_and_log(course):
    root, db, _env = course
    snapshot = Snapshot(root, db)
    snapshot.before("ben", "ps1")
    (root / "grading/autograded/ben/ps1/ps1.ipynb").write_text("executed")  # the kernel's working copy
    (root / "grading/integrity/ps1/ben.jsonl").write_text("")  # the kernel's own audit log
    assert snapshot.after() == []
    assert not (root / "grading/integrity/ps1/ben.guard.jsonl").exists()


def test_every_kind_of_damage_is_put_back_and_reported(course):
    root, db, _env = course
    before_tree, before_rows = _tree_digest(root), _rows(db)
    snapshot = Snapshot(root, db)
    snapshot.before("ben", "ps1")
    db.write_bytes(b"tampered")  # "file is not a database" for everyone after, without the guard
    (root / "course.yml").write_text("course_id: hacked\n")
    (root / "grading/submitted/ada/ps1/ps1.ipynb").unlink()
    (root / "data/extra.py").write_text("print('planted')")
    (root / "data/table.csv").chmod(0o600)
    findings = snapshot.after()
    assert findings == ["changed the gradebook", "changed course.yml", "created data/extra.py",
                        "changed data/table.csv", "deleted grading/submitted/ada/ps1/ps1.ipynb"]
    assert _tree_digest(root) == before_tree and _rows(db) == before_rows
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    log = [json.loads(line)["detail"] for line in
           (root / "grading/integrity/ps1/ben.guard.jsonl").read_text().splitlines()]
    assert log == findings


def test_a_legitimate_change_between_learners_becomes_the_new_baseline(course):
    root, db, _env = course
    snapshot = Snapshot(root, db)
    snapshot.before("ada", "ps1")
    assert snapshot.after() == []
    connection = sqlite3.connect(db)  # nbgrader saves ada's grades after her window
    connection.execute("UPDATE grade SET score = 6.5 WHERE learner = 'ada'")
    connection.commit()
    connection.close()
    (root / "grading/autograded/ada/ps1").mkdir(parents=True)
    (root / "grading/autograded/ada/ps1/ps1.ipynb").write_text("ada graded")
    snapshot.before("ben", "ps1")
    (root / "grading/autograded/ada/ps1/ps1.ipynb").write_text("ben was here")  # another learner's graded copy
    assert snapshot.after() == ["changed grading/autograded/ada/ps1/ps1.ipynb"]
    assert (root / "grading/autograded/ada/ps1/ps1.ipynb").read_text() == "ada graded"
    assert _rows(db) == [("ada", 6.5), ("cy", 3.0)]


def test_a_regrade_starts_with_a_clean_record(course):
    root, db, _env = course
    snapshot = Snapshot(root, db)
    snapshot.before("ben", "ps1")
    (root / "course.yml").write_text("x")
    assert snapshot.after() == ["changed course.yml"]
    again = Snapshot(root, db)  # the next `nbgrader autograde --force`
    again.before("ben", "ps1")
    assert again.after() == [] and not (root / "grading/integrity/ps1/ben.guard.jsonl").exists()


def test_a_changed_grading_environment_stops_the_run_after_restoring_the_course(course):
    root, db, env = course
    snapshot = Snapshot(root, db)
    snapshot.before("ben", "ps1")
    (env / "lib/grading.py").write_text("def check(): return True\n")
    (root / "course.yml").write_text("x")
    with pytest.raises(EnvironmentTampered, match="grading stopped"):
        snapshot.after()
    assert (root / "course.yml").read_text() == "course_id: exo101\n"
    assert "changed the grading environment" in (root / "grading/integrity/ps1/ben.guard.jsonl").read_text()


@pytest.mark.parametrize("value,wanted", [("1", True), ("auto", True), ("", True), ("0", False), ("off", False)])
def test_only_an_explicit_zero_switches_the_sandbox_off(monkeypatch, value, wanted):
    monkeypatch.setenv("EXOCOURSE_SANDBOX", value)
    assert sandbox.sandbox_wanted() is wanted


def test_autograde_refuses_without_a_working_sandbox_and_other_commands_go_on(monkeypatch, capsys, tmp_path):
    from traitlets.config import Config

    monkeypatch.delenv("EXOCOURSE_SANDBOX", raising=False)
    monkeypatch.setattr(sandbox, "sandbox_probe", lambda: (None, "bubblewrap (bwrap) is not installed"))
    with pytest.raises(SystemExit) as stopped:
        sandbox.configure(Config(), argv=["/venv/bin/nbgrader", "autograde", "ps1"])
    assert stopped.value.code == 2
    message = capsys.readouterr().err
    assert message.startswith("error: autograding refused") and "apt-get install bubblewrap" in message
    assert "EXOCOURSE_SANDBOX=0" in message and "hub" in message
    config = Config()  # generate_assignment, feedback, formgrader: no learner code runs, so they go on
    assert sandbox.configure(config, argv=["/venv/bin/nbgrader", "generate_assignment", "ps1"]) == \
        sandbox.KERNEL_SANDBOXED  # and should anything grade, the sandboxed kernel refuses to start
    monkeypatch.setenv("EXOCOURSE_SANDBOX", "0")
    monkeypatch.setattr(guard, "_LOCK", None)  # released again (closed) when the test ends
    config = Config()
    config.CourseDirectory.db_url = f"sqlite:///{tmp_path}/grading/gradebook.db"
    assert sandbox.configure(config, argv=["/usr/lib/python3/nbgrader/__main__.py", "autograde", "ps1"]) == \
        sandbox.KERNEL_AUDITED
    assert "WARNING: grading WITHOUT the sandbox" in capsys.readouterr().err
    with open(tmp_path / "grading/.unsandboxed-grading.lock") as other:  # a second grading process must wait
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_a_grading_process_leaves_no_socket_folder_behind(tmp_path):
    """Every nbgrader command run with the sandbox wanted makes a folder for the grading kernel's sockets in the
    Jupyter runtime folder; it goes when the process ends, so an instructor's runtime folder does not gather one
    per command."""
    code = ("from traitlets.config import Config; from exocourse.grading import sandbox; c = Config(); "
            "sandbox.configure(c, argv=['nbgrader', 'generate_assignment', 'ps1']); "
            "import os; print(c.KernelManager.ip, os.path.isdir(os.path.dirname(c.KernelManager.ip)))")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path), "EXOCOURSE_SANDBOX": "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    socket, existed = done.stdout.split()
    assert Path(socket).parent.parent == tmp_path and Path(socket).parent.name.startswith("exocourse-grader-")
    assert existed == "True"  # there while the process ran
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ids", [[f"demo{n:02d}" for n in range(1, 31)], ["a_correct", "b_untouched"],
                                 [f"{'ab'[n % 2]}_{n:04d}" for n in range(1, 301)], ["jupyter-ana", "jupyter-bo"]])
def test_learner_groups_give_every_learner_to_exactly_one_grading_process(ids):
    from fnmatch import fnmatchcase

    from exocourse.grading.batch import learner_groups

    groups = learner_groups(ids, processes=4)
    assert 1 <= len(groups) <= 4
    assert all(sum(fnmatchcase(learner_id, glob) for glob in groups) == 1 for learner_id in ids)
