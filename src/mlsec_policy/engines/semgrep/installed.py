"""Semgrep's installed version, read from the name of its metadata folder on ``sys.path``.

Installers name an installed distribution's metadata folder ``NAME-VERSION.dist-info``, and
``importlib.metadata`` finds a distribution by listing the ``sys.path`` folders in order for
such names. Listing them here tells the version from the first folder that holds semgrep in
well under a millisecond; importing ``importlib.metadata`` (with the ``email`` package it
parses metadata with) cost a warm scan 0.02–0.03 CPU-s, and nothing else in a scan needs it.
Whatever the listing cannot settle alone (a zip or an ``.egg`` on the path, an ``.egg-info``
folder, more than one semgrep folder in a place, none found) is asked of
``importlib.metadata``, as before.
"""

from __future__ import annotations

import os
import re
import sys

_DIST_INFO = re.compile(r"semgrep-([^-]+)\.dist-info", re.IGNORECASE)


def semgrep_version() -> str | None:
    """Return the version of the semgrep distribution on ``sys.path`` (None: not installed)."""
    for entry in sys.path:
        if entry.lower().endswith(".egg"):
            return _asked()
        try:
            names = os.listdir(entry or ".")  # noqa: PTH208 (names only, no Path each)
        except NotADirectoryError:
            return _asked()  # a zip: importlib.metadata looks inside
        except OSError:
            continue  # a folder that does not exist: importlib.metadata skips it too
        found = [name for name in names if _names_semgrep(name)]
        if not found:
            continue
        matched = _DIST_INFO.fullmatch(found[0])
        return matched.group(1) if len(found) == 1 and matched else _asked()
    return _asked()  # not on the path: another finder may still know it


def _names_semgrep(name: str) -> bool:
    """Return True for a metadata folder name importlib.metadata takes for semgrep's."""
    low = name.lower()
    if not low.endswith((".dist-info", ".egg-info")):
        return False
    return low.rpartition(".")[0].partition("-")[0] == "semgrep"


def _asked() -> str | None:
    from importlib import metadata  # only when the folder names do not settle it

    try:
        return metadata.version("semgrep")
    except metadata.PackageNotFoundError:
        return None
