"""Decoding image bytes from an incident file into a QImage, refusing what declares too much.

The size is read from the header first (domain/image_bytes.size_problem, then Qt's own
QImageReader.size(), which reads only the header too); an image above the cap for its use is
refused with a one-line reason and never decoded. Only PNG and JPEG are decoded, each by its
own handler (never a format guessed from the bytes). Safe on a worker thread (QImage only).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QImageReader

from incident_recorder.domain.image_bytes import MAX_PIXELS, image_kind, image_size, size_problem


def decode_image(data: bytes, max_pixels: int = MAX_PIXELS) -> tuple[QImage, str | None]:
    """(the image, None), or (a null image, why it was not decoded)."""
    problem = size_problem(data, max_pixels)
    if problem is not None:
        return QImage(), problem
    kind = image_kind(data)
    assert kind is not None  # size_problem refuses anything else
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, kind.encode())
    reader.setDecideFormatFromContent(False)
    size = reader.size()
    declared = image_size(data)
    if not size.isValid() or (size.width(), size.height()) != declared:
        return QImage(), f"a damaged {kind.upper()} image (its header cannot be read)"
    image = reader.read()
    if image.isNull():
        return image, f"a damaged {kind.upper()} image ({reader.errorString()})"
    return image, None
