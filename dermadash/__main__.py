"""Entry point for ``python -m dermadash``."""

import sys

from dermadash.report.chromium import start_early

start_early(sys.argv[1:])  # a PDF report: Chromium starts while dermadash is imported

from dermadash.cli import main  # noqa: E402

raise SystemExit(main())
