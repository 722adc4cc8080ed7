"""Metrics: statistical process control (SPC) charts for tracked measures."""
