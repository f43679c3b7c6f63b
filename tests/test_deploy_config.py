"""The hosting configuration (deploy/): generated files up to date, the Zero to JupyterHub values parse, the hub
configuration embedded in them runs under JupyterHub's config loader and gives the same groups and roles as the
TLJH file, the LTI/OAuth group-sync mode sets no load_groups, and JupyterHub 5 itself accepts both (with the
hub environment of deploy/test-hub/setup.sh). Kubernetes itself is not available here: see deploy/z2jh/README.md.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest
import yaml
from traitlets.config.loader import LazyConfigValue, PyFileConfigLoader

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
HUB_PYTHON = Path(os.environ.get("EXOCOURSE_HUB_PREFIX", "/opt/exocourse-hub")) / "bin" / "python"
COURSE = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))["course_id"]
TLJH_FILE = DEPLOY / "tljh" / "jupyterhub_config.d" / f"{COURSE}.py"
ROSTER = {"instructors": ["dr-lee"], "learners": ["alice", "bob"]}


def course_hub():
    spec = importlib.util.spec_from_file_location("course_hub", DEPLOY / "course_hub.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def values() -> dict:
    return yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text(encoding="utf-8"))


def write_roster(folder: Path) -> None:
    lines = [f"instructor {n}" for n in ROSTER["instructors"]] + [f"learner {n}" for n in ROSTER["learners"]]
    (folder / f"{COURSE}-roster.txt").write_text("# test roster\n" + "\n".join(lines) + "\n")


def load(path: Path, preamble: str = "", how: str = "load_subconfig") -> dict:
    """Run a hub config file with traitlets' PyFileConfigLoader (JupyterHub's loader), after `preamble`:
    through load_subconfig, as TLJH loads jupyterhub_config.d files (a fresh `c`, merged afterwards), or with
    exec, as Zero to JupyterHub runs hub.extraConfig (inside its own config, `c` already filled)."""
    wrapper = path.parent / f"_wrapper_{path.stem}.py"
    call = (f"load_subconfig({str(path)!r})" if how == "load_subconfig"
            else f"exec(compile(open({str(path)!r}).read(), {str(path)!r}, 'exec'))")
    wrapper.write_text(preamble + "\n" + call + "\n")
    try:
        return PyFileConfigLoader(wrapper.name, path=str(wrapper.parent)).load_config()
    finally:
        wrapper.unlink()


def resolved(value, initial):
    return value.get_value(initial) if isinstance(value, LazyConfigValue) else value


def load_tljh(tmp_path: Path, monkeypatch, preamble: str = "", roster: bool = True) -> dict:
    if roster:
        write_roster(tmp_path)
    monkeypatch.setenv("EXOCOURSE_ETC", str(tmp_path))
    copy = tmp_path / "tljh.py"
    copy.write_text(TLJH_FILE.read_text())
    return load(copy, preamble)


def load_z2jh(tmp_path: Path, monkeypatch, course_values: dict | None = None, preamble: str = "") -> dict:
    """hub.extraConfig as the chart runs it, with a stand-in for the chart's z2jh helper module."""
    course_values = values()["custom"]["course"] | ROSTER if course_values is None else course_values
    fake = types.ModuleType("z2jh")
    fake.get_config = lambda key, default=None: {"custom.course": course_values}.get(key, default)
    monkeypatch.setitem(sys.modules, "z2jh", fake)
    snippet = tmp_path / "z2jh_extra_config.py"
    snippet.write_text(values()["hub"]["extraConfig"][COURSE])
    # What the chart's jupyterhub_config.py has done before it runs hub.extraConfig.
    chart = "c.JupyterHub.services = []\nc.JupyterHub.load_roles = []\nc.KubeSpawner.environment = {}\n"
    return load(snippet, chart + preamble, how="exec")


