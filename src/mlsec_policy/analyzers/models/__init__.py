"""Model-artifact analysis: every supported format is read as bytes and never loaded.

The modules follow the data flow: :mod:`source` gives bounded byte readers over files, archive
members and decompressed streams; :mod:`detect` names a format from content; one module per
format inspects it (:mod:`pickle_scan`, :mod:`torch_fmt`, :mod:`numpy_fmt`, :mod:`keras_fmt`,
:mod:`onnx_fmt`, :mod:`safetensors_fmt`, :mod:`gguf_fmt`, :mod:`archive`); :mod:`scan` ties them
together and returns :class:`~mlsec_policy.analyzers.models.issues.Issue` values.
"""
