import sys

from pocketpilot.apps.cli import main

sys.exit(main())
