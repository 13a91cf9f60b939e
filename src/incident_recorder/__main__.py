"""`python -m incident_recorder` runs the command line (which opens the GUI by default)."""

import sys

from incident_recorder.cli import main

sys.exit(main())
