"""Linux desktop integration (resources/linux/, resources/icons/hicolor/): the launcher and the
AppStream metainfo pass the freedesktop validators, the MIME type's magic matches what the
storage writes into every incident file, and packaging/install-desktop.sh installs it all for
one user so that an incident file is recognised and opens in the app."""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from incident_recorder import __version__
from incident_recorder.app import DESKTOP_ID
from incident_recorder.storage import IncidentFile
from incident_recorder.storage.schema import APPLICATION_ID

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "resources" / "linux"
DESKTOP = LINUX / f"{DESKTOP_ID}.desktop"
METAINFO = LINUX / f"{DESKTOP_ID}.metainfo.xml"
MIME = LINUX / f"{DESKTOP_ID}.mime.xml"
MIME_TYPE = "application/x-incident-recorder"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (./install.sh --test installs it)")
    return found


def desktop_entry(path: Path = DESKTOP) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_passes_desktop_file_validate() -> None:
    done = subprocess.run(
        [tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_metainfo_passes_appstreamcli_validate() -> None:
    done = subprocess.run(
        [tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_launcher_metainfo_mime_and_icons_name_the_same_app() -> None:
    entry = desktop_entry()
    assert entry["Exec"] == "incident-recorder %f"
    assert entry["Icon"] == DESKTOP_ID
    assert entry["MimeType"] == f"{MIME_TYPE};"
    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == DESKTOP_ID
    assert component.findtext("launchable") == DESKTOP.name
    assert component.findtext("provides/binary") == "incident-recorder"
    assert component.findtext("provides/mediatype") == MIME_TYPE
    newest = component.find("releases/release")
    assert newest is not None and newest.get("version") == __version__, (
        "add a <release> for the package's version to the metainfo"
    )
    mime = ET.parse(MIME).getroot().find(f"{MIME_NS}mime-type")
    assert mime is not None and mime.get("type") == MIME_TYPE
    assert mime.find(f"{MIME_NS}glob").get("pattern") == "*.incident"  # type: ignore[union-attr]
    for size in SIZES:
        png = ROOT / "resources/icons/hicolor" / f"{size}x{size}/apps/{DESKTOP_ID}.png"
        with Image.open(png) as image:
            assert image.size == (size, size) and image.mode == "RGBA", png


def test_mime_magic_matches_the_header_of_a_real_incident_file(tmp_path: Path) -> None:
    path = tmp_path / "renamed.db"
    IncidentFile.create(path, "Checkout outage").close()
    header = path.read_bytes()[:72]
    mime = ET.parse(MIME).getroot().find(f"{MIME_NS}mime-type")
    outer = mime.find(f"{MIME_NS}magic/{MIME_NS}match")  # type: ignore[union-attr]
    assert outer is not None and outer.get("type") == "string"
    prefix = outer.get("value", "").replace("\\000", "\0").encode()
    assert header[int(outer.get("offset", "-1")) :].startswith(prefix)
    inner = outer.find(f"{MIME_NS}match")
    assert inner is not None and inner.get("type") == "big32"
    offset = int(inner.get("offset", "-1"))
    assert int(inner.get("value", ""), 16) == APPLICATION_ID
    assert struct.unpack(">I", header[offset : offset + 4])[0] == APPLICATION_ID


def installed_binary() -> Path:
    script = Path(sys.executable).parent / "incident-recorder"
    if not script.is_file():
        pytest.skip("the incident-recorder script is not installed beside this python")
    return script


def test_install_desktop_registers_the_launcher_type_and_icons_for_one_user(
    tmp_path: Path,
) -> None:
    data = tmp_path / "share"
    binary = installed_binary()
    env = {**os.environ, "XDG_DATA_HOME": str(data)}
    done = subprocess.run(
        ["bash", str(ROOT / "packaging/install-desktop.sh"), str(binary)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    launcher = data / "applications" / DESKTOP.name
    assert desktop_entry(launcher)["Exec"] == f'"{binary}" %f'
    assert (data / "mime/packages" / f"{DESKTOP_ID}.xml").read_bytes() == MIME.read_bytes()
    for size in SIZES:
        assert (data / f"icons/hicolor/{size}x{size}/apps/{DESKTOP_ID}.png").is_file()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(launcher)], capture_output=True)
        assert check.returncode == 0, check.stdout
    if not shutil.which("update-mime-database"):
        pytest.skip("update-mime-database (shared-mime-info) is not installed")
    assert f"{MIME_TYPE}:*.incident" in (data / "mime/globs2").read_text()
    if shutil.which("update-desktop-database"):
        cache = (data / "applications/mimeinfo.cache").read_text()
        assert f"{MIME_TYPE}={DESKTOP.name};" in cache

    # A file is recognised by its name, and by its content under any other name.
    named, renamed = tmp_path / "checkout.incident", tmp_path / "checkout-copy.db"
    IncidentFile.create(named, "Checkout outage").close()
    shutil.copy(named, renamed)
    if shutil.which("gio"):
        for path in (named, renamed):
            info = subprocess.run(
                ["gio", "info", "-a", "standard::content-type", str(path)],
                env=env,
                capture_output=True,
                text=True,
            )
            assert f"standard::content-type: {MIME_TYPE}" in info.stdout, info.stdout
    if shutil.which("xdg-mime"):
        # outside a desktop session xdg-mime asks `file`, which knows no user types: ask as
        # GNOME would (through gio) when gio is there
        xdg_env = {**env, "XDG_CURRENT_DESKTOP": "GNOME"} if shutil.which("gio") else env
        default = subprocess.run(
            ["xdg-mime", "query", "default", MIME_TYPE],
            env=xdg_env,
            capture_output=True,
            text=True,
        )
        assert default.stdout.strip() == DESKTOP.name, default.stdout + default.stderr
        if shutil.which("gio"):
            kind = subprocess.run(
                ["xdg-mime", "query", "filetype", str(named)],
                env=xdg_env,
                capture_output=True,
                text=True,
            )
            assert kind.stdout.strip() == MIME_TYPE


def test_install_desktop_without_a_binary_says_how_to_get_one(tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", str(ROOT / "packaging/install-desktop.sh"), str(tmp_path / "missing")],
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "packaging/build.sh" in done.stderr and "pipx install ." in done.stderr
    assert not (tmp_path / "share").exists()
