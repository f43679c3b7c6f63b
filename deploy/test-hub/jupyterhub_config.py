"""A TLJH-like hub for tests/test_hub.py: the course's real TLJH configuration plus what TLJH itself would
provide, on 127.0.0.1. Not for production (shared-password login).

TLJH cannot be installed here, so this file stands in for TLJH's own jupyterhub_config.py: one Unix account per
hub user, named jupyter-<name> as TLJH names them, servers started as that account (LocalProcessSpawner instead
of TLJH's SystemdSpawner), and configurable-http-proxy instead of TLJH's Traefik. Settings come from
environment variables that tests/test_hub.py sets.
"""

import os
import pwd

from jupyterhub.spawner import LocalProcessSpawner

c = get_config()  # noqa: F821
env = os.environ
USER_ENV = env["EXOCOURSE_USER_ENV"]

# The course's configuration, exactly as a TLJH server loads it from /opt/tljh/config/jupyterhub_config.d/.
load_subconfig(env["EXOCOURSE_COURSE_CONFIG"])  # noqa: F821


class TLJHLikeSpawner(LocalProcessSpawner):
    """Runs hub user <name> as Unix account jupyter-<name>, as TLJH does (accounts made by the test)."""

    def unix_name(self):
        return "jupyter-" + self.user.name

    def make_preexec_fn(self, name):
        return super().make_preexec_fn(self.unix_name())

    def user_env(self, env):
        account = pwd.getpwnam(self.unix_name())
        env.update(USER=account.pw_name, HOME=account.pw_dir, SHELL=account.pw_shell)
        return env


c.JupyterHub.spawner_class = TLJHLikeSpawner
c.Spawner.cmd = [os.path.join(USER_ENV, "bin", "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment.update({"PATH": f"{USER_ENV}/bin:/usr/local/bin:/usr/bin:/bin"})
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# A shared password generated per run: the test is about authorisation (roles, groups, Unix permissions).
c.JupyterHub.authenticator_class = "jupyterhub.authenticators.shared.SharedPasswordAuthenticator"
c.SharedPasswordAuthenticator.user_password = env["EXOCOURSE_HUB_PASSWORD"]

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(env["EXOCOURSE_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["EXOCOURSE_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['EXOCOURSE_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [env["EXOCOURSE_CHP"]]
c.JupyterHub.db_url = f"sqlite:///{env['EXOCOURSE_HUB_STATE']}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{env['EXOCOURSE_HUB_STATE']}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{env['EXOCOURSE_HUB_STATE']}/jupyterhub.pid"
# The grader service listens on a free port of this run rather than TLJH's fixed one. (The course file added
# it lazily, as a TLJH jupyterhub_config.d file must; resolve the list to change it.)
services = c.JupyterHub.services.get_value([])
for service in services:
    if service.get("command"):
        service["url"] = f"http://127.0.0.1:{env['EXOCOURSE_GRADER_PORT']}"
c.JupyterHub.services = services

# The test's driver: a service that can only create tokens for users and start or stop their servers.
c.JupyterHub.services.append({"name": "exo-test-driver", "api_token": env["EXOCOURSE_DRIVER_TOKEN"]})
c.JupyterHub.load_roles.append({"name": "exo-test-driver", "services": ["exo-test-driver"],
                                "scopes": ["tokens", "admin:servers", "list:users", "read:users"]})
