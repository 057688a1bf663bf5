"""Entry point for ``python -m dermadash``."""

from dermadash.cli import main

raise SystemExit(main())
