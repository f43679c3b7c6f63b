# The grader service is not a hub user, so it must not ask the hub for its own groups (nbgrader's JupyterHub
# auth plugin would get 404 for /users/grader-<course>). Enrolment comes from the roster or the identity
# provider; formgrader's "Add student" then only adds the learner to the gradebook.
c = get_config()  # noqa: F821
c.Authenticator.plugin_class = "nbgrader.auth.NoAuthPlugin"
