"""Generated screens with known text, for benchmarks/bench_recognition.py.

Each `Screen` is a PNG drawn with Pillow and DejaVu fonts (Debian's fonts-dejavu-core) and the
words drawn on it: terminal and log lines, a Grafana-like dashboard, a table; light and dark
themes; 100 % and 200 % scaling; 1080p and 4K. Some carry planted secrets and e-mail addresses
(`planted`: the finding kinds that must be caught). The text is random but seeded: every run
draws the same screens.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
THEMES = {"light": ((250, 250, 250), (30, 30, 30)), "dark": ((24, 26, 33), (215, 218, 224))}
VOCABULARY = tuple(
    [
        "pool",
        "exhausted",
        "connection",
        "timeout",
        "upstream",
        "checkout",
        "payment",
        "gateway",
        "retry",
        "backoff",
        "replica",
        "lag",
        "primary",
        "failover",
        "queue",
        "depth",
        "consumer",
        "worker",
        "latency",
        "request",
        "error",
        "service",
        "degraded",
        "healthy",
        "restart",
        "deploy",
        "rollback",
        "cache",
        "miss",
        "database",
        "orders",
        "api",
        "cluster",
        "node",
        "memory",
        "pressure",
        "disk",
        "usage",
        "throttled",
        "circuit",
        "breaker",
        "open",
        "closed",
    ]
)
SECRETS = {
    "aws_key": "AKIAIOSFODNN7EXAMPLE",
    "github_token": "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "email": "jane.doe@example.com",
}


@dataclass
class Screen:
    name: str
    png: bytes
    words: list[str]
    planted: list[str] = field(default_factory=list)


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _line(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(count))


def _log_lines(rng: random.Random, n: int, planted: list[str]) -> list[str]:
    lines = []
    for i in range(n):
        stamp = f"14:{i % 60:02d}:{rng.randrange(60):02d}"
        lines.append(f"{stamp} {rng.choice(['INFO', 'WARN', 'ERROR'])} {_line(rng, 7)}")
    for offset, kind in enumerate(planted):
        value = SECRETS[kind]
        text = f"aws_access_key_id = {value}" if kind == "aws_key" else f"notify {value} now"
        if kind == "github_token":
            text = f"export GITHUB_TOKEN={value}"
        lines[3 + 5 * offset] = f"14:00:0{offset} WARN {text}"
    return lines


def _render(width: int, height: int, theme: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    background, _ = THEMES[theme]
    image = Image.new("RGB", (width, height), background)
    return image, ImageDraw.Draw(image)


def terminal(width: int, height: int, theme: str, scale: int, planted: list[str]) -> Screen:
    rng = random.Random(f"terminal{width}{theme}{scale}{planted}")
    image, draw = _render(width, height, theme)
    size = 14 * scale
    font = _font(MONO, size)
    rows = min(40, (height - 20 * scale) // (size + 6 * scale))
    lines = _log_lines(rng, rows, planted)
    for i, line in enumerate(lines):
        draw.text(
            (10 * scale, 10 * scale + i * (size + 6 * scale)),
            line,
            font=font,
            fill=THEMES[theme][1],
        )
    words = [w for line in lines for w in line.split()]
    return Screen(f"terminal-{width}p-{theme}-{scale}00%", _png(image), words, list(planted))


def dashboard(width: int, height: int, theme: str, scale: int) -> Screen:
    rng = random.Random(f"dash{width}{theme}{scale}")
    image, draw = _render(width, height, theme)
    title, body = _font(SANS, 16 * scale), _font(SANS, 28 * scale)
    words: list[str] = []
    cols, rows = 4, 3
    pw, ph = width // cols, (height - 60 * scale) // rows
    grid = (90, 90, 90) if theme == "dark" else (200, 200, 200)
    for r in range(rows):
        for c in range(cols):
            x, y = c * pw + 8 * scale, 60 * scale + r * ph + 8 * scale
            draw.rectangle((x, y, x + pw - 16 * scale, y + ph - 16 * scale), outline=grid)
            name = f"{rng.choice(VOCABULARY)} {rng.choice(VOCABULARY)}"
            value = f"{rng.randrange(1, 999)}ms"
            draw.text((x + 10 * scale, y + 10 * scale), name, font=title, fill=THEMES[theme][1])
            draw.text((x + 10 * scale, y + 40 * scale), value, font=body, fill=THEMES[theme][1])
            points = [
                (
                    x + 10 * scale + i * (pw - 40 * scale) // 20,
                    y + ph - 40 * scale - rng.randrange(ph // 3),
                )
                for i in range(21)
            ]
            draw.line(points, fill=(80, 160, 240), width=2 * scale)
            words += [*name.split(), value]
    header = "Checkout overview last 6 hours"
    draw.text((10 * scale, 16 * scale), header, font=title, fill=THEMES[theme][1])
    return Screen(f"dashboard-{width}p-{theme}-{scale}00%", _png(image), header.split() + words)


def table(width: int, height: int, theme: str, scale: int, planted: list[str]) -> Screen:
    rng = random.Random(f"table{width}{theme}{scale}")
    image, draw = _render(width, height, theme)
    font = _font(SANS, 15 * scale)
    headers = ["service", "owner", "status", "latency"]
    rows = [headers] + [
        [
            rng.choice(VOCABULARY),
            f"{rng.choice(VOCABULARY)}-team",
            rng.choice(["ok", "degraded"]),
            f"{rng.randrange(10, 900)}ms",
        ]
        for _ in range(18)
    ]
    for offset, kind in enumerate(planted):
        rows[2 + 3 * offset][1] = SECRETS[kind]
    colw = (width - 40 * scale) // len(headers)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            draw.text(
                (20 * scale + j * colw, 20 * scale + i * 30 * scale),
                cell,
                font=font,
                fill=THEMES[theme][1],
            )
    words = [cell for row in rows for cell in row]
    return Screen(f"table-{width}p-{theme}-{scale}00%", _png(image), words, list(planted))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def all_screens(quick: bool = False) -> list[Screen]:
    """The benchmark's screens (`quick`: 1080p only)."""
    screens: list[Screen] = []
    sizes = [(1920, 1080, 1)] if quick else [(1920, 1080, 1), (3840, 2160, 2), (3840, 2160, 1)]
    for width, height, scale in sizes:
        for theme in THEMES:
            planted = ["aws_key", "email"] if theme == "dark" else ["github_token", "email"]
            screens.append(terminal(width, height, theme, scale, planted))
            screens.append(dashboard(width, height, theme, scale))
            screens.append(table(width, height, theme, scale, ["email"] if scale == 1 else []))
    return screens
