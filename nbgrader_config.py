"""nbgrader configuration for this course. Run nbgrader from this folder (the repository root).

Layout: sources in assignments/source, releases in assignments/release, and everything that holds learner
work (submissions, autograded copies, feedback, the gradebook, the local exchange) under grading/, which git
ignores. The course id comes from course.yml, the single source of course facts.
"""

import os
import sys
import warnings
from pathlib import Path

import yaml

from exocourse.grading import manual_grades, sandbox

c = get_config()  # noqa: F821 — provided by traitlets when nbgrader loads this file

# nbgrader 0.9 adds a new submission to the gradebook in a way SQLAlchemy 2 warns about ("Object of type
# <SubmittedAssignment> not in session, add operation along 'Student.submissions' will not proceed"); nbgrader
# commits the submission itself, so the warning is noise on every first autograde of a learner.
warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session")

ROOT = Path(__file__).resolve().parent
GRADING = ROOT / "grading"
GRADING.mkdir(exist_ok=True)  # the gradebook's folder must exist before nbgrader's first command

c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))["course_id"]
c.CourseDirectory.source_directory = "assignments/source"
c.CourseDirectory.release_directory = "assignments/release"
c.CourseDirectory.submitted_directory = "grading/submitted"
c.CourseDirectory.autograded_directory = "grading/autograded"
c.CourseDirectory.feedback_directory = "grading/feedback"
c.CourseDirectory.solution_directory = "grading/solution"
c.CourseDirectory.db_url = f"sqlite:///{GRADING / 'gradebook.db'}"
# Off a hub, the exchange is a folder inside grading/. On a hub (JUPYTERHUB_API_URL set) the hub's nbgrader
# config decides (deploy/jupyter/common/nbgrader_config.py): this file is read last, so it must not override it.
if not os.environ.get("JUPYTERHUB_API_URL"):
    c.Exchange.root = str(GRADING / "exchange")
    (GRADING / "exchange").mkdir(exist_ok=True)

# Release copies: a learner sees a plain instruction, not "raise NotImplementedError()".
c.ClearSolutions.code_stub = {"python": "# Type your answer here, as in the example above, then run this cell."}
c.ClearSolutions.text_stub = "Type your answer here."

# Grading: a time limit per cell, deleted test cells put back, outputs capped in lines and in bytes,
# and no widget state stored in graded notebooks.
cell_timeout = int(os.environ.get("EXOCOURSE_CELL_TIMEOUT", "30"))
c.ExecutePreprocessor.timeout = cell_timeout
c.Execute.timeout = cell_timeout
c.Execute.store_widget_state = False
# A learner who prints megabytes: on a busy machine the output can take longer than nbclient's default 4 s to
# arrive, and grading that learner would then stop with an error instead of capping the output.
c.Execute.iopub_timeout = 15
c.OverwriteCells.add_missing_cells = True
c.RestoreCheckCells.release_directory = str(ROOT / "assignments" / "release")
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
c.LimitOutputBytes.max_bytes = 100_000
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "exocourse.grading.preprocessors.DropForgedGradeCells",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "exocourse.grading.preprocessors.RestoreCheckCells",  # nbgrader's OverwriteCells, warning only on real edits
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "exocourse.grading.preprocessors.GuardedExecute",  # nbgrader's Execute, between a snapshot and a check unsandboxed
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "exocourse.grading.preprocessors.LimitOutputBytes",
    "nbgrader.preprocessors.SaveAutoGrades",
    "exocourse.grading.manual_grades.ReconfirmManualGrades",  # a hand grade of an unchanged answer stays confirmed
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Learner code runs in the course's grading kernel: an integrity monitor always, and a bubblewrap sandbox unless
# EXOCOURSE_SANDBOX=0. Without a working sandbox `nbgrader autograde` refuses to start (fails closed); see
# exocourse/grading/sandbox.py and the instructor guide.
sandbox.configure(c)

# Before a re-grade removes the graded copies, note the answer each confirmed hand grade was given for, so that
# `autograde --force` keeps the hand grades of unchanged answers (exocourse/grading/manual_grades.py).
if sys.argv[1:2] == ["autograde"] and (GRADING / "gradebook.db").exists():
    manual_grades.record(GRADING, c.CourseDirectory.db_url)

# `nbgrader zip_collect` (off a hub, hand-in by archive; `make collect-archive` runs it): learner work stays in the
# git-ignored grading/ folder, and the course's plugins check every entry and file the submission times.
c.ZipCollectApp.downloaded_directory = "grading/downloaded"
c.ZipCollectApp.extractor_plugin = "exocourse.grading.archive.ArchiveExtractor"
c.ZipCollectApp.collector_plugin = "exocourse.grading.archive.ArchiveCollector"
c.ZipCollectApp.strict = True

# `nbgrader export`: no cell of grades.csv can run as a spreadsheet formula.
c.ExportApp.plugin_class = "exocourse.grading.preprocessors.SafeCsvExportPlugin"

# Feedback: grades and comments, never the hidden tests.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "exocourse.grading.preprocessors.FeedbackClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
