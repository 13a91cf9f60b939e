#!/usr/bin/env bash
# Screenshot of the recorder window mid-incident, for the README: the checkout-outage scenario
# (../shared/scenarios/checkout-outage.csv) recorded through the CLI, a capture of a dashboard
# taken with Ctrl+Alt+S, a note being typed. Runs on its own Xvfb; writes docs/screenshots/*.png.
#   docs/screenshots/make.sh            (from the repository root, after ./install.sh --test)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
bin="$root/.venv/bin"
[ -x "$bin/incident-recorder" ] || bin="$(dirname "$(command -v incident-recorder)")"
scenario="$root/tests/data/checkout-outage.csv"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1920x1080x24 >/dev/null 2>&1 &
sleep 1

# The scenario's own clock: impact at 14:00 UTC, the window looked at 31 minutes later. With
# faketime (Debian package faketime) the app's clock matches the story; without it, now.
day=$(date -u +%Y-%m-%d)
if command -v faketime >/dev/null 2>&1; then
  clock=(env TZ=UTC faketime "$day 14:31:10")
  start=$(date -u -d "$day 14:00:00" +%s)
else
  clock=(env)
  start=$(date -u -d "-31 minutes" +%s)
fi
file="$work/checkout-outage.incident"
"${clock[@]}" "$bin/incident-recorder" new "$file" --title "Checkout API errors after config push" >/dev/null
# offset_s,kind,milestone,visibility,text
"${clock[@]}" "$bin/python" - "$scenario" "$file" "$start" <<'PY'
import csv, subprocess, sys
from datetime import datetime, timezone
scenario, path, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
kinds = {"mitigation": "action"}  # milestones and the mitigation kind arrive in a later release
for row in csv.DictReader(open(scenario, encoding="utf-8")):
    when = datetime.fromtimestamp(start + int(row["offset_s"]), timezone.utc).isoformat()
    kind = kinds.get(row["kind"], row["kind"])
    subprocess.run([sys.executable, "-m", "incident_recorder", "note", path, row["text"],
                    "--kind", kind, "--at", when], check=True, stdout=subprocess.DEVNULL)
PY

# a "dashboard" on screen to capture: a dark terminal showing error rates
xterm -geometry 110x30+1100+80 -bg '#111827' -fg '#f87171' -T "Grafana - checkout-api" \
  -e "bash -c 'for i in \$(seq 1 40); do echo \"checkout-api 5xx rate: \$((RANDOM % 20 + 5))%   p99 9.8 s   db conns 500/500\"; done; sleep 60'" &
sleep 1

"${clock[@]}" "$bin/incident-recorder" "$file" >/dev/null 2>&1 &
win=$(xdotool search --sync --onlyvisible --name "Checkout API errors")
dash=$(xdotool search --name "Grafana - checkout-api" | head -1)
xdotool mousemove 1500 300   # the capture takes the monitor under the pointer
xdotool windowfocus --sync "$dash"   # the dashboard has the focus, as it would mid-incident
sleep 1
xdotool key ctrl+alt+s               # global: captured without leaving the dashboard
sleep 1.5
xdotool key ctrl+alt+n               # the recorder comes forward, the note stamped now
sleep 0.5
xdotool key ctrl+3
xdotool type --delay 20 "About 2,300 checkouts failed with 5xx between 14:00 and 14:12 UTC"
sleep 0.5
import -window "$win" "$root/docs/screenshots/recorder.png"
echo "wrote docs/screenshots/recorder.png"
