#!/usr/bin/env bash
# The README screenshots: the start window, the recorder mid-incident (the checkout-outage
# scenario imported through the CLI, a real capture of a dashboard, the milestone header, a note
# being typed) and the report window; light and dark, at 100 % on a 1920x1080 screen and at
# 200 % (QT_SCALE_FACTOR=2 on a 3840x2160 screen). Each set runs on its own Xvfb (xvfb-run);
# docs/screenshots/shoot.py drives the app. Writes docs/screenshots/{start,recorder,report}-
# {light,dark}[@2x].png, reduced to 256 colours with Pillow (and optipng when installed).
#   docs/screenshots/make.sh            (from the repository root, after ./install.sh --test)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
python="${PYTHON:-$root/.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"  # PYTHON=/path/to/venv/bin/python overrides
out="$root/docs/screenshots"
command -v xvfb-run >/dev/null || { echo "make.sh: needs xvfb-run (Debian package xvfb)" >&2; exit 1; }

for theme in light dark; do
  for scale in 1 2; do
    if [ "$scale" = 1 ]; then screen=1920x1080x24; suffix=$theme; else screen=3840x2160x24; suffix="$theme@2x"; fi
    xvfb-run -a -s "-screen 0 $screen" env QT_SCALE_FACTOR="$scale" \
      INCIDENT_RECORDER_THEME="$theme" PYTHONPATH="$root/src${PYTHONPATH:+:$PYTHONPATH}" \
      "$python" "$out/shoot.py" "$out" "$suffix"
  done
done

shots=("$out"/start-*.png "$out"/recorder-*.png "$out"/report-*.png)
# 256 colours without dithering: flat UI colours and anti-aliased text survive it unchanged to
# the eye, at a third of the size; then optipng when installed.
"$python" - "${shots[@]}" <<'PY'
import sys
from PIL import Image
for name in sys.argv[1:]:
    image = Image.open(name).convert("RGB")
    image.quantize(256, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(name, optimize=True)
PY
if command -v optipng >/dev/null 2>&1; then
  optipng -quiet -o2 "${shots[@]}"
fi
du -ch "${shots[@]}" | tail -1
