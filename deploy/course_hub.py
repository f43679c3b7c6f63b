"""The course's JupyterHub configuration: one source for The Littlest JupyterHub and Zero to JupyterHub.

The block between the `hub-config` markers below is plain JupyterHub configuration code. It is copied verbatim
into the two files a host installs, each followed by a few lines for its platform:

    deploy/tljh/jupyterhub_config.d/<course>.py   ->  /opt/tljh/config/jupyterhub_config.d/ on a TLJH server
    deploy/z2jh/values.yaml (hub.extraConfig)     ->  helm upgrade --values for Zero to JupyterHub
    deploy/z2jh/grader.yaml                       ->  kubectl apply (the grader service's pod)

The course id comes from course.yml. After changing this file or the course id, run

    python deploy/course_hub.py          (writes both files; --check only reports whether they are up to date)

tests/test_deploy_config.py fails when a generated file is out of date, and loads both through JupyterHub's
config loader to check that they yield the same groups and roles.
"""

from __future__ import annotations

import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
TLJH_FILE = "tljh/jupyterhub_config.d/{course}.py"
Z2JH_FILE = "z2jh/values.yaml"

# >>> hub-config (everything down to the closing marker is copied into the generated files)
import os  # noqa: E402
import pathlib  # noqa: E402


def course_groups(course_id):
    """nbgrader's multi-course convention: its JupyterHub auth plugin reads these two prefixes."""
    return {"instructors": f"formgrade-{course_id}", "learners": f"nbgrader-{course_id}"}


def course_roles(course_id):
    """JupyterHub 5 roles granting each party only what nbgrader needs. Nobody here is a hub admin: on TLJH
    an admin also gets passwordless sudo. The grader service needs no hub scopes: it only serves formgrader to
    whoever holds access:services!service=<course>, and does not read groups (deploy/jupyter/grader/)."""
    g = course_groups(course_id)
    service = f"service={course_id}"
    return [
        {
            "name": f"{course_id}-instructor",
            "description": f"Open the {course_id} grader (formgrader) and see the course's learners",
            "groups": [g["instructors"]],
            "scopes": [
                f"access:services!{service}", "list:services", f"read:services!{service}",
                # The admin page, limited to learners of this course: see them, start or stop a stuck server
                # (servers, not admin:servers: no access to the servers' spawner state). No access:servers, so an
                # instructor cannot open a learner's files.
                "admin-ui", f"list:users!group={g['learners']}", f"read:users!group={g['learners']}",
                f"servers!group={g['learners']}",
            ],
        },
        {
            "name": f"{course_id}-learner",
            "description": f"Find the {course_id} course (the Assignments tab); nothing else",
            "groups": [g["learners"]],
            "scopes": ["list:services", f"read:services!{service}"],
        },
    ]


# What a single-user server's own token may do (intersected with what its user holds): report activity, and
# read its user's groups and the course service, which nbgrader's Assignments and Courses tabs ask the hub.
SERVER_TOKEN_SCOPES = ["users:activity!user", "access:servers!server", "read:users:name!user",
                       "read:users:groups!user", "list:services", "read:services"]


def read_roster(path):
    """{'instructors': [...], 'learners': [...]} from a roster file: one `instructor <name>` or `learner <name>`
    per line (hub user names, as people log in); blank lines and # comments ignored. No file: None."""
    path = pathlib.Path(path)
    if not path.exists():
        return None
    roster = {"instructors": [], "learners": []}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) != 2 or words[0] not in ("instructor", "learner"):
            raise ValueError(f"{path}:{number}: expected 'instructor <name>' or 'learner <name>', got {line!r}")
        roster[words[0] + "s"].append(words[1])
    return roster


def jupyter_config_path(config_dir, role):
    """JUPYTER_CONFIG_PATH for a role: its own folder, then the one all roles share (see deploy/jupyter/)."""
    return os.pathsep.join([os.path.join(config_dir, role), os.path.join(config_dir, "common")])


def _add(section, name, items):
    """Add to a list, set or dict setting without replacing what other config files put there. (TLJH loads each
    jupyterhub_config.d file into a fresh `c` and merges it: only traitlets' lazy append/update survive that.)"""
    current = section[name]
    if isinstance(items, list) or isinstance(current, list):
        current.extend(items)
    else:
        current.update(items)  # dict or set, lazy or not


