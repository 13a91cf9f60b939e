#!/usr/bin/env bash
# Install (first time only) and start Incident Recorder. Arguments go to `incident-recorder`,
# e.g. ./run.sh                      the start window
#      ./run.sh checkout.incident    the recorder window for that file
# On a machine without a display the window is started on a virtual one (Xvfb), so the app runs;
# you then record from the shell (`./run.sh note FILE TEXT`); Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/incident-recorder ]; then
  ./install.sh
fi
case "${1:-}" in
  new|note|capture|export|milestone|review|serve|import|merge|copy|status-page|recognise|search|findings|team|share|join|sync|-h|--help|--version)
    exec .venv/bin/incident-recorder "$@" ;;
esac
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  if ! command -v Xvfb >/dev/null 2>&1; then
    ./install.sh --test >/dev/null
  fi
  echo "No display found: Incident Recorder runs on a virtual X display (Xvfb) until Ctrl+C." >&2
  echo "Record into it from another shell: ./run.sh note FILE \"what you see\" (./run.sh --help)." >&2
  # Xvfb in a session of its own, so Ctrl+C reaches the app alone (an X server quits on SIGINT
  # at once, and the app would lose its display mid-close); it is stopped once the app is done.
  number_file=$(mktemp)
  setsid Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>"$number_file" 2>/dev/null &
  xvfb=$!
  trap 'kill "$xvfb" 2>/dev/null; rm -f "$number_file"' EXIT
  for _ in $(seq 100); do [ -s "$number_file" ] && break; sleep 0.05; done
  [ -s "$number_file" ] || { echo "run.sh: the virtual display (Xvfb) did not start" >&2; exit 1; }
  status=0
  DISPLAY=":$(tr -dc 0-9 <"$number_file")" .venv/bin/incident-recorder "$@" || status=$?
  exit "$status"
fi
exec .venv/bin/incident-recorder "$@"
