"""Integrity report: flag submissions that tamper with grading, for an instructor to review by hand.

    python -m exocourse.grading.integrity ps1            (or: make integrity ASSIGNMENT=ps1)

prints one line per flagged submission, `<learner id>: <reason>; <reason>`, and exits 1 if anything is flagged.
It combines
* a static scan of each submission in grading/submitted/<learner>/<assignment>/ against the release copy:
  input transformers and event hooks, patched modules or builtins, redefined test helpers, grader interference
  (exit, signals, audit or trace hooks, subprocesses), file access outside the submission, locked or test cells
  deleted, altered, duplicated, reordered or re-pointed, unknown grade ids, files beyond the released ones;
* the runtime audit the grading kernel wrote (grading/integrity/<assignment>/<learner>.jsonl), and what the
  unsandboxed grader found changed and put back (<learner>.guard.jsonl, exocourse.grading.guard), and
* autograde failures (a kernel that died or hung leaves no autograded notebook).
Nothing here changes a grade: flags hold back certificates until an instructor has looked.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import nbformat

IPYTHON_HOOKS = {"input_transformers_cleanup", "input_transformers_post", "ast_transformers",
                 "input_transformer_manager", "register_magic_function", "set_custom_exc", "showtraceback",
                 "run_cell", "transform_cell", "register", "unregister", "callbacks"}
INTERFERENCE = {("sys", "exit"): "calls sys.exit", ("os", "_exit"): "calls os._exit", ("os", "kill"): "signals a process",
                ("sys", "addaudithook"): "adds an audit hook", ("sys", "settrace"): "installs a trace hook",
                ("sys", "setprofile"): "installs a profiler hook", ("signal", "signal"): "changes signal handling",
                ("os", "system"): "runs a shell command", ("os", "popen"): "runs a shell command",
                ("importlib", "reload"): "reloads a module"}
RISKY_MODULES = {"subprocess": "runs other programs", "ctypes": "loads native code", "socket": "uses the network",
                 "signal": "changes signal handling", "multiprocessing": "starts processes",
                 "gc": "inspects live objects"}
FILE_CALLS = {"open", "Path", "remove", "unlink", "rename", "replace", "rmtree", "listdir", "scandir", "walk",
              "glob", "copy", "copyfile", "move", "write_text", "write_bytes", "read_text", "read_bytes"}
SENSITIVE_WORDS = ("gradebook", "submitted", "autograded", "feedback", "assignments/source", "nbgrader")
# nbgrader itself adds these to every submission that comes through the exchange (submit writes both).
ALLOWED_EXTRA_FILES = {"timestamp.txt", "submission_secret.txt"}


# --------------------------------------------------------------------------------------------- the scan ---
def _as_python(source: str) -> str:
    """Cell text as plain Python (IPython magics and shell escapes translated)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:
        return source


def _dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func) + "()"
    if isinstance(node, ast.Subscript):
        return _dotted(node.value) + "[]"
    return type(node).__name__


