"""One module per model format that is not a bare pickle: its structure read from bytes."""
