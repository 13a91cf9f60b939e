#!/usr/bin/env bash
# Install the Linux desktop integration for the current user: the .desktop launcher, the MIME
# type of incident files (so a double-click opens them) and the hicolor icons, under
# ${XDG_DATA_HOME:-~/.local/share}. Then refreshes the MIME and desktop databases if the tools
# are there (shared-mime-info, desktop-file-utils).
#   packaging/install-desktop.sh [BINARY]
# BINARY: the incident-recorder to launch (default: the built bundle dist/incident-recorder/
# if there is one, else `incident-recorder` on PATH, e.g. from pipx). It goes into Exec= as an
# absolute path, so the launcher works even where ~/.local/bin is not on the desktop's PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
ID=io.github.incident_recorder.IncidentRecorder
data=${XDG_DATA_HOME:-$HOME/.local/share}

binary=${1:-}
if [ -z "$binary" ]; then
  if [ -x dist/incident-recorder/incident-recorder ]; then
    binary=dist/incident-recorder/incident-recorder
  else
    binary=$(command -v incident-recorder || true)
  fi
fi
if [ -z "$binary" ] || [ ! -x "$binary" ]; then
  echo "install-desktop: no incident-recorder to launch: build it (packaging/build.sh)," \
    "install it (pipx install .), or pass its path" >&2
  exit 1
fi
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")

mkdir -p "$data/applications" "$data/mime/packages" "$data/metainfo"
sed -e "s|^Exec=incident-recorder |Exec=\"$binary\" |" -e "s|^TryExec=.*|TryExec=$binary|" \
  "resources/linux/$ID.desktop" >"$data/applications/$ID.desktop"
cp "resources/linux/$ID.mime.xml" "$data/mime/packages/$ID.xml"
cp "resources/linux/$ID.metainfo.xml" "$data/metainfo/$ID.metainfo.xml"
for dir in resources/icons/hicolor/*/apps; do
  size=$(basename "$(dirname "$dir")")
  mkdir -p "$data/icons/hicolor/$size/apps"
  cp "$dir/$ID.png" "$data/icons/hicolor/$size/apps/$ID.png"
done
mkdir -p "$data/icons/hicolor/scalable/apps"
cp resources/icons/incident-recorder.svg "$data/icons/hicolor/scalable/apps/$ID.svg"

if command -v update-mime-database >/dev/null 2>&1; then
  update-mime-database "$data/mime"
fi
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$data/applications"
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$data/icons/hicolor/index.theme" ]; then
  gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
fi
echo "Installed $ID for $binary into $data"
