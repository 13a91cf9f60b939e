#!/usr/bin/env bash
# Build the one-folder bundle dist/incident-recorder/ with PyInstaller, from the repository root,
# with the project installed (./install.sh, or `pip install .` into the active environment):
#   packaging/build.sh
# Uses .venv/bin/python if there is one, else $PYTHON, else the python on PATH; installs the
# pinned PyInstaller into that environment if it is missing. Prints the bundle's size and files.
set -euo pipefail
cd "$(dirname "$0")/.."

PYINSTALLER_VERSION=6.22.3
if [ -n "${PYTHON:-}" ]; then
  python=$PYTHON
elif [ -x .venv/bin/python ]; then
  python=.venv/bin/python
else
  python=$(command -v python3 || command -v python)
fi

if ! "$python" -c "import incident_recorder, PySide6" 2>/dev/null; then
  echo "build: the project is not installed for $python: run ./install.sh first" >&2
  exit 1
fi
if [ "$(uname -s)" = Linux ] && ! command -v objcopy >/dev/null 2>&1; then
  echo "build: PyInstaller needs objdump and objcopy: install binutils (apt-get install binutils)" >&2
  exit 1
fi
if ! "$python" -m PyInstaller --version >/dev/null 2>&1; then
  echo "build: installing pyinstaller==$PYINSTALLER_VERSION into $("$python" -c 'import sys; print(sys.prefix)')"
  "$python" -m pip install -q --disable-pip-version-check "pyinstaller==$PYINSTALLER_VERSION"
fi

SECONDS=0
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/incident-recorder.spec
took=$SECONDS

bundle=dist/incident-recorder
binary=$bundle/incident-recorder
[ -f "$binary.exe" ] && binary=$binary.exe
if [ ! -x "$binary" ]; then
  echo "build: $binary was not produced" >&2
  exit 1
fi
size=$(du -sm "$bundle" | cut -f1)
files=$(find "$bundle" -type f | wc -l)
echo "Built $binary ($("$binary" --version)) in ${took} s: $size MiB, $files files"