def configure_course(c, course_id, *, config_dir, roster=None, service=None, spawner="Spawner"):
    """Add the course's groups, roles, grader service and per-role Jupyter configuration to the hub config `c`.

    roster: {'instructors': [...], 'learners': [...]} puts those people in the course groups (load_groups only
    adds; remove people in the admin page). None when the authenticator manages groups (LTI/OAuth group sync,
    Authenticator.manage_groups): JupyterHub then refuses load_groups, and membership of formgrade-<course> and
    nbgrader-<course> must come from the identity provider. The roles create both groups if missing.
    spawner: the class whose environment the platform already sets (a subclass's setting would win).
    """
    g = course_groups(course_id)
    _add(c.JupyterHub, "load_roles", course_roles(course_id))
    if roster is not None:
        _add(c.JupyterHub, "load_groups", {g["instructors"]: {"users": sorted(roster["instructors"])},
                                           g["learners"]: {"users": sorted(roster["learners"])}})
        _add(c.Authenticator, "allowed_users", set(roster["instructors"]) | set(roster["learners"]))
    if service is not None:
        _add(c.JupyterHub, "services", [service])
    c.Spawner.server_token_scopes = SERVER_TOKEN_SCOPES
    # nbgrader's instructor pieces (formgrader, create assignment, course list, the notebook toolbar's validate
    # button) are hidden unless the user's group says otherwise. Cosmetic only: the service's roles and file permissions are the real boundary.
    _add(c[spawner], "environment", {"JUPYTER_CONFIG_PATH": jupyter_config_path(config_dir, "learner")})
    _add(c.Spawner, "group_overrides", {f"50-{course_id}-instructor": {
        "groups": [g["instructors"]],
        "spawner_override": {"environment": {"JUPYTER_CONFIG_PATH": jupyter_config_path(config_dir, "instructor")}},
    }})
    return c
# <<< hub-config


def course_id(root: Path = ROOT) -> str:
    import yaml

    return yaml.safe_load((root / "course.yml").read_text(encoding="utf-8"))["course_id"]


def hub_block() -> str:
    text = Path(__file__).read_text(encoding="utf-8")
    start = text.index("# >>> hub-config")
    end = text.index("# <<< hub-config") + len("# <<< hub-config")
    return text[start:end] + "\n"


TLJH_TEMPLATE = '''"""JupyterHub configuration of the {course} course for The Littlest JupyterHub (TLJH).

GENERATED by deploy/course_hub.py from course.yml: edit that file, then run `python deploy/course_hub.py`.
Install: copy to /opt/tljh/config/jupyterhub_config.d/{course}.py, then `sudo tljh-config reload hub`.
Guide: deploy/tljh/README.md.
"""

import os

COURSE_ID = {course!r}  # the one place the course id is set; the grader service and groups follow from it
# Where things live on a TLJH server (the environment variables only let the repository's hub test move them).
USER_ENV = os.environ.get("EXOCOURSE_USER_ENV", "/opt/tljh/user")
COURSE_ETC = os.environ.get("EXOCOURSE_ETC", "/etc/exocourse")
GRADER_PORT = 9999  # the grader service listens on 127.0.0.1 only; the hub's proxy fronts it

{block}

grader_account = f"grader-{{COURSE_ID}}"
configure_course(
    c,  # noqa: F821 — provided by JupyterHub's config loader
    COURSE_ID,
    config_dir=os.path.join(COURSE_ETC, "jupyter"),
    roster=read_roster(os.path.join(COURSE_ETC, f"{{COURSE_ID}}-roster.txt")),
    service={{
        # nbgrader's multi-course pattern: formgrader runs in a single-user server of the Unix account
        # grader-<course>, as a hub-managed service named after the course id.
        "name": COURSE_ID,
        "url": f"http://127.0.0.1:{{GRADER_PORT}}",
        "command": [os.path.join(USER_ENV, "bin", "jupyterhub-singleuser")],
        "user": grader_account,
        "cwd": f"/home/{{grader_account}}/{{COURSE_ID}}",
        "oauth_no_confirm": True,
        "environment": {{
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            "PATH": f"{{USER_ENV}}/bin:/usr/local/bin:/usr/bin:/bin",
            "JUPYTER_CONFIG_PATH": jupyter_config_path(os.path.join(COURSE_ETC, "jupyter"), "grader"),
            # Credit-bearing grading: formgrader's Autograde runs with this environment, and refuses to grade
            # rather than fall back to running learner code outside the bubblewrap sandbox (guide step 2).
            "EXOCOURSE_SANDBOX": "1",
        }},
    }},
)
'''

