# The course's commands. Run them from this folder. On Windows without make, see README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ASSIGNMENT ?= ps1
export PATH := $(CURDIR)/$(BIN):$(PATH)   # nbgrader calls `alembic` by name
# Variables given on the command line (make test EXOCOURSE_SKIP_BROWSER=1) reach the tests and scripts too.
export EXOCOURSE_SKIP_BROWSER EXOCOURSE_SKIP_SANDBOX EXOCOURSE_HUB_TEST EXOCOURSE_SANDBOX
# JupyterLab refuses to start as root unless told; containers and cloud workstations often run as root.
AS_ROOT := $(filter 0,$(shell id -u))
# Values typed on the command line reach the commands as environment variables, never pasted into the shell line
# (a learner id such as x"; rm -rf ~; " stays one argument) and never expanded by make ($1 stays $1).
export ARG_LEARNER = $(value LEARNER)
export ARG_ASSIGNMENT = $(value ASSIGNMENT)
export ARG_BY = $(value BY)
export ARG_REASON = $(value REASON)
export ARG_ROSTER = $(value ROSTER)

.PHONY: lab test lint render release autograde integrity learner-edition static-edition currency-check review-due knowledge-gain evaluation-summary data benchmark benchmark-class help

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The packages go into .venv with uv, which pip installs first: the same pinned versions as pip, compiled as pip
# compiles them (the grading sandbox mounts .venv read-only), in less than half the time (a fresh .venv for `make
# lab` 46.6 s → 19.1 s here, with the test packages 53.6 s → 22.0 s). uv reads a package mirror from
# UV_DEFAULT_INDEX, not from pip.conf; if uv cannot install, pip does.
UV := uv==0.13.9
install = echo "Installing the packages of $(1) into $(VENV) (uv) …"; \
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r $(1) || { \
	echo "uv could not install $(1) (a package mirror set only in pip.conf?); installing with pip instead." >&2; \
	$(BIN)/python -m pip install --quiet -r $(1); }

$(VENV)/.runtime-installed: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip "$(UV)"
	@$(call install,requirements.txt)
	touch $@

$(VENV)/.dev-installed: $(VENV)/.runtime-installed requirements-dev.txt
	@$(call install,requirements-dev.txt)
	touch $@

lab: $(VENV)/.runtime-installed  ## install what is missing, then open JupyterLab on the start page
	@$(if $(AS_ROOT),echo "Running as root (a container?): passing --allow-root (JupyterLab will not start as root without it).")
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(if $(AS_ROOT),--allow-root) lessons/00_start_here.ipynb

test: $(VENV)/.dev-installed  ## install what is missing (Python packages; bubblewrap and chromium via apt), then run the whole test suite
	@tools/system_packages.sh
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-installed  ## check code style
	$(BIN)/ruff check exocourse tests tools benchmarks deploy nbgrader_config.py

render: $(VENV)/.runtime-installed  ## re-render the README module table, lesson 00 and lesson reference lists
	@$(BIN)/python -m exocourse.build.render

data: $(VENV)/.runtime-installed  ## regenerate the synthetic teaching data (fixed seed)
	$(BIN)/python tools/generate_synthetic_data.py

release: $(VENV)/.runtime-installed  ## instructor: make the release copy of ASSIGNMENT (default ps1)
	@$(BIN)/nbgrader generate_assignment "$$ARG_ASSIGNMENT" --force

autograde: $(VENV)/.runtime-installed  ## instructor: autograde ASSIGNMENT in the sandboxed grading kernel
	@$(BIN)/nbgrader autograde "$$ARG_ASSIGNMENT"

# The report's findings are the message. GNU make adds "make: *** [...] Error 1" after any failing recipe, which
# reads as a crash; so when the report finds flags (or cannot run: it then says why on its own `error:` line), the
# recipe ends make itself with SIGPIPE, the one signal shells report silently. Exit status: 0 no flag, 141 flags
# (scripts can call `python -m exocourse.grading.integrity <assignment>` directly for exit status 1).
integrity: $(VENV)/.runtime-installed  ## instructor: list submissions of ASSIGNMENT flagged for review (non-zero exit if any)
	@$(BIN)/python -m exocourse.grading.integrity "$$ARG_ASSIGNMENT" || kill -PIPE $$PPID

.PHONY: demo-class completion clear-flag revoke backup forget-learner
demo-class: $(VENV)/.runtime-installed  ## run a simulated class of 30 through the whole term (in grading/demo/)
	@$(BIN)/python -m exocourse.instructor.demo_class

completion: $(VENV)/.runtime-installed  ## instructor: completion report + certificates (ROSTER=path, default grading/ce_roster.csv)
	@$(BIN)/python -m exocourse.instructor.completion report $(if $(ROSTER),--roster "$$ARG_ROSTER")

