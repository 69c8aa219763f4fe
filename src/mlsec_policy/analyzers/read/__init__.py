"""Shared readers: a file's bytes turned into located values (documents, stages, commands).

Readers never decide anything and define no analyzer; every domain may use them, and they
import nothing from the domains.
"""
