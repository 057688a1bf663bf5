"""dermadash: a progress dashboard and safety checker for at-home dermarolling."""

__version__ = "0.1.0"
