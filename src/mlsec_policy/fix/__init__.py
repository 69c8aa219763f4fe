"""Automatic fixes: proposed for findings after a scan, applied by ``mlsec-policy fix``.

:mod:`.semgrep_fixes` reads the fixes semgrep rules declare (:mod:`.notebook_fixes` maps
those made in a notebook's Python view back to its cells), :mod:`.native_fixes` holds the
fixes written in Python for native checks (:mod:`.hooks`: the nbstripout set-up they add),
:mod:`.propose` attaches them to a report's findings, :mod:`.edits` turns edits into new
text, :mod:`.files` reads and rewrites files safely, and :mod:`.apply` applies a report's
fixes to the files.
"""

from mlsec_policy.fix.apply import Outcome, apply_fixes
from mlsec_policy.fix.native_fixes import FIXERS
from mlsec_policy.fix.propose import declared_fixable, fixable, propose

__all__ = ["FIXERS", "Outcome", "apply_fixes", "declared_fixable", "fixable", "propose"]
