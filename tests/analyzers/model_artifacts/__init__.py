"""The model-artifact scanner: formats, pickles, end-to-end scans and peer comparisons."""
