"""Renderings of a Report: one module per output format, each a pure function."""
