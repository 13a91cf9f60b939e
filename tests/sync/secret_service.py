"""A real Secret Service for the team password tests: a private D-Bus session bus
(`dbus-daemon --session`, listening on a socket in a temporary folder) and gnome-keyring-daemon
on it, its login keyring created and unlocked with a password given on stdin. HOME and the XDG
folders of both daemons point into the temporary folder: the developer's own keyring and session
bus are never touched. `env` is what a test (or a process it starts) sets to use it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

KEYRING_PASSWORD = b"test-login-keyring"


def missing() -> str | None:
    """Why no Secret Service can be started here, or None."""
    for program in ("dbus-daemon", "gnome-keyring-daemon"):
        if not shutil.which(program):
            return f"{program} is not installed (install.sh --test installs it)"
    return None


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>{address}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
"""A session bus with no <servicedir>: nothing is started on demand."""


class SecretService:
    """One session bus with gnome-keyring's Secret Service on it; `close()` ends both."""

    def __init__(self, root: Path) -> None:
        self.root = root
        home, runtime = root / "home", root / "run"
        for folder in (home, runtime, root / "data", root / "config", root / "cache"):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        runtime.chmod(0o700)
        # The default alias names the login keyring that --unlock makes: without this file the
        # daemon sometimes leaves the alias unset and the first store would have to prompt.
        keyrings = root / "data" / "keyrings"
        keyrings.mkdir(mode=0o700)
        (keyrings / "default").write_text("login")
        self.env = {
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_DATA_HOME": str(root / "data"),
            "XDG_CONFIG_HOME": str(root / "config"),
            "XDG_CACHE_HOME": str(root / "cache"),
        }
        # No display for the bus nor the daemon: a prompt (gcr-prompter, started by the bus)
        # then fails at once instead of waiting on the test's X screen for a click.
        base = {
            k: v for k, v in os.environ.items()
            if not k.startswith("DBUS_") and k not in ("DISPLAY", "WAYLAND_DISPLAY")
        }  # fmt: skip
        # A session bus that starts no service by itself: with the system's service files, an
        # early call to org.freedesktop.secrets had the bus start a second gnome-keyring-daemon
        # (locked, without the default alias) before ours had registered, one run in ten.
        config = root / "session.conf"
        config.write_text(BUS_CONFIG.format(address=f"unix:path={root / 'bus'}"))
        self._bus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--nopidfile",
             "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**base, **self.env},
        )  # fmt: skip
        self._keyring: subprocess.Popen[bytes] | None = None
        try:
            assert self._bus.stdout is not None
            address = self._bus.stdout.readline().decode().strip()
            if not address:
                raise RuntimeError("dbus-daemon printed no address")
            self.env["DBUS_SESSION_BUS_ADDRESS"] = address
            self._keyring = subprocess.Popen(
                ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env={**base, **self.env},
            )  # fmt: skip
            assert self._keyring.stdin is not None
            self._keyring.stdin.write(KEYRING_PASSWORD)
            self._keyring.stdin.close()
            self._wait_for_service()
        except BaseException:
            self.close()
            raise

    def _wait_for_service(self, seconds: float = 15.0) -> None:
        """Until org.freedesktop.secrets answers with an unlocked default collection."""
        import secretstorage
        from secretstorage.collection import Collection

        deadline = time.monotonic() + seconds
        saved = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = self.env["DBUS_SESSION_BUS_ADDRESS"]
        problem: Exception | None = None
        try:
            while time.monotonic() < deadline:
                assert self._keyring is not None
                if self._keyring.poll() is not None:
                    raise RuntimeError(f"gnome-keyring-daemon exited ({self._keyring.returncode})")
                try:
                    connection = secretstorage.dbus_init()
                    try:
                        # The default alias, once the daemon has made it: never created here
                        # (get_default_collection would, behind a prompt, in a race with the
                        # daemon's own --unlock).
                        collection = Collection(connection)
                        if not collection.is_locked():
                            return
                    finally:
                        connection.close()
                except Exception as error:  # not registered on the bus yet
                    problem = error
                time.sleep(0.05)
            raise RuntimeError(f"no Secret Service after {seconds:.0f} s: {problem}")
        finally:
            if saved is None:
                del os.environ["DBUS_SESSION_BUS_ADDRESS"]
            else:
                os.environ["DBUS_SESSION_BUS_ADDRESS"] = saved

    def close(self) -> None:
        for process in (self._keyring, self._bus):
            if process is None or process.poll() is not None:
                continue
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._bus.stdout is not None:
            self._bus.stdout.close()
