"""Render the app icon's PNGs for the hicolor theme from the SVG source (QtSvg, offscreen).

    python packaging/icons.py            # writes resources/icons/hicolor/<n>x<n>/apps/*.png

The PNGs are committed (the .desktop file, AppStream and the Windows/macOS icons use them), so
this runs only when resources/icons/incident-recorder.svg changes. `--check` renders into memory
and exits 1 if a committed PNG is missing or has the wrong size.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "incident-recorder.svg"
THEME = ROOT / "resources" / "icons" / "hicolor"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
APP_ID = "io.github.incident_recorder.IncidentRecorder"
NAME = f"{APP_ID}.png"  # the themed icon is named after the app id, like the .desktop file


def png_path(size: int, theme: Path = THEME) -> Path:
    return theme / f"{size}x{size}" / "apps" / NAME


def render(svg: Path = SVG, theme: Path = THEME, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    """Write one PNG a size (transparent background, antialiased); the paths written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"icons: {svg} is not a valid SVG")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        target = png_path(size, theme)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"icons: could not write {target}")
        written.append(target)
    return written


def check(theme: Path = THEME) -> list[str]:
    """What is wrong with the committed PNGs (missing, wrong size), one line each."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QImage

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    problems = []
    for size in SIZES:
        path = png_path(size, theme)
        image = QImage(str(path))
        if image.isNull():
            problems.append(f"{path}: missing or not a PNG")
        elif (image.width(), image.height()) != (size, size):
            problems.append(f"{path}: {image.width()}x{image.height()}, expected {size}x{size}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the committed PNGs only")
    args = parser.parse_args()
    if args.check:
        problems = check()
        print("\n".join(problems) or f"icons: {len(SIZES)} sizes present")
        return 1 if problems else 0
    for path in render():
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
