"""Print the course's performance figures (DESIGN section 9). Figures, not pass/fail: run `make benchmark`.

- execution time of each lesson and each source assignment (median of RUNS headless runs with nbclient);
- autograde seconds per submission of each assignment, next to nbgrader's floor (an empty notebook graded
  under the same configuration in the same run);
- helper-package import time (median of fresh interpreters);
- widget update callback time (median);
- size of each committed lesson and of the same lesson executed.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("JUPYTER_CONFIG_DIR", tempfile.mkdtemp(prefix="bench-jupyter-"))


def execute(path: Path) -> tuple[float, nbformat.NotebookNode]:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start, nb


def notebook_times() -> None:
    print("\n## Headless execution (nbclient, kernel start included), median of", RUNS, "runs")
    total = 0.0
    for path in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")) + sorted(
            (ROOT / "assignments/source").glob("*/*.ipynb")):
        times = []
        for _ in range(RUNS):
            seconds, executed = execute(path)
            times.append(seconds)
        committed = path.stat().st_size
        executed_size = len(nbformat.writes(executed).encode())
        total += statistics.median(times) if "lessons" in path.parts else 0
        print(f"{path.relative_to(ROOT)}: {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}); "
              f"committed {committed / 1024:.1f} KB, executed {executed_size / 1024:.1f} KB")
    print(f"all lessons: {total:.2f} s")


def import_time() -> None:
    code = "import time; t = time.perf_counter(); import exocourse.lessons.views.biology, exocourse.lessons.views.quiz; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                  cwd=ROOT).stdout) for _ in range(RUNS)]
    print(f"\n## Helper-package import (exocourse.lessons.views.biology + exocourse.lessons.views.quiz): median {statistics.median(times) * 1000:.0f} ms")


def widget_callbacks() -> None:
    """Median time of one update callback (Python side) for each interactive piece, over 40 changes."""
    from exocourse.lessons.views import biology, diagnostics, regulation, risk, therapeutics

    cases = [
        ("NTA explorer", biology.nta_explorer, "method", None),
        ("marker panel", biology.marker_panel_builder, "cd63", [True, False]),
        ("predictive values", diagnostics.predictive_value_explorer, "prevalence", [5.0, 30.0]),
        ("cut-point explorer", diagnostics.cutpoint_explorer, "cutpoint", [10.0, 20.0]),
        ("trial phases", therapeutics.trial_phase_explorer, "product_type", None),
        ("approvals", therapeutics.development_path_explorer, "candidates", [100, 500]),
        ("zero events", risk.zero_events_explorer, "patients", [300, 3000]),
        ("sterility", risk.sterility_explorer, "units", [20, 100]),
        ("361/351 tool", regulation.pathway_explorer, "q1", [True, False]),
    ]
    print("\n## Widget update callbacks (Python side), median of 40 changes")
    for name, factory, control, values in cases:
        widget = factory().controls[control]
        if values is None:
            values = [o[1] if isinstance(o, tuple) else o for o in widget.options][:2]
        times = []
        for i in range(40):
            start = time.perf_counter()
            widget.value = values[i % 2]
            times.append(time.perf_counter() - start)
        print(f"{name}: {statistics.median(times) * 1000:.1f} ms")


def autograde_cost() -> None:
    from exocourse.grading import batch
    from exocourse.grading.env import with_python_on_path

    print("\n## Autograde cost per submission (nbgrader CLI, 5 s cell timeout), in one run")
    with tempfile.TemporaryDirectory(prefix="bench-course-") as scratch:
        course = batch.scratch_course(ROOT, Path(scratch))
        floor = course / "assignments/source/floor"
        floor.mkdir()
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), floor / "floor.ipynb")
        env = with_python_on_path({**os.environ, "EXOCOURSE_CELL_TIMEOUT": "5"})
        learners = 6

        def nbgrader(*args):
            subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=ERROR"], cwd=course, env=env,
                           check=False, capture_output=True)

        results = {}
        for assignment in sorted(p.name for p in (course / "assignments/source").iterdir()):
            nbgrader("generate_assignment", assignment, "--force")
            source = next((course / "assignments/source" / assignment).glob("*.ipynb"))
            for n in range(learners):
                folder = course / "grading/submitted" / f"learner{n:02d}" / assignment
                shutil.copytree(course / "assignments/release" / assignment, folder)
                shutil.copy2(source, folder / source.name)
            start = time.perf_counter()
            nbgrader("autograde", assignment, "--force", "--create")
            results[assignment] = (time.perf_counter() - start) / learners
        floor_cost = results.pop("floor")
        print(f"nbgrader floor (one trivial cell): {floor_cost:.2f} s per submission")
        for assignment, cost in results.items():
            print(f"{assignment}: {cost:.2f} s per submission = {cost / floor_cost:.2f}× the floor "
                  f"(includes one CLI start-up shared by {learners} submissions)")


if __name__ == "__main__":
    print(f"# Benchmarks on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    import_time()
    widget_callbacks()
    notebook_times()
    autograde_cost()
