#!/usr/bin/env bash
# Install (first time only) and start Incident Recorder. Arguments go to `incident-recorder`,
# e.g. ./run.sh                      the start window
#      ./run.sh checkout.incident    the recorder window for that file
# On a machine without a display the window is started on a virtual one (Xvfb), so the app runs;
# you then record from the shell (`incident-recorder note FILE TEXT`).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/incident-recorder ]; then
  ./install.sh
fi
case "${1:-}" in
  new|note|capture|export|milestone|review|serve|import|merge|status-page|-h|--help|--version)
    exec .venv/bin/incident-recorder "$@" ;;
esac
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  if ! command -v xvfb-run >/dev/null 2>&1; then
    ./install.sh --test >/dev/null
  fi
  echo "No display found: starting Incident Recorder on a virtual X display (Xvfb)." >&2
  exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/incident-recorder "$@"
fi
exec .venv/bin/incident-recorder "$@"
