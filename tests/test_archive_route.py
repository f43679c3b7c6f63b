"""Off a hub, hand-in by archive (exocourse/grading/archive.py), in a scratch copy of the course: one .zip of learners'
notebooks filed with nbgrader's own `nbgrader zip_collect` and the course plugins, graded, and one feedback zip per
learner back. Entries that must not be filed are skipped and named; a non-zip or a zip bomb is refused."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from exocourse import cli
from exocourse.build.learner_edition import find_leaks
from exocourse.grading import archive, archive_reader, batch
from exocourse.grading.sandbox import sandbox_probe

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("archive")]
SANDBOX = "1" if sandbox_probe()[0] else "0"  # honest notebooks: graded either way, sandboxed where it works
RESERVED_LINE = "feedback/ps1.ipynb: 'feedback' is the name of a course folder"
SKIPPED = [
    "Submissions/ben__ps1.ipynb: ben handed in ps1.ipynb twice; kept the later one, Submissions/ben/ps1.ipynb "
    "(2024-03-05 14:30:12.000000 UTC)",
    "../evil.ipynb: its path leaves the archive",
    RESERVED_LINE,
    "x.py: not a notebook (.ipynb)",
    "ada/notes.ipynb: notes.ipynb is not a notebook of this assignment (ps1.ipynb)",
]
TIMES = {"ada": "2024-03-04 09:15:30.123456 UTC", "ben": "2024-03-05 14:30:12.000000 UTC",
         "cy": "2024-03-06 08:00:02.000000 UTC"}


def _zip(path: Path, entries: list[tuple]) -> Path:
    """entries: (name, bytes, ZIP date and time[, Unix mode])."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data, when, *mode in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            info.external_attr = (mode[0] if mode else 0o100644) << 16
            bundle.writestr(info, data)
    return path


def _notebook(course: Path, note: str) -> bytes:
    """The release notebook, told apart by a note in its metadata."""
    nb = nbformat.read(course / "assignments/release/ps1/ps1.ipynb", as_version=4)
    nb.metadata["handed_in"] = note
    return nbformat.writes(nb).encode()


def _run(course: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exocourse.grading.archive", *args], cwd=course, env=env,
                          capture_output=True, text=True)


@pytest.fixture
def here(course, monkeypatch, capsys):
    """Run the command in this process, from the course folder (saves nbgrader's start-up time):
    here(*argv) → (exit status, output lines, error text)."""
    monkeypatch.chdir(course[0])
    monkeypatch.setenv("EXOCOURSE_ROOT", str(course[0]))

    def run(*argv: str) -> tuple[int, list[str], str]:
        status = cli.run(archive.main, list(argv))
        captured = capsys.readouterr()
        return status, captured.out.splitlines(), captured.err

    return run


def _tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def course(tmp_path_factory, released):
    folder = batch.scratch_course(ROOT, tmp_path_factory.mktemp("archive") / "course")
    env = batch.environment(cell_timeout=10, sandbox=SANDBOX, EXOCOURSE_ROOT=str(folder))
    released(folder, "ps1")  # what `nbgrader generate_assignment ps1` makes, generated once per test run
    return folder, env


@pytest.fixture(scope="module")
def first(course):
    """The class archive, collected once: (the command's result, the notebooks in it, the submitted tree)."""
    folder, env = course
    books = {who: _notebook(folder, who) for who in ["ada", "ben", "ben-earlier", "cy"]}
    path = _zip(folder.parent / "class.zip", [
        ("Submissions/ada/ps1.ipynb", books["ada"], (2024, 3, 4, 9, 0, 0)),
        ("Submissions/ada/timestamp.txt", TIMES["ada"].encode() + b"\n", (2024, 3, 4, 9, 0, 0)),
        ("Submissions/ben/ps1.ipynb", books["ben"], (2024, 3, 5, 14, 30, 12)),  # the ZIP entry's time
        ("Submissions/cy__ps1.ipynb", books["cy"], (2024, 3, 6, 8, 0, 2)),  # flat, as an LMS names it
        ("Submissions/ben__ps1.ipynb", books["ben-earlier"], (2024, 3, 5, 10, 0, 0)),
        ("../evil.ipynb", books["ada"], (2024, 3, 4, 9, 0, 0)),
        ("feedback/ps1.ipynb", books["ada"], (2024, 3, 4, 9, 0, 0)),
        ("x.py", b"print('hello')\n", (2024, 3, 4, 9, 0, 0)),
        ("ada/notes.ipynb", books["ada"], (2024, 3, 4, 9, 0, 0)),
    ])
    result = _run(folder, env, "collect", "ps1", str(path))
    return result, books, _tree(folder / "grading/submitted"), path


