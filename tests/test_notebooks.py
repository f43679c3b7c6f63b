"""Every lesson and source assignment runs top to bottom; notebooks in git carry no outputs and stay thin.
Lessons run once per test run, from inside the learner edition (conftest.executed_lessons), as learners run them."""

from functools import cache

import nbformat
import pytest
from conftest import NOTEBOOKS_GROUP, lesson_files, source_assignments
from nbclient import NotebookClient

ALL_NOTEBOOKS = lesson_files() + source_assignments()
pytestmark = pytest.mark.xdist_group(NOTEBOOKS_GROUP)  # one worker, so each notebook executes once


@cache
def run_assignment(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


@pytest.fixture()
def run(executed_lessons):
    return lambda path: executed_lessons(path.stem) if path.parent.name == "lessons" else run_assignment(path)


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom_without_errors(path, run):
    nb = run(path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"


@pytest.mark.parametrize("path", lesson_files(), ids=lambda p: p.name)
def test_every_widget_cell_of_a_lesson_renders_something(path, run):
    nb = run(path)
    for cell in nb.cells:
        if cell.cell_type == "code" and not cell.source.startswith(("from ", "import ")):
            kinds = {k for o in cell.outputs for k in o.get("data", {})}
            assert kinds & {"application/vnd.jupyter.widget-view+json", "text/html", "text/markdown"}, cell.source


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:40]


@pytest.mark.parametrize("path", lesson_files(), ids=lambda p: p.name)
def test_lesson_code_cells_are_short_and_plumbing_free(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines = [line for line in cell.source.splitlines() if line.strip()]
            assert len(lines) <= 5, cell.source
            assert "%pip" not in cell.source and "!pip" not in cell.source


@pytest.mark.parametrize("path", lesson_files(), ids=lambda p: p.name)
def test_lesson_states_time_date_objectives_and_disclaimer(path):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    assert "current as of" in text.lower() or "course-overview" in text
    assert "minutes" in text.lower()
    assert "no FDA-approved exosome products" in text
    assert "## References" in text
