"""Tesseract 5 through tesserocr: a capture's encoded image in, its words out.

`Recogniser` keeps one Tesseract instance (loading the English model takes ~100 ms) and is used
from one thread or process at a time. `prepare` does what measurably helps on screens
(benchmarks/bench_recognition.py): grey, dark themes inverted to dark-on-light, and small text
scaled up so Tesseract's glyph height is near what it was trained on. Boxes are mapped back to
the capture's own pixels. Page segmentation is one uniform block (PSM 6): on the generated log
screens the default (PSM 3) split every `14:02:07` into three words (recall 0.886 against 0.997),
sparse text likewise, and dashboards read as well either way. `available()` says, without
raising, whether recognition can run here (the tesserocr wheel and Tesseract's English data),
and why not.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from incident_recorder.recognition.words import Box, Word

TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
"""Where Debian and others put Tesseract's language data (TESSDATA_PREFIX comes first)."""
LANGUAGE = "eng"
MIN_CONFIDENCE = 30.0
"""Below this confidence a "word" without a letter or digit is dropped (icons, borders). Words
with letters or digits are all kept: Tesseract gives random tokens — exactly what secrets look
like — low confidence (a GitHub token on a 4K terminal: 24–27), and a dropped one could not be
found or redacted."""
MAX_PIXELS = 3840 * 2160 * 2
"""Larger images are scaled down before recognition (a huge import would take minutes)."""


class RecognitionUnavailable(RuntimeError):
    """Recognition cannot run on this machine (the message says what is missing)."""


@dataclass(frozen=True, slots=True)
class Recognised:
    """The outcome of one recognition: words in capture pixels, the engine, the time taken."""

    words: list[Word]
    engine: str
    seconds: float


def tessdata_dir() -> Path | None:
    """The folder with Tesseract's English data, or None. TESSDATA_PREFIX, when set, is the
    only place looked in (as Tesseract itself does)."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    candidates = [prefix] if prefix else list(TESSDATA_DIRS)
    for folder in candidates:
        if (Path(folder) / f"{LANGUAGE}.traineddata").is_file():
            return Path(folder)
    return None


@cache
def unavailable_reason() -> str | None:
    """Why recognition cannot run here, or None if it can (checked once per process)."""
    try:
        import tesserocr  # noqa: F401
    except ImportError as error:
        return f"the tesserocr package cannot be loaded ({error})"
    if tessdata_dir() is None:
        return (
            "Tesseract's English data was not found (install the Debian package "
            "tesseract-ocr-eng, or set TESSDATA_PREFIX)"
        )
    return None


def available() -> bool:
    return unavailable_reason() is None


def _dark(grey: Any) -> bool:
    """Whether a grey image is mostly dark (a dark theme): its median is below the middle."""
    histogram = grey.histogram()
    half = sum(histogram) / 2
    seen = 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= half:
            return bool(level < 128)
    return False


def prepare(image: Any, scale: float) -> Any:
    """A grey, dark-on-light copy of a Pillow `image`, scaled by `scale`."""
    from PIL import Image, ImageOps

    grey = image.convert("L")
    if _dark(grey):
        grey = ImageOps.invert(grey)
    if scale != 1.0:
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    return grey


def _scale_for(width: int, height: int) -> float:
    """1.5× for screens up to 1920×1200 (100 % scaled UI text: recall 0.997 → 1.0 on the log
    screens, e.g. an AWS key read right), as is above (4K's text is already large), down for
    huge images."""
    pixels = width * height
    if pixels > MAX_PIXELS:
        return float((MAX_PIXELS / pixels) ** 0.5)
    if pixels <= 1920 * 1200:
        return 1.5
    return 1.0


class Recogniser:
    """One Tesseract instance; `recognise(png_bytes)` → Recognised. Close it when done."""

    def __init__(self, *, scale: float | None = None) -> None:
        reason = unavailable_reason()
        if reason is not None:
            raise RecognitionUnavailable(reason)
        import tesserocr

        folder = tessdata_dir()
        assert folder is not None  # unavailable_reason checked it
        self._api = tesserocr.PyTessBaseAPI(
            path=str(folder), lang=LANGUAGE, psm=tesserocr.PSM.SINGLE_BLOCK
        )
        self._scale = scale
        self.engine = f"tesseract {tesserocr.tesseract_version().split()[1]}"

    def close(self) -> None:
        self._api.End()

    def __enter__(self) -> Recogniser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def recognise(self, image_bytes: bytes) -> Recognised:
        """The words of an encoded image (PNG, JPEG, …); ValueError if it cannot be decoded."""
        from PIL import Image, UnidentifiedImageError

        started = time.perf_counter()
        try:
            with Image.open(io.BytesIO(image_bytes)) as image:
                image.load()
                scale = self._scale or _scale_for(image.width, image.height)
                prepared = prepare(image, scale)
        except (UnidentifiedImageError, OSError) as error:
            raise ValueError(f"the image cannot be read ({error})") from None
        self._api.SetImage(prepared)
        self._api.Recognize()
        words = list(self._words(scale))
        self._api.Clear()
        return Recognised(words, self.engine, time.perf_counter() - started)

    def _words(self, scale: float) -> Iterator[Word]:
        import tesserocr

        level = tesserocr.RIL.WORD
        iterator = self._api.GetIterator()
        if iterator is None:
            return
        line = -1
        for item in tesserocr.iterate_level(iterator, level):
            if item.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
                line += 1
            text = (item.GetUTF8Text(level) or "").strip()
            confidence = float(item.Confidence(level))
            box = item.BoundingBox(level)
            noise = confidence < MIN_CONFIDENCE and not any(c.isalnum() for c in text)
            if not text or noise or box is None:
                continue
            left, top, right, bottom = (round(v / scale) for v in box)
            yield Word(text, Box(left, top, right - left, bottom - top), confidence, max(line, 0))
