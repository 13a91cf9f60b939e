#!/usr/bin/env bash
# Install Incident Recorder from this checkout: the Debian packages Qt and screen capture need,
# a virtual environment in .venv, and the app itself. Safe to run again (it skips what is there).
#   ./install.sh          the app
#   ./install.sh --test   the app and what the test suite needs (Xvfb, xdotool, xterm, pytest…,
#                         strace and eatmydata for the fsync-order tests, the desktop-file and
#                         AppStream validators, binutils for the bundle, a real Alertmanager for
#                         the webhook tests, a PostgreSQL server and a Secret Service
#                         (gnome-keyring) for the team sync tests)
set -euo pipefail
cd "$(dirname "$0")"

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

packages=(libglib2.0-0 libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfreetype6 libfontconfig1
  libdbus-1-3 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
  libxcb-util1 libxcb-xfixes0 libxcb-xkb1 fonts-dejavu-core python3-venv)
# text recognition of captures: Tesseract's English data (the tesserocr wheel brings the library)
packages+=(tesseract-ocr-eng)
if [ "$want_tests" = 1 ]; then
  packages+=(xvfb xauth xdotool xterm scrot chromium prometheus-alertmanager)
  # the bare `tesseract` command: the baseline of benchmarks/bench_recognition.py
  packages+=(tesseract-ocr)
  # power loss: strace shows the WAL's fsync before each reply; eatmydata removes it (meta-test)
  packages+=(strace eatmydata)
  # packaging: validators of the desktop integration, the MIME database, PyInstaller's objcopy
  packages+=(desktop-file-utils appstream shared-mime-info binutils poppler-utils)
  # team sync: a private PostgreSQL cluster per test session (tests/sync/conftest.py)
  packages+=(postgresql)
  # team passwords in the system keyring: a private session bus and a real Secret Service
  # (gnome-keyring) per test (tests/sync/secret_service.py)
  packages+=(dbus-daemon gnome-keyring)
fi

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    # A fresh machine's unattended upgrades may hold the dpkg lock for a while: wait for it.
    apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
    $sudo "${apt[@]}" update -qq
    $sudo "${apt[@]}" install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
extra=""
lock=requirements/app.lock
[ "$want_tests" = 1 ] && extra="[test]" && lock=requirements/test.lock
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
# On Python 3.11 (what CI and the bundle use) the exact versions CI tested, from the lock file
# (make it again: requirements/README.md); elsewhere the ranges in pyproject.toml.
if .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  "${pip[@]}" -r "$lock"
  "${pip[@]}" --no-deps -e .
else
  "${pip[@]}" -e ".${extra}"
fi
echo "Installed: $(.venv/bin/incident-recorder --version) in $(pwd)/.venv"
