"""NumPy ``.npy`` files by their header: an array of numbers is data, an object array is code.

An array of numbers cannot run anything when it is loaded, and a folder of feature arrays or
speaker embeddings is a dataset, not a model: such a file is a ``data-file`` (format ``npy``),
checked like other data and not counted by the model controls. Two kinds stay model artifacts,
scanned by the model scanner: an array whose dtype holds Python objects (``numpy.load`` then
needs ``allow_pickle=True`` and unpickles it), and an array whose file name calls it a model
(``weights.npy``, ``W_embedding.npy``: some models ship as bare arrays). A header that cannot
be read is a model artifact too, so that the scanner reports it.
"""

from __future__ import annotations

import re

from mlsec_policy.classify.pickles import MODEL_NAME

NUMPY_MAGIC = b"\x93NUMPY"
_DESCR = re.compile(r"""['"]descr['"]\s*:\s*(?P<descr>'[^']*'|"[^"]*"|\[.*?\]\s*[,}])""", re.S)
_OBJECT = re.compile(r"""['"][<>|=]?O\d*['"]""")


def array_format(head: bytes, name: str) -> str:
    """Return ``npy`` for an array that may be (or run) a model, ``npy-data`` for numbers."""
    descr = _descr(head)
    if descr is None or _OBJECT.search(descr) or MODEL_NAME.search(name.lower()):
        return "npy"
    return "npy-data"


def _descr(head: bytes) -> str | None:
    """Return the dtype description of an ``.npy`` header, or None when it cannot be read."""
    if not head.startswith(NUMPY_MAGIC) or len(head) < 10:
        return None
    width = 2 if head[6] == 1 else 4
    length = int.from_bytes(head[8 : 8 + width], "little")
    header = head[8 + width : 8 + width + length]
    if len(header) < length:
        return None
    match = _DESCR.search(header.decode("latin-1"))
    return match.group("descr") if match else None