def test_three_learners_are_filed_with_their_times_and_every_other_entry_is_named(course, first):
    result, books, tree, _path = first
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "ps1: filed 3 notebooks for 3 learners (ada, ben, cy), skipped 5:"
    assert [line.strip() for line in lines[1:6]] == SKIPPED[:2] + [lines[3].strip()] + SKIPPED[3:]
    assert lines[3].strip().startswith(RESERVED_LINE)
    assert lines[6:] == ["Next: nbgrader autograde ps1"]
    assert sorted(tree) == [f"{who}/ps1/{name}" for who in TIMES for name in ("ps1.ipynb", "timestamp.txt")]
    for who, when in TIMES.items():
        assert tree[f"{who}/ps1/ps1.ipynb"][0] == books[who]
        assert tree[f"{who}/ps1/timestamp.txt"][0].decode() == when + "\n"
    assert not (course[0] / "grading/submitted/feedback").exists()


def test_collecting_the_same_archive_again_changes_nothing(course, first, here):
    status, lines, errors = here("collect", "ps1", str(first[3]))
    assert (status, errors) == (0, "")
    assert lines[0] == "ps1: filed 0 notebooks for 0 learners (none), skipped 5:"
    assert lines[6:] == [f"  {who}: unchanged (already filed, identical)" for who in TIMES]
    assert _tree(course[0] / "grading/submitted") == first[2]


@pytest.fixture(scope="module")
def graded(course, first):
    """nbgrader autograde and generate_feedback on the filed learners; a certificate for ada (and a revoked one),
    and dan, who handed in but has no feedback yet; then the feedback archives."""
    folder, env = course
    for command in ("autograde", "generate_feedback"):
        done = batch.nbgrader(folder, env, command, "ps1", "--force")
        assert done.returncode == 0, done.stderr[-3000:]
    certificates = folder / "grading/certificates"
    (certificates / "ada/revoked").mkdir(parents=True)
    (certificates / "ada/exo101_certificate_ada.pdf").write_bytes(b"%PDF-1.4 ada")
    (certificates / "ada/revoked/20240101T000000Z_old.pdf").write_bytes(b"%PDF-1.4 revoked")
    (certificates / "ben").mkdir()
    (certificates / "ben/notes.txt").write_text("not a certificate")
    (folder / "grading/submitted/dan/ps1").mkdir(parents=True)
    (folder / "grading/submitted/dan/ps1/ps1.ipynb").write_bytes(first[1]["ada"])
    return _run(folder, env, "feedback", "ps1")


def test_autograde_records_the_submission_time_of_the_archive(course, graded):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course[0] / 'grading/gradebook.db'}") as gradebook:
        recorded = {s.student.id: s.timestamp for s in gradebook.find_assignment("ps1").submissions}
    assert recorded == {who: datetime.strptime(when, archive_reader.TIME_FORMAT) for who, when in TIMES.items()}


