"""Engines turn checks and an inventory into hits and scan errors."""
