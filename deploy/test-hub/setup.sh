#!/usr/bin/env bash
# Install what tests/test_hub.py needs on a fresh machine: a hub + user environment under /opt built from
# /usr/bin/python3.11 (the default Python lives under /root, which the test's Unix accounts cannot enter),
# pinned JupyterHub 5.x, the course's runtime requirements (nbgitpuller included) and the helper package
# (non-editable), and a pinned configurable-http-proxy from npm. Idempotent: a stamp skips the slow part when
# nothing changed.
#   deploy/test-hub/setup.sh            (as root; .ci/run calls it before `make test`)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
PREFIX="${EXOCOURSE_HUB_PREFIX:-/opt/exocourse-hub}"
PYTHON="${EXOCOURSE_HUB_PYTHON:-/usr/bin/python3.11}"
JUPYTERHUB_PIN="jupyterhub==5.5.4"        # TLJH pins jupyterhub>=5.2,<6; Z2JH 4.x ships 5.x
CHP_PIN="configurable-http-proxy@4.6.3"   # runs on Debian's node 18 as well as node 20
export PIP_DISABLE_PIP_VERSION_CHECK=1
umask 022  # everything under $PREFIX must be readable by the test's Unix accounts

missing=()
[ -x "$PYTHON" ] || missing+=(python3.11 python3.11-venv)
"$PYTHON" -c 'import ensurepip' 2>/dev/null || missing+=(python3.11-venv)
command -v npm >/dev/null || missing+=(nodejs npm)
command -v git >/dev/null || missing+=(git)
command -v useradd >/dev/null || missing+=(passwd)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Requirements of the course minus its editable self-install (`-e .` would point into this checkout).
reqs="$(grep -v '^-e ' "$REPO/requirements.txt")"
stamp="$(printf '%s\n%s\n%s\n%s\n' "$JUPYTERHUB_PIN" "$CHP_PIN" "$reqs" "$("$PYTHON" -V)" \
  | sha256sum | cut -c1-16)"
if [ "$(cat "$PREFIX/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$PREFIX"
  "$PYTHON" -m venv "$PREFIX"
  "$PREFIX/bin/python" -m pip install --quiet --upgrade pip
  printf '%s\n' "$reqs" > "$PREFIX/requirements-course.txt"
  "$PREFIX/bin/python" -m pip install --quiet "$JUPYTERHUB_PIN" -r "$PREFIX/requirements-course.txt"
  npm install --silent --no-audit --no-fund --prefix "$PREFIX/chp" "$CHP_PIN" >/dev/null
  echo "$stamp" > "$PREFIX/.stamp"
fi
# The helper package changes often: reinstall it every time (non-editable, a few seconds), built from a scratch
# copy so that the build leaves nothing in the checkout.
src="$(mktemp -d)"
trap 'rm -rf "$src"' EXIT
cp -r "$REPO/pyproject.toml" "$REPO/README.md" "$REPO/exocourse" "$src/"
"$PREFIX/bin/python" -m pip install --quiet --no-deps --force-reinstall "$src"
# The grading kernel specs go into the environment now, as root: the grader account cannot write there.
"$PREFIX/bin/python" -c 'from exocourse.grading import sandbox; sandbox.install_kernelspecs()'
"$PREFIX/bin/jupyterhub" --version
"$PREFIX/chp/node_modules/.bin/configurable-http-proxy" --version
