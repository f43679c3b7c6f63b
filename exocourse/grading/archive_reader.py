"""Reading a learners' archive (one .zip from an LMS or e-mail) safely: the size limits that refuse a zip bomb,
where each entry belongs (learner, notebook) or why it is skipped, and the submission time of each notebook. The
layout and rules are described in exocourse.grading.archive."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from nbgrader.utils import parse_utc

from exocourse.grading.learner_ids import check_learner_id

MAX_TOTAL, MAX_ENTRY, MAX_ENTRIES = 200 * 2**20, 20 * 2**20, 5000
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"  # nbgrader's own (Exchange.timestamp_format, in UTC)
STAMP = "timestamp.txt"


class ArchiveError(ValueError):
    """An archive or a request this route refuses; the message says why in one line."""


@dataclass
class Submission:
    learner: str
    notebook: str
    when: datetime  # UTC, naive, as nbgrader stores it
    entry: str
    data: bytes


def format_time(moment: datetime) -> str:
    return moment.strftime(TIME_FORMAT)


def first_sentence(problem: Exception) -> str:
    """The first sentence of a message (a learner id's own may hold ". ")."""
    text = str(problem)
    cut = text.find(". ", text.lower().find("learner id"))
    return (text if cut < 0 else text[:cut]).rstrip(".").replace(": nothing was done", "")


def open_archive(path: Path) -> zipfile.ZipFile:
    """The archive, open, or ArchiveError if it is not a zip or is too big unpacked (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as problem:  # a missing or unreadable file: its own OSError, one line
        raise ArchiveError(f"{path.name} is not a readable zip archive ({first_sentence(problem)})") from None
    infos = archive.infolist()
    big, total = next((i for i in infos if i.file_size > MAX_ENTRY), None), sum(i.file_size for i in infos)
    if len(infos) > MAX_ENTRIES or big or total > MAX_TOTAL:
        archive.close()
        what = f"{big.filename} unpacks to {big.file_size:,} bytes (at most {MAX_ENTRY:,})" if big else \
            f"{len(infos):,} entries, {total:,} bytes unpacked (at most {MAX_ENTRIES:,} and {MAX_TOTAL:,})"
        raise ArchiveError(f"{path.name} refused: {what}; split it or remove what is not a notebook")
    return archive


def _place(name: str, info: zipfile.ZipInfo, notebooks: list[str]) -> tuple[str, str, bool] | str:
    """(learner, notebook, in a learner folder) for an entry, or why it is skipped."""
    parts = PurePosixPath(name).parts
    if name.startswith("/") or re.match(r"[A-Za-z]:", name) or ".." in parts:
        return "its path leaves the archive"
    if (info.external_attr >> 16) & 0o170000 == 0o120000 or info.flag_bits & 0x1:
        return "a symbolic link or an encrypted entry, not a notebook"
    if not parts[-1].endswith(".ipynb"):
        return "not a notebook (.ipynb)"
    if parts[-1] in notebooks:
        return (parts[-2], parts[-1], True) if len(parts) > 1 else "not in a folder named after a learner"
    flat = next((n for n in notebooks if parts[-1].endswith("__" + n)), None)
    if flat:
        return parts[-1][: -len(flat) - 2], flat, False
    return f"{parts[-1].split('__')[-1]} is not a notebook of this assignment ({', '.join(notebooks)})"


def read_archive(path: Path, notebooks: list[str], reserved: set[str], kept: dict, notes: list[str]) -> None:
    """Add the archive's submissions to `kept` {(learner, notebook): Submission}, keeping the later of two, and one
    line per skipped entry to `notes`."""
    import nbformat

    with open_archive(path) as archive:
        entries = [(i.filename.replace("\\", "/"), i) for i in archive.infolist() if not i.is_dir()]
        stamps = {str(PurePosixPath(n).parent): i for n, i in entries if PurePosixPath(n).name == STAMP}
        for name, info in entries:
            if "__MACOSX" in PurePosixPath(name).parts or PurePosixPath(name).name in {".DS_Store", STAMP}:
                continue
            place = _place(name, info, notebooks)
            try:
                if isinstance(place, str):
                    raise ArchiveError(place)
                learner, notebook, in_folder = place
                check_learner_id(learner, reserved)
            except ValueError as problem:  # LearnerIdError and ArchiveError are ValueErrors
                notes.append(f"{info.filename}: {first_sentence(problem)}")
                continue
            try:
                data = archive.read(info)
                nbformat.reads(data.decode("utf-8"), as_version=4)
            except Exception as problem:  # noqa: BLE001 - whatever a broken entry raises, it is skipped, named
                notes.append(f"{info.filename}: not a readable notebook ({type(problem).__name__})")
                continue
            when, stamp = None, stamps.get(str(PurePosixPath(name).parent)) if in_folder else None
            if stamp is not None:
                try:
                    when = parse_utc(archive.read(stamp)[:100].decode("utf-8").strip())
                except Exception:  # noqa: BLE001 - an unreadable time falls back to the entry's own
                    notes.append(f"{stamp.filename}: not a time nbgrader reads; used the ZIP entry's time")
            try:
                new, old = Submission(learner, notebook, when or datetime(*info.date_time), info.filename, data), \
                    kept.get((learner, notebook))
            except ValueError:
                notes.append(f"{info.filename}: its ZIP entry has no valid date and there is no timestamp.txt")
                continue
            if old is not None:
                earlier, new = (new, old) if new.when < old.when else (old, new)
                notes.append(f"{earlier.entry}: {learner} handed in {notebook} twice; kept the later one, "
                             f"{new.entry} ({format_time(new.when)})")
            kept[(learner, notebook)] = new
