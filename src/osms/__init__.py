"""OSMS: registry and rules engine for Kazakhstan's mandatory social health insurance."""

__version__ = "0.1.0"