def test_each_feedback_zip_holds_exactly_that_learners_feedback_and_certificate(course, graded):
    folder = course[0]
    assert graded.returncode == 0, graded.stderr
    out = "grading/feedback-archive/ps1"
    assert graded.stdout.splitlines() == [
        f"{out}/ada_ps1_feedback.zip: ps1.html, exo101_certificate_ada.pdf",
        f"{out}/ben_ps1_feedback.zip: ps1.html", f"{out}/cy_ps1_feedback.zip: ps1.html",
        f"3 feedback archive(s) written in {out}",
        "No feedback yet (after grading, run nbgrader generate_feedback ps1): dan"]
    assert sorted(p.name for p in (folder / out).iterdir()) == [f"{who}_ps1_feedback.zip" for who in TIMES]
    for who in TIMES:
        with zipfile.ZipFile(folder / out / f"{who}_ps1_feedback.zip") as bundle:
            names = bundle.namelist()
            assert names == ["ps1.html"] + (["exo101_certificate_ada.pdf"] if who == "ada" else [])
            assert bundle.read("ps1.html") == (folder / "grading/feedback" / who / "ps1/ps1.html").read_bytes()
            bundle.extractall(folder.parent / "opened" / who)
    assert find_leaks([folder / "assignments/source/ps1/ps1.ipynb"], folder.parent / "opened", tests_only=True) == []


def test_a_newer_submission_replaces_a_filed_one_only_with_force_and_an_older_one_never(course, here):
    folder = course[0]
    books = {n: _notebook(folder, f"fay {n}") for n in (1, 2, 0)}
    _zip(folder.parent / "fay1.zip", [("fay/ps1.ipynb", books[1], (2024, 3, 7, 10, 0, 0))])
    _zip(folder.parent / "fay 2 (LMS).zip", [("fay__ps1.ipynb", books[2], (2024, 3, 8, 10, 0, 0))])
    _zip(folder.parent / "fay0.zip", [("fay__ps1.ipynb", books[0], (2024, 3, 1, 10, 0, 0))])
    filed, outputs = folder / "grading/submitted/fay/ps1", []
    for name, force, holds in [("fay1.zip", [], 1), ("fay 2 (LMS).zip", [], 1), ("fay 2 (LMS).zip", ["--force"], 2),
                               ("fay0.zip", ["--force"], 2)]:
        status, lines, errors = here("collect", "ps1", str(folder.parent / name), *force)
        assert (status, errors) == (0, "")
        assert (filed / "ps1.ipynb").read_bytes() == books[holds], (name, force)
        outputs.append(lines)
    assert (filed / "timestamp.txt").read_text() == "2024-03-08 10:00:00.000000 UTC\n"
    assert outputs == [
        ["ps1: filed 1 notebooks for 1 learners (fay), skipped 0", "Next: nbgrader autograde ps1"],
        ["ps1: filed 0 notebooks for 0 learners (none), skipped 0",
         "  fay: kept the filed submission (2024-03-07 10:00:00.000000 UTC); the archive's "
         "(2024-03-08 10:00:00.000000 UTC) differs — add --force to replace it"],
        ["ps1: filed 1 notebooks for 1 learners (fay), skipped 0",
         "  fay: replaced the filed submission (2024-03-07 10:00:00.000000 UTC) by the archive's",
         "Next: nbgrader autograde ps1"],
        ["ps1: filed 0 notebooks for 0 learners (none), skipped 0",
         "  fay: kept the filed submission (2024-03-08 10:00:00.000000 UTC), newer than the archive's"]]
    # each run reads only the archive it was given, and leaves no copy of the class's work behind
    assert [p for p in (folder / "grading/downloaded").rglob("*") if p.is_file()] == []


