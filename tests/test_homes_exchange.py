"""deploy/z2jh/homes_exchange.py against hostile home folders: learners control their homes, symbolic links
included, and the script runs in the grader pod next to the instructor repository (solutions, gradebook)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


@pytest.fixture(scope="module")
def hx():
    spec = importlib.util.spec_from_file_location("homes_exchange", DEPLOY / "z2jh" / "homes_exchange.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def pod(tmp_path):
    """A grader pod's file system: the course (with a solution notebook) and the home volume with two learners."""
    course, homes = tmp_path / "jovyan" / "exo101", tmp_path / "homes"
    solution = course / "assignments" / "source" / "ps1" / "ps1.ipynb"
    solution.parent.mkdir(parents=True)
    solution.write_text("SOLUTION")
    for user in ("alice", "mallory"):
        (homes / "home" / user / "exo-learner" / "assignments" / "ps1").mkdir(parents=True)
    (homes / "home" / "alice" / "exo-learner" / "assignments" / "ps1" / "ps1.ipynb").write_text("alice's work")
    return {"course": course, "homes": homes, "solution": solution,
            "mallory": homes / "home" / "mallory", "alice": homes / "home" / "alice"}


def test_a_notebook_linked_to_the_solution_is_not_collected(hx, pod):
    (pod["mallory"] / "exo-learner" / "assignments" / "ps1" / "ps1.ipynb").symlink_to(pod["solution"])
    status = hx.collect("ps1", pod["homes"], "exo-learner", pod["course"])
    assert status == {"alice": "collected", "mallory": "missing"}
    assert not (pod["course"] / "grading" / "submitted" / "mallory").exists()
    submitted = [p.read_text() for p in (pod["course"] / "grading" / "submitted").rglob("*.ipynb")]
    assert "SOLUTION" not in submitted and submitted == ["alice's work"]


def test_links_beside_a_real_notebook_are_dropped_from_the_copy(hx, pod):
    folder = pod["mallory"] / "exo-learner" / "assignments" / "ps1"
    (folder / "ps1.ipynb").write_text("mallory's work")
    (folder / "answers.ipynb").symlink_to(pod["solution"])
    (folder / "source").symlink_to(pod["solution"].parent, target_is_directory=True)
    assert hx.collect("ps1", pod["homes"], "exo-learner", pod["course"])["mallory"] == "collected"
    copied = pod["course"] / "grading" / "submitted" / "mallory" / "ps1"
    assert sorted(p.name for p in copied.iterdir()) == ["ps1.ipynb", "timestamp.txt"]
    assert all("SOLUTION" not in p.read_text() for p in copied.rglob("*") if p.is_file())


def test_an_assignment_folder_linked_outside_the_home_is_skipped(hx, pod):
    linked = pod["mallory"] / "exo-learner" / "assignments" / "ps1"
    linked.rmdir()
    linked.symlink_to(pod["solution"].parent, target_is_directory=True)
    status = hx.collect("ps1", pod["homes"], "exo-learner", pod["course"])
    assert status["mallory"].startswith("skipped")
    assert not (pod["course"] / "grading" / "submitted" / "mallory").exists()


def test_a_feedback_link_cannot_overwrite_or_remove_the_graders_files(hx, pod):
    for user in ("alice", "mallory"):
        folder = pod["course"] / "grading" / "feedback" / user / "ps1"
        folder.mkdir(parents=True)
        (folder / "ps1.html").write_text(f"feedback for {user}")
    # ~/feedback -> the course's source folder: `return` would rmtree source/ps1 and write feedback there.
    (pod["mallory"] / "feedback").symlink_to(pod["course"] / "assignments" / "source", target_is_directory=True)
    status = hx.return_feedback("ps1", pod["homes"], pod["course"])
    assert status["alice"] == "returned" and status["mallory"].startswith("skipped")
    assert pod["solution"].read_text() == "SOLUTION"  # neither removed nor overwritten
    assert sorted(p.name for p in pod["solution"].parent.iterdir()) == ["ps1.ipynb"]
    assert (pod["alice"] / "feedback" / "ps1" / "ps1.html").read_text() == "feedback for alice"


def test_a_feedback_assignment_folder_linked_outside_is_skipped(hx, pod):
    folder = pod["course"] / "grading" / "feedback" / "mallory" / "ps1"
    folder.mkdir(parents=True)
    (folder / "ps1.html").write_text("feedback for mallory")
    (pod["mallory"] / "feedback").mkdir()
    (pod["mallory"] / "feedback" / "ps1").symlink_to(pod["solution"].parent, target_is_directory=True)
    assert hx.return_feedback("ps1", pod["homes"], pod["course"])["mallory"].startswith("skipped")
    assert pod["solution"].read_text() == "SOLUTION"


def test_a_linked_home_folder_is_not_a_learner(hx, pod):
    (pod["homes"] / "home" / "eve").symlink_to(pod["course"].parent, target_is_directory=True)
    assert "eve" not in hx.collect("ps1", pod["homes"], "exo-learner", pod["course"])


def test_only_collects_and_returns_the_listed_learners(hx, pod, tmp_path, capsys):
    instructor = pod["homes"] / "home" / "dr-lee" / "exo-learner" / "assignments" / "ps1"
    instructor.mkdir(parents=True)
    (instructor / "ps1.ipynb").write_text("practice copy")
    only = tmp_path / "learners.txt"
    only.write_text("# this cohort\nalice\n\nmallory  # no work yet\nnobody-with-a-home\n")
    assert hx.read_ids(only) == {"alice", "mallory", "nobody-with-a-home"}
    code = hx.main(["collect", "ps1", "--homes", str(pod["homes"]), "--repo", "exo-learner",
                    "--course", str(pod["course"]), "--only", str(only)])
    assert code == 0
    assert capsys.readouterr().out.splitlines() == ["alice: collected", "mallory: missing"]
    assert not (pod["course"] / "grading" / "submitted" / "dr-lee").exists()
    # Without --only the instructor's practice copy is collected like a learner's: why --only exists.
    assert hx.collect("ps1", pod["homes"], "exo-learner", pod["course"])["dr-lee"] == "collected"
    for user in ("alice", "dr-lee"):
        (pod["course"] / "grading" / "feedback" / user / "ps1").mkdir(parents=True)
        (pod["course"] / "grading" / "feedback" / user / "ps1" / "ps1.html").write_text("fb")
    assert hx.return_feedback("ps1", pod["homes"], pod["course"], {"alice"}) == {"alice": "returned"}
    assert not (pod["homes"] / "home" / "dr-lee" / "feedback").exists()
