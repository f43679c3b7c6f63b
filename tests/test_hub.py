"""The course on a real JupyterHub: a TLJH-like hub on 127.0.0.1 with the course's TLJH configuration
(deploy/tljh/jupyterhub_config.d/<course>.py, loaded by deploy/test-hub/jupyterhub_config.py), real Unix accounts
for one instructor, two learners and the grader service, and nbgrader's file-system exchange.

Driven over HTTP as each person, with a token the hub issues to that person (so it carries only their rights):
the instructor releases ps1 through the grader service's formgrader API; each learner fetches it with their own
server's Assignments API, answers (one right, one wrong) through the contents API and submits; the instructor
collects, autogrades, generates and releases feedback; each learner fetches their own feedback; a learner logs in
on the hub's page and opens the nbgitpuller link, which copies the learner edition into their home. Negative
checks: learners are refused formgrader and the grader service, cannot read another learner's work or the
gradebook (checked as the learner's Unix account), instructors cannot open learners' files, and anonymous
requests are refused.

Needs root (it creates accounts). deploy/test-hub/setup.sh builds /opt/exocourse-hub (the test runs it; it is
quick when nothing changed). With CI=true the test always runs; elsewhere only with EXOCOURSE_HUB_TEST=1.
The accounts are removed and every process the hub started is stopped at the end, also when a check fails.
"""

from __future__ import annotations

import fcntl
import http.cookiejar
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest

from exocourse.grading import batch

ROOT = Path(__file__).resolve().parent.parent
PREFIX = Path(os.environ.get("EXOCOURSE_HUB_PREFIX", "/opt/exocourse-hub"))
COURSE = "exo101"
INSTRUCTOR, LEARNERS = "exo-instructor", ("exo-learner1", "exo-learner2")
GRADER = f"grader-{COURSE}"
ACCOUNTS = [f"jupyter-{name}" for name in (INSTRUCTOR, *LEARNERS)] + [GRADER]  # TLJH's Unix names
ASSIGNMENT = "ps1"
# The course's folders in the exchange, as deploy/tljh/README.md step 3 creates them (nbgrader 0.9.6's own modes).
EXCHANGE_MODES = {"": 0o755, "outbound": 0o755, "inbound": 0o2733, "feedback": 0o711}


def _skip_reason() -> str | None:
    """It creates Unix accounts and starts a hub: only in CI, or when asked (EXOCOURSE_HUB_TEST=1, as root, after
    deploy/test-hub/setup.sh); never by default on someone's own machine."""
    if os.environ.get("CI") == "true":
        return None  # CI must run it; failures (not root, no setup) then fail loudly
    if os.environ.get("EXOCOURSE_HUB_TEST") != "1":
        return "creates Unix accounts and starts a hub: runs in CI, or with EXOCOURSE_HUB_TEST=1 (as root)"
    if os.geteuid() != 0:
        return "needs root (creates Unix accounts); CI runs it"
    return None


pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason()))]


# ------------------------------------------------------------------------------------------------ helpers ---
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Http:
    """Requests to the hub's public address as one party (a token, or none for anonymous)."""

    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base, token

    def request(self, method: str, path: str, data: dict | None = None, form: dict | None = None,
                timeout: float = 120) -> tuple[int, bytes, dict]:
        headers = {"Authorization": f"token {self.token}"} if self.token else {}
        body = None
        if data is not None:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
        elif form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif method in ("POST", "PUT"):
            body = b""
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(req, timeout=timeout) as resp:
                return resp.status, resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as err:
            return err.code, err.read(), dict(err.headers)

    def json(self, method: str, path: str, expect: int | tuple = (200, 201), **kw):
        status, body, _ = self.request(method, path, **kw)
        expected = expect if isinstance(expect, tuple) else (expect,)
        assert status in expected, f"{method} {path} -> {status}: {body[:500]!r}"
        return json.loads(body) if body else None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect to the login page is an answer, not something to follow