clear-flag: $(VENV)/.runtime-installed  ## instructor: LEARNER=… ASSIGNMENT=… BY="name" REASON="why" clears a reviewed flag
	@$(BIN)/python -m exocourse.instructor.completion clear-flag "$$ARG_LEARNER" "$$ARG_ASSIGNMENT" --by "$$ARG_BY" --reason "$$ARG_REASON"

backup: $(VENV)/.runtime-installed  ## instructor: a consistent copy of the gradebook in grading/backups/
	@$(BIN)/python -m exocourse.instructor.backups

revoke: $(VENV)/.runtime-installed  ## instructor: LEARNER=… BY="name" REASON="why" withdraws an issued certificate (recorded)
	@$(BIN)/python -m exocourse.instructor.completion revoke "$$ARG_LEARNER" --by "$$ARG_BY" --reason "$$ARG_REASON"

forget-learner: $(VENV)/.runtime-installed  ## delete LEARNER's data on request (dry run; add YES=1 to delete)
	@$(BIN)/python -m exocourse.instructor.learner_data forget "$$ARG_LEARNER" $(if $(YES),--yes)

learner-edition: $(VENV)/.runtime-installed  ## build build/learner-edition: what learners and hub images get
	@$(BIN)/python -m exocourse.build.learner_edition build/learner-edition

static-edition: $(VENV)/.runtime-installed  ## build build/static: each lesson as one accessible HTML page (offline)
	@$(BIN)/python -m exocourse.build.static_edition build/static

currency-check: $(VENV)/.runtime-installed  ## write the reviewer's checklist of time-sensitive facts (build/currency-check.md, .csv)
	@$(BIN)/python -m exocourse.currency check

review-due: $(VENV)/.runtime-installed  ## list lessons, CE dates, register facts and references due for review (a report, never a failure)
	@$(BIN)/python -m exocourse.manifest review-due

knowledge-gain: $(VENV)/.runtime-installed  ## instructor: pre-test vs post-test per learner and cohort (grading/)
	@$(BIN)/python -m exocourse.instructor.knowledge_gain

evaluation-summary: $(VENV)/.runtime-installed  ## instructor: anonymous summary of the course evaluations (grading/)
	@$(BIN)/python -m exocourse.instructor.evaluation_summary

benchmark: $(VENV)/.dev-installed  ## print the performance figures and the hostile-class table
	$(BIN)/python benchmarks/run_all.py
	$(BIN)/python benchmarks/hostile_report.py

N ?= 300
benchmark-class: $(VENV)/.dev-installed  ## autograde N synthetic learners of ASSIGNMENT in the sandbox (figures, not a test)
	$(BIN)/python benchmarks/class_scale.py --learners $(N) --assignment "$$ARG_ASSIGNMENT"

# Off a hub: hand-in by archive (exocourse/grading/archive.py). ARCHIVE= the .zip downloaded from the LMS or put together.
export ARG_ARCHIVE = $(value ARCHIVE)
.PHONY: collect-archive feedback-archive
collect-archive: $(VENV)/.runtime-installed  ## instructor: file ARCHIVE=path.zip of ASSIGNMENT with nbgrader zip_collect (FORCE=1 replaces older)
	@$(BIN)/python -m exocourse.grading.archive collect "$$ARG_ASSIGNMENT" "$$ARG_ARCHIVE" $(if $(FORCE),--force)

feedback-archive: $(VENV)/.runtime-installed  ## instructor: one zip per learner of ASSIGNMENT's feedback (+ certificate) in grading/feedback-archive
	@$(BIN)/python -m exocourse.grading.archive feedback "$$ARG_ASSIGNMENT"

# Assessment quality for a CE reviewer: item statistics of ASSIGNMENT from the gradebook, and a modified-Angoff
# cut score for the post-test (WORKSHEET= a filled worksheet; without it, a blank one is written).
export ARG_WORKSHEET = $(value WORKSHEET)
.PHONY: item-analysis angoff
item-analysis: $(VENV)/.runtime-installed  ## instructor: difficulty, discrimination and options of each item of ASSIGNMENT (grading/item_analysis/)
	@$(BIN)/python -m exocourse.instructor.item_analysis -- "$$ARG_ASSIGNMENT"

angoff: $(VENV)/.runtime-installed  ## instructor: blank modified-Angoff worksheet, or the post-test cut score from WORKSHEET=path (grading/angoff/)
	@$(BIN)/python -m exocourse.instructor.angoff --worksheet="$$ARG_WORKSHEET"

# For the accredited provider's reviewer: one PDF + HTML with the activity, needs assessment, objectives map, key
# recommendations and their evidence, currency register, references with source quality, disclosures as completed,
# cohort results (when a graded cohort exists) and a sign-off table.
.PHONY: ce-packet
ce-packet: $(VENV)/.runtime-installed  ## program: the content-validation packet (build/ce-packet/ce-packet.pdf and .html)
	@$(BIN)/python -m exocourse.instructor.ce_packet
