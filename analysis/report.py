"""The wijksim report, stand-alone: /usr/bin/python3 analysis/report.py FILE.h5 -o report.html

The same as `wijksim report FILE.h5 -o report.html` (which runs this script); see
analysis/wijksim/report.py for what the page shows.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wijksim.report import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
