"""nbgrader preprocessors the course adds: a byte cap on outputs (nbgrader's LimitOutput counts only lines), forged
grade cells made ordinary, execution guarded by a snapshot when grading runs without the sandbox, and two of
nbgrader's own steps without their misleading warnings (check cells with hidden tests; feedback)."""

from __future__ import annotations

from pathlib import Path

from nbgrader.plugins.export import CsvExportPlugin
from nbgrader.preprocessors import ClearHiddenTests, Execute, GetGrades, NbGraderPreprocessor, OverwriteCells
from traitlets import Integer, List, Unicode

TRUNCATED = "\n… output truncated by the course: it was longer than {limit:,} bytes …\n"


class LimitOutputBytes(NbGraderPreprocessor):
    """Cap the total size of each code cell's outputs, so one 50 MB line cannot bloat the gradebook or feedback."""

    max_bytes = Integer(100_000, help="largest total output of one cell, in bytes (-1: no limit)").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if self.max_bytes < 0 or cell.cell_type != "code":
            return cell, resources
        budget = self.max_bytes
        kept = []
        for output in cell.outputs:
            size = _size(output)
            if size <= budget:
                kept.append(output)
                budget -= size
                continue
            if output.output_type == "stream":  # keep the start of a long stream, then say it was cut
                output.text = output.text[: max(budget, 0)] + TRUNCATED.format(limit=self.max_bytes)
                kept.append(output)
            elif output.output_type == "error":
                output.traceback = [line[:2000] for line in output.traceback[:20]]
                output.evalue = output.evalue[:2000]
                kept.append(output)
            budget = 0
        cell.outputs = kept
        return cell, resources


def _size(output) -> int:
    if output.output_type == "stream":
        return len(output.text.encode("utf-8", "replace"))
    if output.output_type == "error":
        return sum(len(line) for line in output.get("traceback", [])) + len(output.get("evalue", ""))
    return sum(len(str(value)) for value in output.get("data", {}).values())


class DropForgedGradeCells(NbGraderPreprocessor):
    """Before nbgrader restores cells: a graded cell whose id the gradebook does not know, or a second copy of
    one it does, becomes an ordinary cell. Without this, nbgrader stops on such a notebook (KeyError) and the
    learner gets no grade; with it, nbgrader puts the real test back and grades the submission normally.
    The integrity report still flags the submission."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            source = gradebook.find_notebook(info["notebook"], info["assignment"])
            known = {cell.name for cell in source.source_cells}
        seen = set()
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            if not meta:
                continue
            grade_id = meta.get("grade_id")
            if grade_id not in known or grade_id in seen:
                self.log.warning("Treating forged or duplicated graded cell %r as an ordinary cell", grade_id)
                del cell.metadata["nbgrader"]
            else:
                seen.add(grade_id)
        return nb, resources


class GuardedExecute(Execute):
    """nbgrader's Execute; without the sandbox (EXOCOURSE_SANDBOX=0) each learner's notebook runs between a snapshot
    of the gradebook and course files and a check that restores anything changed (exocourse.grading.guard).
    Configured through the `Execute` section like nbgrader's own (timeout, kernel name)."""

    _snapshots: dict = {}

    def preprocess(self, nb, resources, *args, **kwargs):
        from exocourse.grading import sandbox

        if sandbox.sandbox_wanted():  # the sandbox keeps the course read-only: nothing to snapshot
            return super().preprocess(nb, resources, *args, **kwargs)
        from exocourse.grading.guard import Snapshot, exclusive_run

        info = resources["nbgrader"]
        gradebook = Path(info["db_url"].removeprefix("sqlite:///"))
        exclusive_run(gradebook.parent)
        snapshot = self._snapshots.get(gradebook)
        if snapshot is None:
            snapshot = self._snapshots[gradebook] = Snapshot(gradebook.parent.parent, gradebook)
        snapshot.before(info["student"], info["assignment"])
        try:
            return super().preprocess(nb, resources, *args, **kwargs)
        finally:
            for finding in snapshot.after():
                self.log.warning("%s's code %s: put back, flagged for review", info["student"], finding)


class SafeCsvExportPlugin(CsvExportPlugin):
    """nbgrader's CSV export, with every cell made safe for spreadsheets (exocourse.safe_csv): learner names from
    a roster can start with = + - @. nbgrader_config.py makes it the exporter of `nbgrader export`."""

    def export(self, gradebook) -> None:
        import csv

        from exocourse.safe_csv import write_csv

        super().export(gradebook)
        path = Path(self.to or "grades.csv")
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        if rows:
            write_csv(path, rows[0], rows[1:], lineterminator="\n")


class RestoreCheckCells(OverwriteCells):
    """nbgrader's OverwriteCells (puts back the instructor's version of every locked cell), warning only about real
    edits. A check cell with hidden tests reaches the learner without them, so its checksum never matches the one
    nbgrader stored from the source (nbgrader issue #1961), and nbgrader warned "Attribute 'checksum' for cell …
    has changed!" for every check cell of every learner, untouched copies too. Here a cell that is exactly the
    release copy is restored silently; a cell the learner edited is still restored and named in a warning (and
    the integrity report flags the submission)."""

    release_directory = Unicode("", help="the course's release folder (assignments/release)").tag(config=True)

    def preprocess(self, nb, resources):
        self._release = self._release_checksums(resources["nbgrader"]["assignment"], resources["nbgrader"]["notebook"])
        self._who = f"{resources['nbgrader']['student']} {resources['nbgrader']['assignment']}"
        return super().preprocess(nb, resources)

    def _release_checksums(self, assignment: str, notebook: str) -> dict[str, str]:
        import nbformat
        from nbgrader.utils import compute_checksum

        path = Path(self.release_directory) / assignment / f"{notebook}.ipynb"
        try:
            cells = nbformat.read(path, as_version=nbformat.NO_CONVERT).cells
        except (OSError, ValueError):
            return {}
        return {c.metadata.nbgrader["grade_id"]: compute_checksum(c) for c in cells
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}

    def report_change(self, name, attr, old, new):
        if attr == "checksum" and self._release.get(name) == new:
            self.log.debug("%s: check cell %s is the release copy; its hidden tests were put back", self._who, name)
        elif attr == "checksum":
            self.log.warning("%s: cell %s differs from the copy the learner was given; the instructor's version was "
                             "put back before grading", self._who, name)
        else:
            super().report_change(name, attr, old, new)


class FeedbackClearHiddenTests(ClearHiddenTests):
    """nbgrader's ClearHiddenTests for feedback, accepting the display priority the HTML exporter hands every
    preprocessor (nbgrader's own class declares it without config, so each feedback run warned "Config option
    `display_data_priority` not recognized by `ClearHiddenTests`" although the hidden tests were removed)."""

    display_data_priority = List(GetGrades.class_traits()["display_data_priority"].default()).tag(config=True)
