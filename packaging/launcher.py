"""Entry point of the frozen app (PyInstaller runs this file as `__main__`): the command line,
which opens the GUI when no command is given, exactly like the `incident-recorder` script."""

import sys

from incident_recorder.cli import main

if __name__ == "__main__":
    sys.exit(main())
