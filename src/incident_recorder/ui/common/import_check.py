"""A faster answer to the question PySide6 asks about every module imported after it.

PySide6 hooks ``import``: each module imported once PySide6 is loaded is checked for whether
its source mentions "PySide6" (``shibokensupport.feature._mod_uses_pyside``: such a module may
switch ``__feature__``s on). It reads the source with ``inspect.getsource``, which stats the
file, detects its encoding and splits it into lines: about 0.3 ms a module, 30–50 ms over the
~130 modules the recorder window's start-up imports, all before the first paint.

``speed_up_import_check()`` gives PySide6 the same answer from a plain byte search of the
module's ``.py`` file; a module without one (built in, compiled, inside a frozen bundle) still
goes through PySide6's own check. Nothing changes if PySide6 is not loaded yet or no longer has
that function (then it is called again after PySide6 is imported, or the hook is gone).
"""

from __future__ import annotations

import sys
from types import ModuleType

from incident_recorder.ui.common import startup_measures

_MARK = "_incident_recorder_byte_search"


def speed_up_import_check() -> bool:
    """Replace PySide6's per-import source read with a byte search; True if done now."""
    if not startup_measures.enabled():
        return False
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, _MARK, False):
        return False

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass  # gone or unreadable: PySide6's own check decides, as before
        return bool(original(module))

    setattr(uses_pyside, _MARK, True)
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]
    return True
