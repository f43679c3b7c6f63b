"""Unit tests of the integrity scan and the sandbox command (the hostile class tests the whole chain)."""

import json
from pathlib import Path

import pytest

from exocourse.grading.integrity import scan_code
from exocourse.grading.monitor import Monitor
from exocourse.grading.sandbox import bwrap_command, submission_context

NAMES = {"check_answer", "check_form", "grading", "importlib", "load_nta_sample", "median_diameter_nm"}


@pytest.mark.parametrize("answer", ['q1 = "C"', "q4 = median_diameter_nm(load_nta_sample(\"nta_sample.csv\"))",
                                    'q5 = ["C", "E"]', "x = 3 * 4\nprint(x)", "import math\nq4 = round(math.pi, 1)"])
def test_ordinary_answers_are_not_flagged(answer):
    assert scan_code(answer, NAMES) == []


@pytest.mark.parametrize("code,reason", [
    ("get_ipython().input_transformers_post.append(f)", "input transformer"),
    ("get_ipython().events.register('pre_run_cell', f)", "event hook"),
    ("import exocourse.grading as g\ng.check_answer = print", "patches a module"),
    ("def check_answer(*a):\n    pass", "redefines test helper check_answer"),
    ("import builtins\nbuiltins.print = len", "patches a module"),
    ("import sys\nsys.modules['hashlib'] = None", "patches sys.modules"),
    ("import os\nos._exit(0)", "os._exit"),
    ("open('/etc/passwd').read()", "file access outside the submission"),
    ("open('../../../gradebook.db', 'w')", "gradebook"),
    ("!cat ../other/ps1.ipynb", "shell command"),
    ("import subprocess", "runs other programs"),
])
def test_tampering_is_named(code, reason):
    assert any(reason in found for found in scan_code(code, NAMES)), scan_code(code, NAMES)


def test_submission_context_reads_learner_and_assignment():
    context = submission_context(Path("/srv/course/grading/autograded/ada/ps1"))
    assert context["learner"] == "ada" and context["assignment"] == "ps1"
    assert context["root"] == Path("/srv/course")
    assert context["log"] == Path("/srv/course/grading/integrity/ps1/ada.jsonl")
    assert submission_context(Path("/home/ada/ps1")) is None


def test_sandbox_command_hides_the_course_but_keeps_the_submission_writable():
    submission = Path("/srv/course/grading/autograded/ada/ps1")
    command = bwrap_command(["python"], submission, Path("/srv/course"), [Path("/srv/course/.venv")],
                            Path("/tmp/k.json"), Path("/run/sockets"), ["--unshare-net"], 5)
    text = " ".join(command)
    assert "--tmpfs /srv/course" in text and "--remount-ro /srv/course" in text
    assert f"--bind {submission} {submission}" in text and "--ro-bind /srv/course/.venv" in text
    assert "--die-with-parent" in command and "--unshare-net" in command
    assert text.index("--tmpfs /srv/course") < text.index(f"--bind {submission}")  # order matters to bwrap


def test_monitor_flags_reads_of_other_learners_but_not_own_files(tmp_path):
    submission = tmp_path / "grading/autograded/ada/ps1"
    submission.mkdir(parents=True)
    log = tmp_path / "log.jsonl"
    import os

    fd = os.open(log, os.O_WRONLY | os.O_CREAT)
    monitor = Monitor(fd, submission)
    monitor.armed = True
    monitor.audit("open", ("nta_sample.csv", "r", 0))
    monitor.audit("open", ("../../../submitted/ben/ps1/ps1.ipynb", "r", 0))
    monitor.audit("open", ("../../../gradebook.db", "w", 0))
    monitor.audit("subprocess.Popen", ("ls", ["ls"], None, None))
    os.close(fd)
    text = log.read_text()
    assert "nta_sample" not in text and "submitted/ben" in text and "writes ../../../gradebook.db" in text
    assert "starts another program" in text


def test_grading_kernel_tracebacks_quote_no_source(tmp_path):
    """An error inside a hidden test must not show the test's code: the grading kernel uses minimal tracebacks."""
    import nbformat
    from nbclient import NotebookClient

    from exocourse.grading.sandbox import KERNEL_AUDITED, install_kernelspecs

    install_kernelspecs()
    source = "### BEGIN HIDDEN TESTS\nsecret_key = 'abc123'\nraise ValueError('boom')\n### END HIDDEN TESTS"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(nb, kernel_name=KERNEL_AUDITED, timeout=30, allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    error = nb.cells[0].outputs[0]
    text = "\n".join(error.traceback)
    assert error.ename == "ValueError" and "HIDDEN" not in text and "abc123" not in text


def test_monitor_in_place_allows_the_environment_inside_the_course_but_nothing_else(tmp_path, monkeypatch):
    """Graded in the instructor's own folder: .venv and the course package live inside the course root."""
    import os
    import sys

    course = tmp_path / "course"
    submission = course / "grading/autograded/ada/ps1"
    submission.mkdir(parents=True)
    monkeypatch.setattr(sys, "prefix", str(course / ".venv"))
    monkeypatch.setattr(sys, "path", [str(course), str(course / ".venv/lib/python3.11/site-packages")])
    log = tmp_path / "log.jsonl"
    fd = os.open(log, os.O_WRONLY | os.O_CREAT)
    monitor = Monitor(fd, submission)
    monitor.armed = True
    monitor.audit("open", (str(course / ".venv/lib/python3.11/site-packages/IPython/core/logger.py"), "r", 0))
    monitor.audit("os.listdir", (str(course / ".venv/lib/python3.11/site-packages/psutil"),))
    package = Path(__import__("exocourse").__file__).parent
    monitor.audit("open", (str(package / "lessons/biology.py"), "r", 0))
    monitor.audit("open", (str(course / "grading/gradebook.db"), "r", 0))  # sys.path holds the course root: still flagged
    monitor.audit("open", (str(course / ".venv/lib/python3.11/site-packages/x.py"), "w", 0))  # writes never allowed
    os.close(fd)
    details = [json.loads(line)["detail"] for line in log.read_text().splitlines()]
    assert details == [f"reads {course / 'grading/gradebook.db'}",
                       f"writes {course / '.venv/lib/python3.11/site-packages/x.py'}"]
