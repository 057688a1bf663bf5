"""The safety protocol: its rules and thresholds, the engine that checks sessions, the flags."""
