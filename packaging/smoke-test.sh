#!/usr/bin/env bash
# Smoke-test the built bundle (packaging/build.sh first): version, new/note/export from the
# shell, then the window on a real X display with a note typed by xdotool. Without a display it
# runs itself under Xvfb. Needs the project's Python (.venv, for python-xlib), xdotool, and
# xvfb-run when headless.
#   packaging/smoke-test.sh [BUNDLE_DIR]      (default dist/incident-recorder)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${PYTHON:-}" ]; then
  python=$PYTHON
elif [ -x .venv/bin/python ]; then
  python=.venv/bin/python
else
  python=$(command -v python3 || command -v python)
fi
if [ -z "${DISPLAY:-}" ]; then
  # a random first display number: parallel xvfb-run -a calls can race for the same one
  exec xvfb-run -a -n $((200 + RANDOM % 600)) -s "-screen 0 1920x1080x24" "$python" packaging/smoke_test.py "$@"
fi
exec "$python" packaging/smoke_test.py "$@"
