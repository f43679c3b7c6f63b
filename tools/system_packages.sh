#!/usr/bin/env bash
# `make test` runs this first: the system packages the tests need besides Python's.
#   bubblewrap  sandboxes the grading kernel (the hostile-class tests grade in it)
#   chromium    Debian's browser, driven by Playwright in the browser and accessibility tests
# Installs what is missing with apt-get (as root, or with sudo when it needs no password); otherwise stops with one
# message: what is missing, the command that installs it, and the variables that skip those tests knowingly.
set -u
missing=()
if [ "${EXOCOURSE_SKIP_SANDBOX:-}" != 1 ] || [ "${CI:-}" = true ]; then
  command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
fi
if [ "${EXOCOURSE_SKIP_BROWSER:-}" != 1 ] || [ "${CI:-}" = true ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n)
  else sudo=(none)
  fi
  if [ "${sudo[*]-}" != none ]; then
    echo "Installing the system packages the tests need: ${missing[*]} (apt-get; once) …"
    if "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
       "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
      exit 0
    fi
    echo "apt-get could not install them." >&2
  fi
fi
cat >&2 <<MESSAGE
error: the tests need system packages that are not installed: ${missing[*]}
  Install them (Debian/Ubuntu):  sudo apt-get install ${missing[*]}
  Or skip those tests knowingly:
    EXOCOURSE_SKIP_SANDBOX=1  skips the tests that grade in the bubblewrap sandbox (macOS has no bubblewrap)
    EXOCOURSE_SKIP_BROWSER=1  skips the browser and accessibility tests (they drive /usr/bin/chromium)
  for example:  make test EXOCOURSE_SKIP_SANDBOX=1 EXOCOURSE_SKIP_BROWSER=1
  (CI never skips them.)
MESSAGE
exit 1