def as_account(account: str, code: str) -> subprocess.CompletedProcess:
    """Run Python code as a Unix account (how a learner's own kernel or terminal would run it)."""
    return subprocess.run(["runuser", "-u", account, "--", str(PREFIX / "bin" / "python"), "-c", code],
                          capture_output=True, text=True, timeout=60, cwd="/")


def pids_of(uid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except FileNotFoundError:
                pass
    return found


def remove_account(name: str) -> None:
    """Stop what the hub started as this account, then delete it with its home (stale ones from earlier runs too)."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    assert uid >= 1000, f"refusing to remove system account {name}"
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids_of(uid):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while pids_of(uid) and time.monotonic() < deadline:
            time.sleep(0.1)
    subprocess.run(["userdel", "--remove", name], capture_output=True)


def create_account(name: str) -> None:
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
    os.chmod(pwd.getpwnam(name).pw_dir, 0o700)  # TLJH homes are not readable by other users


def solution_of(source_cell: str) -> str:
    return re.sub(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", "", source_cell, flags=re.M)


# ----------------------------------------------------------------------------------------------- the hub ---
@pytest.fixture(scope="module")
def hub():
    """Start the hub with the course's configuration; yield a dict of what the checks need; tear everything down."""
    started = time.monotonic()
    # Unix accounts are machine-wide: a second run of this test (another checkout) waits for the first.
    lock = open(Path(tempfile.gettempdir()) / "exocourse-hub-test.lock", "w")  # noqa: SIM115 — held until teardown
    fcntl.flock(lock, fcntl.LOCK_EX)
    setup = subprocess.run([str(ROOT / "deploy" / "test-hub" / "setup.sh")], capture_output=True, text=True)
    assert setup.returncode == 0, f"deploy/test-hub/setup.sh failed:\n{setup.stdout}\n{setup.stderr[-4000:]}"
    for name in ACCOUNTS:
        remove_account(name)
    run_dir = Path(tempfile.mkdtemp(prefix="exocourse-hub-"))
    hub_proc = None
    log = run_dir / "hub.log"
    try:
        os.chmod(run_dir, 0o755)  # spawned accounts read the course's Jupyter config below it
        state = run_dir / "state"
        state.mkdir(mode=0o700)
        # What a TLJH host installs (deploy/tljh/README.md): /etc/exocourse/jupyter, the roster, the exchange.
        etc = run_dir / "etc"
        shutil.copytree(ROOT / "deploy" / "jupyter", etc / "jupyter")
        exchange = run_dir / "exchange"
        exchange.mkdir()
        os.chmod(exchange, 0o1777)  # world-writable + sticky, as nbgrader's docs say
        nbgrader_cfg = etc / "jupyter" / "common" / "nbgrader_config.py"
        text = nbgrader_cfg.read_text()
        assert '"/srv/nbgrader/exchange"' in text
        nbgrader_cfg.write_text(text.replace('"/srv/nbgrader/exchange"', repr(str(exchange))))
        (etc / f"{COURSE}-roster.txt").write_text(
            f"instructor {INSTRUCTOR}\n" + "".join(f"learner {name}\n" for name in LEARNERS))
        for path in [etc, *etc.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)

        for name in ACCOUNTS:
            create_account(name)
        # The course's exchange folders, made for the grader before any learner could claim the name (TLJH guide
        # step 3), with the modes nbgrader itself gives them (exchange/default/release_*.py).
        grader = pwd.getpwnam(GRADER)
        for sub, mode in EXCHANGE_MODES.items():
            folder = exchange / COURSE / sub
            folder.mkdir(exist_ok=True)
            os.chown(folder, grader.pw_uid, grader.pw_gid)
            os.chmod(folder, mode)
        # The grader's course folder: the instructor repository (private), owned by the grader account.
        course_dir = Path(pwd.getpwnam(GRADER).pw_dir) / COURSE
        batch.scratch_course(ROOT, course_dir)
        subprocess.run(["chown", "-R", f"{GRADER}:{GRADER}", str(course_dir)], check=True)

        port = free_port()
        driver_token, password = secrets.token_hex(32), secrets.token_urlsafe(16)
        env = {
            "PATH": f"{PREFIX}/bin:/usr/local/bin:/usr/bin:/bin", "HOME": str(state), "LANG": "C.UTF-8",
            "EXOCOURSE_USER_ENV": str(PREFIX), "EXOCOURSE_ETC": str(etc),
            "EXOCOURSE_COURSE_CONFIG": str(ROOT / "deploy" / "tljh" / "jupyterhub_config.d" / f"{COURSE}.py"),
            "EXOCOURSE_HUB_PASSWORD": password, "EXOCOURSE_DRIVER_TOKEN": driver_token,
            "EXOCOURSE_HUB_PORT": str(port), "EXOCOURSE_HUB_API_PORT": str(free_port()),
            "EXOCOURSE_PROXY_API_PORT": str(free_port()), "EXOCOURSE_GRADER_PORT": str(free_port()),
            "EXOCOURSE_CHP": str(PREFIX / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"),
            "EXOCOURSE_HUB_STATE": str(state), "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(32),
        }
        with open(log, "wb") as out:
            hub_proc = subprocess.Popen(
                [str(PREFIX / "bin" / "jupyterhub"), "-f", str(ROOT / "deploy" / "test-hub" / "jupyterhub_config.py")],
                cwd=state, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        driver = Http(base, driver_token)
        deadline = time.monotonic() + 90
        while True:
            assert hub_proc.poll() is None, "the hub exited:\n" + log.read_text()[-4000:]
            try:
                if driver.request("GET", "/hub/api/", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the hub did not answer in 90 s:\n" + log.read_text()[-4000:]
            time.sleep(0.5)
        tokens = {name: driver.json("POST", f"/hub/api/users/{name}/tokens", data={"note": "hub test"})["token"]
                  for name in (INSTRUCTOR, *LEARNERS)}
        yield {"base": base, "driver": driver, "http": {n: Http(base, t) for n, t in tokens.items()},
               "anonymous": Http(base), "exchange": exchange, "course_dir": course_dir, "log": log,
               "started": started, "hub_pid": hub_proc.pid, "run_dir": run_dir, "password": password}
    finally:
        if hub_proc is not None:
            if hub_proc.poll() is None:
                os.killpg(hub_proc.pid, signal.SIGTERM)  # the hub stops servers, services and its proxy
                try:
                    hub_proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    pass
            try:
                os.killpg(hub_proc.pid, signal.SIGKILL)  # the proxy shares the hub's process group
            except ProcessLookupError:
                pass
        for name in ACCOUNTS:
            remove_account(name)
        if os.environ.get("EXOCOURSE_KEEP_HUB_LOG") != "1":
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            print(f"hub log kept: {log}")
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
        print(f"\nhub test wall time (setup, hub, both journeys, teardown): {time.monotonic() - started:.1f} s")


def start_server(hub: dict, name: str) -> None:
    client = hub["http"][name]
    client.json("POST", f"/hub/api/users/{name}/server", expect=(201, 202, 400))  # 400: already running
    deadline = time.monotonic() + 120
    while True:
        server = client.json("GET", f"/hub/api/users/{name}")["servers"].get("", {})
        if server.get("ready"):
            return
        assert time.monotonic() < deadline, f"{name}'s server did not start:\n" + hub["log"].read_text()[-4000:]
        time.sleep(0.5)


def formgrader(hub: dict, method: str, path: str, who: str = INSTRUCTOR, **kw):
    return hub["http"][who].json(method, f"/services/{COURSE}/formgrader/api/{path}", **kw)


def assignments(hub: dict, name: str, action: str | None = None):
    client = hub["http"][name]
    if action is None:
        return client.json("GET", f"/user/{name}/assignments?course_id={COURSE}")
    return client.json("POST", f"/user/{name}/assignments/{action}",
                     form={"assignment_id": ASSIGNMENT, "course_id": COURSE})


def page_config(hub: dict, name: str) -> dict:
    status, body, _ = hub["http"][name].request("GET", f"/user/{name}/lab")
    assert status == 200, status
    match = re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>', body, re.S)
    assert match, "no page config in the JupyterLab page"
    return json.loads(match.group(1))


# --------------------------------------------------------------------------------------------- the journey ---
def run_journey(hub: dict) -> dict:
    """The whole class cycle, in order. The checks below look at what each step left behind."""
    record = {}
    for name in (INSTRUCTOR, *LEARNERS):
        start_server(hub, name)

    # Instructor: generate and release ps1 in the grader service (formgrader's API, as the instructor clicks it).
    assert formgrader(hub, "POST", f"assignment/{ASSIGNMENT}/assign")["success"], "generate_assignment failed"
    released = formgrader(hub, "POST", f"assignment/{ASSIGNMENT}/release")
    assert released["success"], released
    record["released"] = released

    source = nbformat.read(ROOT / "assignments" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    solutions = {c.metadata["nbgrader"]["grade_id"]: solution_of(c.source) for c in source.cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    for name, right in zip(LEARNERS, (True, False), strict=True):
        listed = assignments(hub, name)
        assert listed["success"], listed
        assert [(a["course_id"], a["assignment_id"], a["status"]) for a in listed["value"]] == [
            (COURSE, ASSIGNMENT, "released")], listed
        fetched = assignments(hub, name, "fetch")
        assert fetched["success"], fetched
        path = f"/user/{name}/api/contents/{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
        model = hub["http"][name].json("GET", path)
        nb = nbformat.from_dict(model["content"])
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.cell_type == "code" and grade_id in solutions:
                # Right: the model answer. Wrong: "A" for every question (no question's answer is A).
                cell.source = solutions[grade_id] if right else re.sub(r"=.*", '= "A"', solutions[grade_id])
        hub["http"][name].json("PUT", path, data={"type": "notebook", "format": "json", "content": nb})
        submitted = assignments(hub, name, "submit")
        assert submitted["success"], submitted

    collected = formgrader(hub, "POST", f"assignment/{ASSIGNMENT}/collect")
    assert collected["success"], collected
    students = {}
    for name in LEARNERS:
        student = f"jupyter-{name}"  # TLJH: submissions carry the Unix name (nbgrader's get_username)
        graded = formgrader(hub, "POST", f"submission/{ASSIGNMENT}/{student}/autograde", timeout=300)
        assert graded["success"], graded
        students[name] = student
    record["submissions"] = {s["student"]: s for s in formgrader(hub, "GET", f"submissions/{ASSIGNMENT}")}
    record["students"] = students
    generated = formgrader(hub, "POST", f"assignment/{ASSIGNMENT}/generate_feedback", timeout=300)
    assert generated["success"], generated
    released_feedback = formgrader(hub, "POST", f"assignment/{ASSIGNMENT}/release_feedback")
    assert released_feedback["success"], released_feedback

    record["feedback"] = {}
    for name in LEARNERS:
        fetched = assignments(hub, name, "fetch_feedback")
        assert fetched["success"], fetched
        home = Path(pwd.getpwnam(f"jupyter-{name}").pw_dir)
        record["feedback"][name] = sorted((home / COURSE / ASSIGNMENT / "feedback").rglob("*.html"))
    record["edition_repo"] = learner_edition_repo(hub)
    return record


def check_instructor_release_reaches_the_exchange(hub, journey):
    outbound = hub["exchange"] / COURSE / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert outbound.is_file()
    assert "### BEGIN SOLUTION" not in outbound.read_text()
    assert outbound.stat().st_uid == pwd.getpwnam(GRADER).pw_uid  # released by the grader service's account


def check_each_learner_submission_is_collected_and_autograded(hub, journey):
    subs = journey["submissions"]
    right, wrong = (subs[journey["students"][name]] for name in LEARNERS)
    assert right["autograded"] and wrong["autograded"], subs
    assert right["code_score"] == right["max_code_score"] > 0, right
    assert wrong["code_score"] == 0, wrong


def check_each_learner_gets_only_their_own_feedback(hub, journey):
    for name in LEARNERS:
        files = journey["feedback"][name]
        assert len(files) == 1, files
        html = files[0].read_text()
        assert "### BEGIN HIDDEN TESTS" not in html
        assert files[0].stat().st_uid == pwd.getpwnam(f"jupyter-{name}").pw_uid
    right_html, wrong_html = (journey["feedback"][name][0].read_text() for name in LEARNERS)
    subs = journey["submissions"]
    right_score = subs[journey["students"][LEARNERS[0]]]["code_score"]
    assert f"Score: {right_score:g}" in right_html or f"{right_score:g} / " in right_html, right_html[:2000]
    assert right_html != wrong_html


def check_learner_is_refused_formgrader_and_the_grader_service(hub, journey):
    learner = hub["http"][LEARNERS[0]]
    for path in (f"/services/{COURSE}/formgrader", f"/services/{COURSE}/formgrader/api/submissions/{ASSIGNMENT}",
                 f"/services/{COURSE}/api/contents"):
        status, body, _ = learner.request("GET", path)
        assert status == 403, (path, status, body[:300])
    status, _, _ = learner.request("POST", f"/services/{COURSE}/formgrader/api/assignment/{ASSIGNMENT}/collect")
    assert status == 403
    # Nor can a learner's server token reach it, nor does the learner's own server serve formgrader.
    assert learner.request("GET", f"/user/{LEARNERS[0]}/formgrader")[0] == 404


def check_grader_service_grades_only_in_the_sandbox(hub, journey):
    # The shipped TLJH file sets EXOCOURSE_SANDBOX=1 for the grader service, so Autograde above could only succeed
    # inside bubblewrap (it refuses otherwise). Check the running service really has it.
    environments = []
    for pid in pids_of(pwd.getpwnam(GRADER).pw_uid):
        try:
            environments.append(Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"))
        except (FileNotFoundError, ProcessLookupError):
            pass
    assert any(b"EXOCOURSE_SANDBOX=1" in env for env in environments), "grader service without EXOCOURSE_SANDBOX=1"


def check_exchange_folders_keep_the_modes_the_guide_gives_them(hub, journey):
    for sub, mode in EXCHANGE_MODES.items():
        info = (hub["exchange"] / COURSE / sub).stat()
        assert pwd.getpwuid(info.st_uid).pw_name == GRADER, sub
        assert info.st_mode & 0o7777 == mode, (sub, oct(info.st_mode))


def check_learner_cannot_read_another_learners_work_or_the_gradebook(hub, journey):
    other_home = pwd.getpwnam(f"jupyter-{LEARNERS[1]}").pw_dir
    gradebook = hub["course_dir"] / "grading" / "gradebook.db"
    assert gradebook.is_file()
    inbound = hub["exchange"] / COURSE / "inbound"
    probes = {
        "another learner's home": f"os.listdir({other_home!r})",
        "another learner's notebook": f"open({other_home + f'/{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb'!r}).read()",
        "the exchange's inbound listing": f"os.listdir({str(inbound)!r})",
        "the gradebook": f"open({str(gradebook)!r}, 'rb').read()",
        "collected submissions": f"os.listdir({str(hub['course_dir'] / 'grading' / 'submitted')!r})",
        # The exchange root is world-writable; its sticky bit stops renaming the course's folder (nbgrader#1225).
        "renaming the course's exchange folder": f"os.rename({str(hub['exchange'] / COURSE)!r}, "
                                                 f"{str(hub['exchange'] / 'stolen')!r})",
    }
    for what, code in probes.items():
        result = as_account(f"jupyter-{LEARNERS[0]}", f"import os\n{code}")
        assert result.returncode != 0 and "PermissionError" in result.stderr, (what, result.stdout, result.stderr)
    # The learner can still read their own work (the probe itself works).
    own = as_account(f"jupyter-{LEARNERS[0]}", f"print(len(open({pwd.getpwnam(f'jupyter-{LEARNERS[0]}').pw_dir + f'/{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb'!r}).read()))")
    assert own.returncode == 0, own.stderr


def check_anonymous_requests_are_refused(hub, journey):
    anonymous = hub["anonymous"]
    assert anonymous.request("GET", "/hub/api/users")[0] == 403
    assert anonymous.request("GET", f"/hub/api/users/{LEARNERS[0]}")[0] == 403
    for path in (f"/user/{LEARNERS[0]}/api/contents", f"/services/{COURSE}/formgrader/api/submissions/{ASSIGNMENT}",
                 f"/user/{LEARNERS[0]}/assignments?course_id={COURSE}"):
        status, _, headers = anonymous.request("GET", path)
        assert status in (302, 403), (path, status)
        if status == 302:  # to the hub's login or its OAuth step, never into the server
            location = {k.lower(): v for k, v in headers.items()}.get("location", "")
            assert "/hub/login" in location or "/hub/api/oauth2/authorize" in location, (path, location)


def check_instructor_ui_is_hidden_from_learners_and_shown_to_instructors(hub, journey):
    learner = page_config(hub, LEARNERS[0])["disabledExtensions"]
    instructor = page_config(hub, INSTRUCTOR)["disabledExtensions"]
    for plugin in ("formgrader", "create-assignment", "course-list", "validate-assignment"):
        assert f"@jupyter/nbgrader:{plugin}" in learner, learner  # as in the learner edition
    assert "@jupyter/nbgrader:assignment-list" not in learner
    assert "@jupyter/nbgrader:course-list" not in instructor, instructor
    assert "@jupyter/nbgrader:validate-assignment" not in instructor, instructor  # instructors keep Validate
    assert "@jupyter/nbgrader:formgrader" in instructor  # instructors grade in the grader service, not at home
    # The instructor's Courses tab finds the course's formgrader through the hub.
    courses = hub["http"][INSTRUCTOR].json("GET", f"/user/{INSTRUCTOR}/formgraders")
    assert courses["success"], courses
    assert [(c["course_id"], c["kind"]) for c in courses["value"]] == [(COURSE, "jupyterhub")], courses
    assert courses["value"][0]["url"].endswith(f"/services/{COURSE}/lab?formgrader=true")


def check_instructor_sees_learners_but_not_their_files(hub, journey):
    instructor = hub["http"][INSTRUCTOR]
    learner = instructor.json("GET", f"/hub/api/users/{LEARNERS[0]}")  # the limited admin page's view
    assert learner["name"] == LEARNERS[0] and "servers" in learner
    status, body, _ = instructor.request("GET", f"/user/{LEARNERS[0]}/api/contents")
    assert status == 403, (status, body[:300])  # no access:servers: a learner's files stay the learner's
    assert instructor.request("GET", f"/hub/api/users/{INSTRUCTOR}/tokens")[0] == 200  # own tokens only
    assert instructor.request("GET", f"/hub/api/users/{LEARNERS[0]}/tokens")[0] in (403, 404)  # 404: hidden


def check_nobody_in_the_course_is_a_hub_admin(hub, journey):
    users = hub["driver"].json("GET", "/hub/api/users")
    assert {u["name"]: u["admin"] for u in users} == {n: False for n in (INSTRUCTOR, *LEARNERS)}
    groups = {u["name"]: sorted(u["groups"]) for u in users}
    assert groups[INSTRUCTOR] == [f"formgrade-{COURSE}"]
    assert all(groups[n] == [f"nbgrader-{COURSE}"] for n in LEARNERS)


def learner_edition_repo(hub: dict) -> Path:
    """The learner edition as a git repository a learner's account can read (what a program publishes)."""
    edition = hub["run_dir"] / "edition" / "exo101-learner"
    subprocess.run([sys.executable, "-m", "exocourse.build.learner_edition", str(edition)], cwd=ROOT, check=True,
                   capture_output=True)
    git = ["git", "-c", "user.name=course", "-c", "user.email=course@example.org", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "--quiet"], cwd=edition, check=True)
    subprocess.run([*git, "add", "--all"], cwd=edition, check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "learner edition"], cwd=edition, check=True)
    bare = hub["run_dir"] / "exo101-learner.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(edition), str(bare)], check=True)
    # git refuses to serve a repository owned by another account ("dubious ownership"): hand it to the learner.
    subprocess.run(["chown", "-R", f"jupyter-{LEARNERS[0]}", str(bare)], check=True)
    return bare


def check_nbgitpuller_link_gives_a_learner_the_learner_edition(hub, journey):
    learner_edition_repo = journey["edition_repo"]
    name = LEARNERS[0]
    learner = hub["http"][name]
    repo = f"file://{learner_edition_repo}"
    query = urllib.parse.urlencode({"repo": repo, "branch": "main",
                                    "urlpath": "lab/tree/exo101-learner/lessons/00_start_here.ipynb"})
    # The link a program sends, opened in a browser: log in on the hub's page, then the hub sends the learner on
    # to their own server's git-pull page.
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def visit(path, form=None):
        data = urllib.parse.urlencode(form).encode() if form else None
        try:
            with browser.open(urllib.request.Request(hub["base"] + path, data=data), timeout=60) as resp:
                return resp.status, resp.read().decode(), resp.headers.get("Location", "")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(), err.headers.get("Location", "")

    _, page, _ = visit("/hub/login")
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    status, _, _ = visit("/hub/login", {"username": name, "password": "wrong password", "_xsrf": xsrf})
    assert status == 403  # a wrong password is refused
    status, _, location = visit("/hub/login", {"username": name, "password": hub["password"], "_xsrf": xsrf})
    assert status == 302, status
    status, _, location = visit(f"/hub/user-redirect/git-pull?{query}")
    assert status == 302 and location.startswith(f"/hub/spawn/{name}?next="), (status, location)
    status, _, location = visit(location)  # the server is running: straight on to it
    assert status == 302 and location.startswith(f"/user/{name}/git-pull?"), (status, location)
    assert "repo=file" in location and "urlpath=lab" in location
    # That page's script then calls the sync API; call it directly and read its event stream to the end.
    api = urllib.parse.urlencode({"repo": repo, "branch": "main", "targetpath": "exo101-learner"})
    status, body, _ = learner.request("GET", f"/user/{name}/git-pull/api?{api}", timeout=180)
    assert status == 200 and b'"phase": "finished"' in body, body[-2000:]
    home = Path(pwd.getpwnam(f"jupyter-{name}").pw_dir) / "exo101-learner"
    assert (home / "lessons" / "00_start_here.ipynb").is_file()
    assert (home / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()  # practice copy, no solutions
    assert not (home / "assignments" / "source").exists()
    assert not any("### BEGIN SOLUTION" in p.read_text(errors="ignore") for p in home.rglob("*.ipynb"))


CHECKS = [check_exchange_folders_keep_the_modes_the_guide_gives_them, check_grader_service_grades_only_in_the_sandbox,
          check_instructor_release_reaches_the_exchange,
          check_each_learner_submission_is_collected_and_autograded,
          check_each_learner_gets_only_their_own_feedback, check_learner_is_refused_formgrader_and_the_grader_service,
          check_learner_cannot_read_another_learners_work_or_the_gradebook, check_anonymous_requests_are_refused,
          check_instructor_ui_is_hidden_from_learners_and_shown_to_instructors,
          check_instructor_sees_learners_but_not_their_files, check_nobody_in_the_course_is_a_hub_admin,
          check_nbgitpuller_link_gives_a_learner_the_learner_edition]


def test_course_on_a_real_hub(hub):
    """One test, because the hub and the class cycle are expensive and must not run twice at once (accounts are
    machine-wide; pytest-xdist's loadgroup does not keep tests together on this stack). Every check runs even
    when an earlier one fails, and the failure lists them all."""
    journey = run_journey(hub)
    failures = []
    for check in CHECKS:
        try:
            check(hub, journey)
        except AssertionError as exc:
            failures.append(f"{check.__name__}: {exc}")
    assert not failures, "\n\n".join(failures)
