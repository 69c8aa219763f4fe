"""Pickle streams walked opcode by opcode on a symbolic machine; nothing is ever unpickled.

:mod:`.values` holds the symbols the machine builds, :mod:`.ops` what each opcode does to the
stack, :mod:`.vm` walks the stream, :mod:`.policy` judges each import allowlist-first, and
:mod:`.scan` reports what a stream imports and calls.
"""