def comparable(cfg) -> dict:
    return {
        "roles": sorted(resolved(cfg.JupyterHub.load_roles, []), key=lambda r: r["name"]),
        "groups": resolved(cfg.JupyterHub.get("load_groups", {}), {}),
        "allowed": sorted(resolved(cfg.Authenticator.get("allowed_users", set()), set())),
        "environment": resolved(cfg.Spawner.get("environment", {}), {}) | resolved(
            cfg.KubeSpawner.get("environment", {}), {}),
        "server_token_scopes": cfg.Spawner.server_token_scopes,
        "group_overrides": resolved(cfg.Spawner.group_overrides, {}),
    }


# ---------------------------------------------------------------------------------------------------------
def test_generated_files_are_up_to_date(capsys):
    assert course_hub().main(["--check"]) == 0, capsys.readouterr().out


def test_tljh_file_sets_the_course_id_once_from_course_yml():
    text = TLJH_FILE.read_text()
    assert f"COURSE_ID = {COURSE!r}" in text
    assert text.count(f"'{COURSE}'") + text.count(f'"{COURSE}"') == 1  # everything else derives from COURSE_ID


def grader_pod() -> dict:
    manifest = list(yaml.safe_load_all((DEPLOY / "z2jh" / "grader.yaml").read_text()))
    return next(doc for doc in manifest if doc["kind"] == "Deployment")["spec"]["template"]["spec"]


def test_z2jh_values_parse_and_pin_a_learner_edition_image():
    v = values()
    image = v["singleuser"]["image"]
    assert image["tag"] and image["tag"] != "latest"
    assert "learner" in image["name"] and "grader" not in image["name"]
    assert v["hub"]["services"][COURSE]["url"].startswith("http://")
    assert v["cull"]["enabled"] is True and v["cull"]["timeout"] > 0
    storage = v["singleuser"]["storage"]
    assert storage["type"] == "static" and "{username}" in storage["static"]["subPath"]  # one folder per user
    mounted = {f["mountPath"] for f in v["singleuser"]["extraFiles"].values()}
    assert "/etc/exocourse/jupyter/common/labconfig/page_config.json" in mounted
    assert "/etc/exocourse/jupyter/instructor/labconfig/page_config.json" in mounted


def test_z2jh_extra_config_gives_the_same_groups_and_roles_as_tljh(tmp_path, monkeypatch):
    tljh = comparable(load_tljh(tmp_path, monkeypatch))
    # The test moved TLJH's /etc/exocourse (roster, Jupyter config) to tmp_path; Z2JH mounts it at /etc/exocourse.
    tljh = json.loads(json.dumps(tljh).replace(str(tmp_path), "/etc/exocourse"))
    z2jh = comparable(load_z2jh(tmp_path, monkeypatch))
    assert tljh["roles"] and tljh["groups"]
    assert z2jh == tljh
    assert tljh["groups"] == {f"formgrade-{COURSE}": {"users": ["dr-lee"]},
                              f"nbgrader-{COURSE}": {"users": ["alice", "bob"]}}
    assert {r["name"] for r in tljh["roles"]} == {f"{COURSE}-instructor", f"{COURSE}-learner"}


