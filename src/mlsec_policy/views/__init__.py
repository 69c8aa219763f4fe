"""Views: text the engines can parse, derived from files they cannot, with a map back.

A notebook becomes a Python file of its code cells; a Helm template becomes YAML with its
template expressions neutralised. Each view keeps, for every one of its lines, the line (and
notebook cell) of the original file, so findings always point at the file the user owns.
"""

from mlsec_policy.views.base import LineOrigin, View, ViewError

__all__ = ["LineOrigin", "View", "ViewError"]