def scan_code(source: str, protected: set[str]) -> list[str]:
    """Reasons to flag one learner-written code cell."""
    code = _as_python(source)
    if "get_ipython().system(" in code or "get_ipython().getoutput(" in code:
        return ["runs a shell command (! or %%bash)"]
    try:
        tree = ast.parse(code)
    except SyntaxError:
        lowered = code.lower()
        return [f"unparseable cell mentions {word}" for word in ("input_transformers", "sys.modules", "__builtins__")
                if word in lowered]
    reasons: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in IPYTHON_HOOKS and (
                "ipython" in _dotted(node).lower() or node.attr.startswith(("input_transformer", "ast_"))
                or ".events." in _dotted(node) + "."):
            reasons.append(f"IPython input transformer or event hook ({_dotted(node)})")
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Attribute) and isinstance(leaf.ctx, ast.Store):
                        reasons.append(f"patches a module or object ({_dotted(leaf)} = …)")
                    elif isinstance(leaf, ast.Subscript) and isinstance(leaf.ctx, ast.Store) and any(
                            word in _dotted(leaf.value) for word in ("modules", "builtins", "globals", "vars")):
                        reasons.append(f"patches {_dotted(leaf.value)}")
                    elif isinstance(leaf, ast.Name) and isinstance(leaf.ctx, ast.Store) and leaf.id in protected:
                        reasons.append(f"redefines test helper {leaf.id}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in protected:
            reasons.append(f"redefines test helper {node.name}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            for alias in node.names:
                root = (module or alias.name).split(".")[0]
                if root in RISKY_MODULES:
                    reasons.append(f"imports {root} ({RISKY_MODULES[root]})")
                if root == "builtins":
                    reasons.append("imports builtins")
                bound = alias.asname or alias.name.split(".")[0]
                if bound in protected and not (module or alias.name).startswith(("exocourse", "importlib")):
                    reasons.append(f"redefines test helper {bound}")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            parts = tuple(name.split(".")[-2:])
            if parts in INTERFERENCE:
                reasons.append(INTERFERENCE[parts])
            elif name in {"exit", "quit", "setattr", "delattr", "exec", "eval", "compile", "__import__"}:
                reasons.append(f"calls {name}()")
            if name.split(".")[-1] in FILE_CALLS:
                for arg in node.args[:1]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and (
                            arg.value.startswith(("/", "~")) or ".." in arg.value):
                        reasons.append(f"file access outside the submission ({arg.value})")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            lowered = node.value.lower()
            for word in SENSITIVE_WORDS:
                if word in lowered:
                    reasons.append(f"refers to {word}")
        elif isinstance(node, ast.Name) and node.id in {"__builtins__", "__loader__", "__spec__"}:
            reasons.append(f"uses {node.id}")
    return list(dict.fromkeys(reasons))


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def protected_names(source_notebook: Path) -> set[str]:
    """Names the tests and locked set-up cells of an assignment bind: a learner must not redefine them."""
    names: set[str] = set()
    for cell in nbformat.read(source_notebook, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("locked"):
            continue
        try:
            tree = ast.parse(_as_python(cell.source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id in names and node.value.id not in {"importlib"}:
                    names.add(node.attr)
    return names


def scan_notebook(submitted: Path, release: Path, names: set[str]) -> list[str]:
    """Reasons to flag one submitted notebook, compared with its release copy."""
    try:
        nb = nbformat.read(submitted, as_version=4)
    except Exception as problem:  # an unreadable notebook is itself worth a look
        return [f"notebook cannot be read ({type(problem).__name__})"]
    reference = nbformat.read(release, as_version=4)
    locked = {_grade_id(c): c for c in reference.cells if c.metadata.get("nbgrader", {}).get("locked")}
    known = {_grade_id(c) for c in reference.cells if _grade_id(c)}
    reasons: list[str] = []
    seen: list[str] = []
    for cell in nb.cells:
        grade_id = _grade_id(cell)
        if grade_id in locked:
            seen.append(grade_id)
            original = locked[grade_id]
            if _normal(cell.source) != _normal(original.source):
                reasons.append(f"locked cell altered: {grade_id}")
            meta, want = cell.metadata.get("nbgrader", {}), original.metadata["nbgrader"]
            if meta.get("points") != want.get("points") or bool(meta.get("grade")) != bool(want.get("grade")):
                reasons.append(f"points or grading changed on {grade_id}")
            continue
        if grade_id and grade_id not in known:
            reasons.append(f"unknown grade id {grade_id}")
        if cell.cell_type == "code":
            reasons += scan_code(cell.source, names)
    for grade_id in locked:
        count = seen.count(grade_id)
        if count == 0:
            reasons.append(f"locked or test cell deleted: {grade_id}")
        elif count > 1:
            reasons.append(f"locked or test cell duplicated: {grade_id}")
    order = [g for g in dict.fromkeys(seen)]
    if order != [g for g in locked if g in order]:
        reasons.append("locked or test cells reordered")
    return list(dict.fromkeys(reasons))


def scan_submission(folder: Path, release_folder: Path, names: set[str]) -> list[str]:
    """Reasons to flag one learner's submitted assignment folder."""
    reasons: list[str] = []
    released = {p.relative_to(release_folder).as_posix() for p in release_folder.rglob("*") if p.is_file()}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if ".ipynb_checkpoints" in rel or rel in ALLOWED_EXTRA_FILES:
            continue
        if rel not in released:
            reasons.append(f"file beyond the released ones: {rel}")
        elif path.suffix == ".ipynb":
            reasons += scan_notebook(path, release_folder / rel, names)
        elif path.read_bytes() != (release_folder / rel).read_bytes():
            reasons.append(f"released file changed: {rel}")
    for rel in sorted(released):
        if rel.endswith(".ipynb") and not (folder / rel).exists():
            reasons.append(f"notebook missing: {rel}")
    return reasons


# ------------------------------------------------------------------------------------------------ report ---
def runtime_findings(log: Path) -> list[str]:
    if not log.exists():
        return []
    reasons = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
            reasons.append(f"runtime: {entry['kind']} — {entry['detail']}")
        except (ValueError, KeyError, TypeError):
            reasons.append("runtime: audit log was tampered with")
            break
    return reasons


def report(root: Path, assignment: str) -> dict[str, list[str]]:
    """{learner id: reasons} for every flagged submission of `assignment` in the course at `root`."""
    grading = root / "grading"
    release = root / "assignments" / "release" / assignment
    source = root / "assignments" / "source" / assignment
    if not release.is_dir():
        raise FileNotFoundError(f"No release copy of {assignment}: run `nbgrader generate_assignment {assignment}`.")
    names = set().union(*(protected_names(nb) for nb in source.glob("*.ipynb"))) if source.is_dir() else set()
    autograded_any = (grading / "autograded").is_dir() and any(
        (grading / "autograded").glob(f"*/{assignment}"))
    flagged: dict[str, list[str]] = {}
    for folder in sorted((grading / "submitted").glob(f"*/{assignment}")):
        learner = folder.parent.name
        reasons = scan_submission(folder, release, names)
        if autograded_any:
            notebooks = [p.name for p in release.glob("*.ipynb")]
            if not all((grading / "autograded" / learner / assignment / name).exists() for name in notebooks):
                reasons.append("autograde failed (the kernel died or hung): grade this submission by hand")
            reasons += runtime_findings(grading / "integrity" / assignment / f"{learner}.jsonl")
            # written by the grader (not the learner's kernel) when unsandboxed code changed files and was undone
            reasons += runtime_findings(grading / "integrity" / assignment / f"{learner}.guard.jsonl")
        if reasons:
            flagged[learner] = list(dict.fromkeys(reasons))
    return flagged


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print("usage: python -m exocourse.grading.integrity <assignment> [course folder]", file=sys.stderr)
        return 2
    root = Path(argv[1]) if len(argv) > 1 else Path.cwd()
    flagged = report(root, argv[0])
    for learner, reasons in flagged.items():
        print(f"{learner}: {'; '.join(reasons)}")
    if not flagged:
        print(f"No submission of {argv[0]} was flagged.")
    return 1 if flagged else 0


if __name__ == "__main__":
    from exocourse import cli

    sys.exit(cli.run(main, sys.argv[1:]))
