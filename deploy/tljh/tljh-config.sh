#!/usr/bin/env bash
# The tljh-config settings the course needs on a TLJH 2.x server. Run once as root (sudo bash tljh-config.sh),
# after TLJH is installed; deploy/tljh/README.md explains each step around it.
set -euo pipefail
# Each learner's server: the lessons' interactive figures fit comfortably in 2 GB and one core.
tljh-config set limits.memory 2G
tljh-config set limits.cpu 1
# Stop servers idle for an hour (their files stay), checking every 10 minutes.
tljh-config set services.cull.timeout 3600
tljh-config set services.cull.every 600
# Open JupyterLab (nbgrader's Assignments tab lives there).
tljh-config set user_environment.default_app jupyterlab
# HTTPS with Let's Encrypt: CHANGE the e-mail and domain, or remove these three lines if you terminate TLS elsewhere.
tljh-config set https.enabled true
tljh-config set https.letsencrypt.email it@example.org
tljh-config add-item https.letsencrypt.domains hub.example.org
# The roster does NOT limit logins under TLJH's default authenticator: see README step 0b.
# Instructors are NOT listed in users.admin: TLJH gives admins passwordless sudo. Keep users.admin for IT staff.
tljh-config reload proxy
tljh-config reload hub
