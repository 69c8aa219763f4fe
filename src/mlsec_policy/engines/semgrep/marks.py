"""Where a word of a rule's formula must lie in a file: the marks a word may carry.

:func:`.prefilter.formula` gives words as bytes, each perhaps prefixed with one mark (and then
perhaps :data:`~.regex_words.FOLDED`, compared with the lower-cased text). A word without a mark
holds when the file's text contains it anywhere. :func:`.prefilter.may_match`,
:class:`.gates.LocatedIndex` and the first-match search read the marks.
"""

from __future__ import annotations

CODE = b"\x01"
"""A word looked for only after the file's leading comment block."""
NAME = b"\x02"
"""A word looked for only in the file's code (outside comments and strings other than
f-strings), like :data:`CODE` otherwise."""
LITERAL = b"\x03"
"""A word that holds when a string of the file may begin with the rest of it
(:mod:`.value_starts`)."""
DECORATED = b"\x04"
"""A word looked for only in the file's decorators and import statements (:mod:`.decorators`),
like :data:`NAME` otherwise."""
MARKS = (CODE, NAME, LITERAL, DECORATED)
