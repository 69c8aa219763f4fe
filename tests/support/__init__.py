"""Helpers the tests share: report fixtures, HTML parsing, a headless browser, peer scanners."""
