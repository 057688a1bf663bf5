"""pytest plugins of the suite's own."""