def test_each_platform_defines_the_grader_service_named_after_the_course(tmp_path, monkeypatch):
    services = resolved(load_tljh(tmp_path, monkeypatch).JupyterHub.services, [])
    assert [s["name"] for s in services] == [COURSE]
    assert services[0]["user"] == f"grader-{COURSE}" and services[0]["command"][0].startswith("/opt/tljh/user/")
    # formgrader's Autograde grades with the service's environment: credit-bearing, so the sandbox is required.
    assert services[0]["environment"]["EXOCOURSE_SANDBOX"] == "1"
    assert COURSE in values()["hub"]["services"]  # Z2JH: an external service, its pod in deploy/z2jh/grader.yaml
    manifest = list(yaml.safe_load_all((DEPLOY / "z2jh" / "grader.yaml").read_text()))
    env = {e["name"]: e for doc in manifest if doc["kind"] == "Deployment"
           for e in doc["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["JUPYTERHUB_SERVICE_NAME"]["value"] == COURSE
    assert env["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"]["key"] == f"hub.services.{COURSE}.apiToken"


def test_roles_grant_instructors_only_the_course_and_learners_nothing_else(tmp_path, monkeypatch):
    roles = {r["name"]: r for r in resolved(load_tljh(tmp_path, monkeypatch).JupyterHub.load_roles, [])}
    instructor, learner = roles[f"{COURSE}-instructor"], roles[f"{COURSE}-learner"]
    assert instructor["groups"] == [f"formgrade-{COURSE}"] and learner["groups"] == [f"nbgrader-{COURSE}"]
    # Anything that reaches other users is limited to this course's learners; no files of theirs (access:servers).
    for scope in instructor["scopes"]:
        if scope.split("!")[0] in ("list:users", "read:users", "servers"):
            assert scope.endswith(f"!group=nbgrader-{COURSE}"), scope
        # admin:servers would add admin:server_state (the spawner's state); servers only starts and stops them.
        assert not scope.startswith(("access:servers", "admin:", "tokens", "groups")), scope
    assert f"access:services!service={COURSE}" in instructor["scopes"]
    assert f"servers!group=nbgrader-{COURSE}" in instructor["scopes"]
    assert sorted(learner["scopes"]) == ["list:services", f"read:services!service={COURSE}"]
    assert not any(s.startswith("access:services") for s in learner["scopes"])


def test_group_sync_mode_leaves_groups_to_the_authenticator(tmp_path, monkeypatch):
    z2jh = load_z2jh(tmp_path, monkeypatch, {"groupsFromAuthenticator": True, "instructors": ["x"], "learners": []})
    tljh = load_tljh(tmp_path, monkeypatch, "c.Authenticator.manage_groups = True\n", roster=False)  # no roster file
    for cfg in (z2jh, tljh):
        assert "load_groups" not in cfg.JupyterHub  # JupyterHub refuses load_groups with manage_groups
        assert "allowed_users" not in cfg.Authenticator
        roles = {r["name"] for r in resolved(cfg.JupyterHub.load_roles, [])}
        assert roles == {f"{COURSE}-instructor", f"{COURSE}-learner"}


def test_tljh_guide_names_the_paths_the_configuration_uses():
    guide = (DEPLOY / "tljh" / "README.md").read_text()
    tljh = TLJH_FILE.read_text()
    exchange = re.search(r'c\.Exchange\.root = "([^"]+)"',
                         (DEPLOY / "jupyter" / "common" / "nbgrader_config.py").read_text()).group(1)
    etc = re.search(r'"EXOCOURSE_ETC", "([^"]+)"', tljh).group(1)
    port = re.search(r"GRADER_PORT = (\d+)", tljh).group(1)
    for needle in (f"sudo mkdir -p {exchange}", f"sudo chmod 1777 {exchange}", f"{etc}/jupyter",
                   f"{etc}/{COURSE}-roster.txt", f"127.0.0.1:{port}", f"/opt/tljh/config/jupyterhub_config.d/{COURSE}.py",
                   f"useradd --create-home --shell /bin/bash grader-{COURSE}", f"/home/grader-{COURSE}/{COURSE}"):
        assert needle in guide, needle
    assert '"cwd": f"/home/{grader_account}/{COURSE_ID}"' in tljh


def test_roster_rejects_a_line_it_cannot_read(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("instructor dr-lee\nlearner\n")
    with pytest.raises(ValueError, match="roster.txt:2"):
        course_hub().read_roster(roster)
    roster.write_text("# only comments\n\nlearner alice  # first cohort\n")
    assert course_hub().read_roster(roster) == {"instructors": [], "learners": ["alice"]}
    assert course_hub().read_roster(tmp_path / "missing.txt") is None  # no roster: groups come from elsewhere


def test_learners_are_pointed_at_config_that_hides_instructor_tools(tmp_path, monkeypatch):
    cfg = load_tljh(tmp_path, monkeypatch)
    learner_path = resolved(cfg.Spawner.environment, {})["JUPYTER_CONFIG_PATH"].split(os.pathsep)
    assert [Path(p).name for p in learner_path] == ["learner", "common"]
    (override,) = resolved(cfg.Spawner.group_overrides, {}).values()
    assert override["groups"] == [f"formgrade-{COURSE}"]
    hidden = json.loads((DEPLOY / "jupyter" / "common" / "labconfig" / "page_config.json").read_text())
    assert {k for k, v in hidden["disabledExtensions"].items() if v} == {
        "@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list",
        "@jupyter/nbgrader:validate-assignment"}  # as the learner edition's own settings hide them


# ------------------------------------------------- what each role's JupyterLab shows of nbgrader's plugins ---
NBGRADER_PLUGINS = {"formgrader", "create-assignment", "course-list", "assignment-list", "validate-assignment"}


def shown_plugins(config_path: str, monkeypatch) -> set[str]:
    """nbgrader's JupyterLab plugins that a server started with JUPYTER_CONFIG_PATH=config_path shows: its
    page_config.json files merged by JupyterLab's own code (the first folder of the path wins, key by key)."""
    from jupyterlab_server.config import get_static_page_config

    monkeypatch.setenv("JUPYTER_CONFIG_PATH", config_path)
    disabled = get_static_page_config(level="all").get("disabledExtensions", {})
    return {p for p in NBGRADER_PLUGINS if not disabled.get(f"@jupyter/nbgrader:{p}")}


# Learners: the Assignments tab alone (no notebook-toolbar Validate, as in the learner edition; the tab validates
# a fetched notebook itself). Instructors at home: the Courses tab and Validate, as before. The grader service:
# Formgrader, Create Assignment and Validate. Zero to JupyterHub has no exchange: no Assignments tab for anyone.
ROLE_VIEWS = {
    "learner": {"assignment-list"},
    "instructor": {"assignment-list", "course-list", "validate-assignment"},
    "grader": {"formgrader", "create-assignment", "validate-assignment"},
}
Z2JH_ROLE_VIEWS = {role: plugins - {"assignment-list"} for role, plugins in ROLE_VIEWS.items()}


def test_tljh_roles_see_their_own_nbgrader_tools(tmp_path, monkeypatch):
    """deploy/jupyter/ copied to /etc/exocourse/jupyter (tljh guide step 2), with the JUPYTER_CONFIG_PATH the
    TLJH file gives learners, instructors (their group override) and the grader service."""
    import shutil

    cfg = load_tljh(tmp_path, monkeypatch)
    shutil.copytree(DEPLOY / "jupyter", tmp_path / "jupyter")
    (override,) = resolved(cfg.Spawner.group_overrides, {}).values()
    (service,) = resolved(cfg.JupyterHub.services, [])
    paths = {"learner": resolved(cfg.Spawner.environment, {})["JUPYTER_CONFIG_PATH"],
             "instructor": override["spawner_override"]["environment"]["JUPYTER_CONFIG_PATH"],
             "grader": service["environment"]["JUPYTER_CONFIG_PATH"]}
    assert all(path.startswith(str(tmp_path / "jupyter")) for path in paths.values()), paths
    assert {role: shown_plugins(path, monkeypatch) for role, path in paths.items()} == ROLE_VIEWS


def test_z2jh_roles_see_their_own_nbgrader_tools(tmp_path, monkeypatch):
    """The files values.yaml mounts in user pods and grader.yaml in the grader pod, with the JUPYTER_CONFIG_PATH
    each gets (/etc/exocourse/jupyter moved under tmp_path)."""
    etc = "/etc/exocourse/jupyter"
    for spec in values()["singleuser"]["extraFiles"].values():
        if spec["mountPath"].startswith(etc + "/"):
            target = tmp_path / spec["mountPath"].removeprefix(etc + "/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(spec["stringData"])
    config_map = next(doc for doc in yaml.safe_load_all((DEPLOY / "z2jh" / "grader.yaml").read_text())
                      if doc["kind"] == "ConfigMap")
    grader_files = {key: text for key, text in config_map["data"].items() if key.startswith("jupyter--grader--")}
    assert grader_files
    for key, text in grader_files.items():
        target = tmp_path / key.removeprefix("jupyter--").replace("--", "/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    grader_env = {e["name"]: e.get("value") for e in grader_pod()["containers"][0]["env"]}
    cfg = load_z2jh(tmp_path, monkeypatch)
    (override,) = resolved(cfg.Spawner.group_overrides, {}).values()
    paths = {"learner": resolved(cfg.KubeSpawner.environment, {})["JUPYTER_CONFIG_PATH"],
             "instructor": override["spawner_override"]["environment"]["JUPYTER_CONFIG_PATH"],
             "grader": grader_env["JUPYTER_CONFIG_PATH"]}
    assert all(path.startswith(etc + "/") for path in paths.values()), paths
    moved = {role: path.replace(etc, str(tmp_path)) for role, path in paths.items()}
    assert {role: shown_plugins(path, monkeypatch) for role, path in moved.items()} == Z2JH_ROLE_VIEWS


# JupyterHub itself (5.x, as pinned in deploy/test-hub/setup.sh) initialises with each configuration.
ACCEPT = textwrap.dedent("""
    import asyncio, json, sys, types
    from jupyterhub.app import JupyterHub
    from traitlets.config.loader import LazyConfigValue, PyFileConfigLoader
    course = json.loads(sys.argv[3])
    fake = types.ModuleType("z2jh")
    fake.get_config = lambda key, default=None: {"custom.course": course}.get(key, default)
    sys.modules["z2jh"] = fake
    wrapper = sys.argv[1] + ".wrapper.py"
    open(wrapper, "w").write("c.JupyterHub.services = []\\nc.JupyterHub.load_roles = []\\n"
                             + sys.argv[2] + "\\nexec(open(%r).read())\\n" % sys.argv[1])
    cfg = PyFileConfigLoader(wrapper).load_config()
    cfg.JupyterHub.db_url = "sqlite://"
    cfg.JupyterHub.cookie_secret = b"x" * 32
    cfg.JupyterHub.services = []  # no service processes or tokens here
    async def main():
        app = JupyterHub(config=cfg)
        await app.initialize([])
        groups = {g.name: sorted(u.name for u in g.users) for g in app.db.query(__import__("jupyterhub").orm.Group)}
        roles = sorted(r.name for r in app.db.query(__import__("jupyterhub").orm.Role))
        print(json.dumps({"groups": groups, "roles": roles}))
    asyncio.run(main())
""")


def accept(tmp_path: Path, course: dict, extra: str = "") -> subprocess.CompletedProcess:
    if not HUB_PYTHON.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{HUB_PYTHON} missing: .ci/run must run deploy/test-hub/setup.sh first")
        pytest.skip("run deploy/test-hub/setup.sh (as root) to check against JupyterHub itself")
    snippet = tmp_path / "extra_config.py"
    snippet.write_text(values()["hub"]["extraConfig"][COURSE])
    return subprocess.run([str(HUB_PYTHON), "-c", ACCEPT, str(snippet), extra, json.dumps(course)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)


def test_jupyterhub_accepts_the_z2jh_configuration(tmp_path):
    result = accept(tmp_path, ROSTER)
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["groups"] == {f"formgrade-{COURSE}": ["dr-lee"], f"nbgrader-{COURSE}": ["alice", "bob"]}
    assert {f"{COURSE}-instructor", f"{COURSE}-learner"} <= set(state["roles"])


def test_jupyterhub_accepts_group_sync_mode_and_refuses_load_groups_there(tmp_path):
    synced = accept(tmp_path, {"groupsFromAuthenticator": True}, "c.Authenticator.manage_groups = True")
    assert synced.returncode == 0, synced.stderr[-3000:]
    state = json.loads(synced.stdout.strip().splitlines()[-1])
    assert set(state["groups"]) == {f"formgrade-{COURSE}", f"nbgrader-{COURSE}"}  # created empty by the roles
    # The control: the same hub with a roster (load_groups) is refused, which is why the mode exists.
    refused = accept(tmp_path, ROSTER, "c.Authenticator.manage_groups = True")
    assert refused.returncode != 0 and "offloaded to the authenticator" in refused.stderr, refused.stderr[-3000:]


# The Zero to JupyterHub exchange (deploy/z2jh/homes_exchange.py), on folders laid out like the home volume.
def homes_exchange():
    spec = importlib.util.spec_from_file_location("homes_exchange", DEPLOY / "z2jh" / "homes_exchange.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_homes_exchange_collects_each_learners_copy_and_returns_only_their_feedback(tmp_path):
    hx = homes_exchange()
    homes, course = tmp_path / "homes", tmp_path / "course"
    for user, answer in (("alice", "q1 = 'C'"), ("bob", "q1 = 'A'")):
        folder = homes / "home" / user / "exo-learner" / "assignments" / "ps1"
        (folder / ".ipynb_checkpoints").mkdir(parents=True)
        (folder / "ps1.ipynb").write_text(answer)
        (folder / ".ipynb_checkpoints" / "ps1-checkpoint.ipynb").write_text("old")
    (homes / "home" / "carol").mkdir(parents=True)  # never opened the assignment
    status = hx.collect("ps1", homes, "exo-learner", course)
    assert status == {"alice": "collected", "bob": "collected", "carol": "missing"}
    alice = course / "grading" / "submitted" / "alice" / "ps1"
    assert (alice / "ps1.ipynb").read_text() == "q1 = 'C'"
    assert not (alice / ".ipynb_checkpoints").exists()
    assert (alice / "timestamp.txt").read_text().endswith(" UTC")
    for user in ("alice", "bob"):
        (course / "grading" / "feedback" / user / "ps1").mkdir(parents=True)
        (course / "grading" / "feedback" / user / "ps1" / "ps1.html").write_text(f"feedback for {user}")
    assert hx.return_feedback("ps1", homes, course) == {"alice": "returned", "bob": "returned"}
    assert (homes / "home" / "alice" / "feedback" / "ps1" / "ps1.html").read_text() == "feedback for alice"
    assert (homes / "home" / "bob" / "feedback" / "ps1" / "ps1.html").read_text() == "feedback for bob"
    assert not (homes / "home" / "carol" / "feedback").exists()


def test_z2jh_grader_runs_on_its_own_pinned_grader_image_not_the_learner_image():
    """The grader needs the grading kernel and instructor tools, which the learner edition leaves out; its image is
    built from the instructor repository (solutions), so it is not the single-user image and is pulled privately."""
    pod = grader_pod()
    images = {c["name"]: c["image"] for c in pod["initContainers"] + pod["containers"]}
    assert len(images) == 2 and len(set(images.values())) == 1, images  # init container and grader: one image
    (image,) = set(images.values())
    name, _, tag = image.rpartition(":")
    assert name and "/" in name and tag and tag != "latest", image  # pinned, never latest
    assert "grader" in name.rsplit("/", 1)[-1] and "learner" not in name, image
    learner = values()["singleuser"]["image"]
    assert name != learner["name"]
    assert [s["name"] for s in pod["imagePullSecrets"]] == [f"{COURSE}-grader-registry"]


def test_z2jh_grader_course_folder_exists_before_the_grader_starts_in_it():
    pod = grader_pod()
    grader, init = pod["containers"][0], pod["initContainers"][0]
    assert pod["securityContext"]["runAsUser"] == 1000  # the init container makes it as the grader's uid
    assert init["command"] == ["mkdir", "-p", grader["workingDir"]]
    assert init["image"] == grader["image"]
    course_mount = next(m["mountPath"] for m in grader["volumeMounts"] if m["name"] == "course")
    assert [m["mountPath"] for m in init["volumeMounts"] if m["name"] == "course"] == [course_mount]
    assert grader["workingDir"].startswith(course_mount + "/")
