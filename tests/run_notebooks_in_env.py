"""Run notebooks top to bottom in the Python that runs this script (a learner's environment, not the test suite's)
and print, as JSON, where the kernel found the helper package and each notebook's code cells and errors.

    <env>/bin/python tests/run_notebooks_in_env.py NOTEBOOK...

Each notebook runs from its own folder, as in JupyterLab, with every cell run even after an error (an unanswered
assignment check fails, and the cells after it still run). Only nbformat and nbclient are needed, which a
learner's environment has through nbgrader.
"""

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(notebook: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def where_the_kernel_imports_from(folder: Path) -> str:
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import exocourse, sys\nprint(sys.prefix, exocourse.__file__, sep='\\n')")])
    return run(probe, folder).cells[0].outputs[0]["text"]


def report(path: Path) -> dict:
    notebook = run(nbformat.read(path, as_version=4), path.parent)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [{"ename": o.ename, "evalue": o.evalue, "traceback": o.traceback}
              for cell in code for o in cell.outputs if o.output_type == "error"]
    return {"code_cells": len(code), "run": sum(cell.execution_count is not None for cell in code), "errors": errors}


if __name__ == "__main__":
    paths = [Path(arg).resolve() for arg in sys.argv[1:]]
    print(json.dumps({"kernel": where_the_kernel_imports_from(paths[0].parent),
                      "notebooks": {str(path): report(path) for path in paths}}))