Z2JH_EXTRA_CONFIG_TAIL = '''
import z2jh  # noqa: E402 — Zero to JupyterHub's helper, importable in the hub pod

COURSE_ID = {course!r}
_course = z2jh.get_config("custom.course", {{}}) or {{}}
configure_course(
    c,  # noqa: F821
    COURSE_ID,
    config_dir="/etc/exocourse/jupyter",  # mounted from singleuser.extraFiles
    roster=None if _course.get("groupsFromAuthenticator") else {{
        "instructors": _course.get("instructors") or [], "learners": _course.get("learners") or []}},
    spawner="KubeSpawner",  # singleuser.extraEnv sets KubeSpawner.environment
)
'''


def render_tljh(course: str) -> str:
    return TLJH_TEMPLATE.format(course=course, block=hub_block().rstrip("\n"))


def z2jh_extra_config(course: str) -> str:
    return hub_block() + Z2JH_EXTRA_CONFIG_TAIL.format(course=course)


def render_z2jh(course: str) -> str:
    """values.yaml: the hand-written template (deploy/z2jh/values.template.yaml) with the course id filled in
    and the shared block as hub.extraConfig."""
    template = (DEPLOY / "z2jh" / "values.template.yaml").read_text(encoding="utf-8")
    snippet = "\n".join(("      " + line) if line else "" for line in z2jh_extra_config(course).splitlines())
    per_role = {}
    # deploy/jupyter/, with deploy/z2jh/jupyter/ laid over it (Zero to JupyterHub has no nbgrader exchange).
    for base in (DEPLOY / "jupyter", DEPLOY / "z2jh" / "jupyter"):
        for path in sorted(p for p in base.rglob("*") if p.is_file() and p.suffix != ".md"):
            rel = path.relative_to(base).as_posix()
            if rel.split("/")[0] in ("common", "learner", "instructor"):
                per_role[rel] = path.read_text(encoding="utf-8")
    extra_files = []
    for rel, text in sorted(per_role.items()):
        key = "exocourse-" + rel.replace("/", "-").replace(".", "-").replace("_", "-").lower()
        body = "\n".join(("        " + line) if line else "" for line in text.rstrip("\n").splitlines())
        extra_files.append(f"    {key}:\n      mountPath: /etc/exocourse/jupyter/{rel}\n      stringData: |\n{body}")
    header = ("# GENERATED by deploy/course_hub.py from deploy/z2jh/values.template.yaml, course.yml and "
              "deploy/jupyter/.\n# Edit those, then run `python deploy/course_hub.py`. Guide: deploy/z2jh/README.md.\n")
    return header + template.replace("@COURSE@", course).replace("@EXTRA_CONFIG@", snippet).replace(
        "@EXTRA_FILES@", "\n".join(extra_files))


def render_grader(course: str) -> str:
    """grader.yaml: the grader pod, with the grader's and the shared Jupyter configuration and the homes
    exchange script in a ConfigMap mounted at /etc/exocourse."""
    files = {}
    for base in (DEPLOY / "jupyter", DEPLOY / "z2jh" / "jupyter"):
        for path in sorted(p for p in base.rglob("*") if p.is_file() and p.suffix != ".md"):
            rel = path.relative_to(base).as_posix()
            if rel.split("/")[0] in ("common", "grader"):
                files["jupyter/" + rel] = path.read_text(encoding="utf-8")
    files["homes_exchange.py"] = (DEPLOY / "z2jh" / "homes_exchange.py").read_text(encoding="utf-8")
    items, data = [], []
    for rel, text in sorted(files.items()):
        key = rel.replace("/", "--")
        items.append(f"              - key: {key}\n                path: {rel}")
        body = "\n".join(("    " + line) if line else "" for line in text.rstrip("\n").splitlines())
        data.append(f"  {key}: |\n{body}")
    template = (DEPLOY / "z2jh" / "grader.template.yaml").read_text(encoding="utf-8")
    return template.replace("@COURSE@", course).replace("@CONFIG_ITEMS@", "\n".join(items)).replace(
        "@CONFIG_DATA@", "\n".join(data))


def outputs(root: Path = ROOT) -> dict[Path, str]:
    course = course_id(root)
    return {DEPLOY / TLJH_FILE.format(course=course): render_tljh(course), DEPLOY / Z2JH_FILE: render_z2jh(course),
            DEPLOY / "z2jh" / "grader.yaml": render_grader(course)}


def main(argv: list[str]) -> int:
    stale = [path for path, text in outputs().items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run python deploy/course_hub.py)")
        return 1 if stale else 0
    for path, text in outputs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
