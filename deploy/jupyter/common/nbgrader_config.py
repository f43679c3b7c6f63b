# nbgrader on the hub, for every account (learners, instructors, the grader service).
c = get_config()  # noqa: F821
c.Exchange.root = "/srv/nbgrader/exchange"  # world-writable + sticky; not under /tmp (TLJH gives each user a private /tmp)
c.Exchange.path_includes_course = True  # the exchange holds <course>/ folders, so several courses can share it
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"  # course membership = hub groups