def test_a_file_that_is_not_a_zip_is_refused_in_one_line(course, here):
    folder, env = course
    (folder.parent / "notes.zip").write_text("these are my notes, not an archive")
    result = _run(folder, env, "collect", "ps1", str(folder.parent / "notes.zip"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "error: notes.zip is not a readable zip archive (File is not a zip file)\n"
    assert not (folder / "grading/downloaded/ps1/archive/notes.zip").exists()
    missing = str(folder.parent / "nowhere.zip")
    assert here("collect", "ps1", missing) == (1, [], f"error: no such file or folder: {missing}\n")
    assert here("collect", "ps9", missing)[2].startswith("error: no assignment 'ps9' in assignments/ (known: ")


def _read(path: Path) -> tuple[dict, list[str]]:
    kept: dict = {}
    notes: list[str] = []
    archive_reader.read_archive(path, ["ps1.ipynb"], {"ps1", "exo101"}, kept, notes)
    return {key: _when(sub.when) for key, sub in kept.items()}, notes


def _when(moment: datetime) -> str:
    return moment.strftime(archive_reader.TIME_FORMAT)


def test_paths_links_bad_ids_and_bad_times_are_named_and_never_filed(tmp_path):
    book = nbformat.writes(nbformat.v4.new_notebook()).encode()
    day = (2024, 3, 4, 9, 0, 0)
    kept, notes = _read(_zip(tmp_path / "odd.zip", [
        ("/abs/ps1.ipynb", book, day), ("C:/Users/ada/ps1.ipynb", book, day), ("..\\up/ps1.ipynb", book, day),
        ("link/ps1.ipynb", b"/etc/passwd", day, 0o120777), ("__MACOSX/ada/._ps1.ipynb", b"", day),
        ("ps1.ipynb", book, day), ("ada__notes.ipynb", book, day), ("a b/ps1.ipynb", book, day),
        ("ps1/ps1.ipynb", book, day), ("eve/ps1.ipynb", b"{not json", day),
        ("gus/ps1.ipynb", book, (2024, 3, 9, 12, 0, 0)), ("gus/timestamp.txt", b"last Tuesday", day)]))
    assert kept == {("gus", "ps1.ipynb"): "2024-03-09 12:00:00.000000 UTC"}
    assert notes == [
        "/abs/ps1.ipynb: its path leaves the archive", "C:/Users/ada/ps1.ipynb: its path leaves the archive",
        "..\\up/ps1.ipynb: its path leaves the archive",
        "link/ps1.ipynb: a symbolic link or an encrypted entry, not a notebook",
        "ps1.ipynb: not in a folder named after a learner",
        "ada__notes.ipynb: notes.ipynb is not a notebook of this assignment (ps1.ipynb)",
        "a b/ps1.ipynb: 'a b' is not a learner id: it contains ' '",
        "ps1/ps1.ipynb: 'ps1' is the name of a course folder, an assignment or the course itself, not a learner id",
        "eve/ps1.ipynb: not a readable notebook (NotJSONError)",
        "gus/timestamp.txt: not a time nbgrader reads; used the ZIP entry's time"]


def test_zip_bombs_are_refused_whole(tmp_path, monkeypatch):
    with pytest.raises(archive.ArchiveError, match=r"^bomb.zip refused: ada/ps1.ipynb unpacks to 22,020,096 bytes "
                                                 r"\(at most 20,971,520\)"):
        _read(_zip(tmp_path / "bomb.zip", [("ada/ps1.ipynb", bytes(21 * 2**20), (2024, 3, 4, 9, 0, 0))]))
    monkeypatch.setattr(archive_reader, "MAX_TOTAL", 1000)
    many = [(f"l{n}/ps1.ipynb", bytes(600), (2024, 3, 4, 9, 0, 0)) for n in range(2)]
    with pytest.raises(archive.ArchiveError, match=r"2 entries, 1,200 bytes unpacked \(at most 5,000 and 1,000\)"):
        _read(_zip(tmp_path / "big.zip", many))


def test_make_passes_the_archive_as_one_argument():
    shown = subprocess.run(["make", "-n", "--no-print-directory", "collect-archive", "ASSIGNMENT=ps1",
                            'ARCHIVE=a"; rm -rf ~; "$1.zip', "FORCE=1"], cwd=ROOT, capture_output=True, text=True)
    assert shown.stdout.splitlines()[-1] == \
        '.venv/bin/python -m exocourse.grading.archive collect "$ARG_ASSIGNMENT" "$ARG_ARCHIVE" --force'
