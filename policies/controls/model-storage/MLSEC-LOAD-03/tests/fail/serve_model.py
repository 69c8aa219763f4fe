import joblib
from skops import io as sio
from skops.io import get_untrusted_types, load


def load_classifier(path):
    # ruleid: joblib-load
    return joblib.load(path)


def load_any(path):
    # ruleid: skops-trust-everything
    return sio.load(path, trusted=True)


def load_reported(path):
    unknown = get_untrusted_types(file=path)
    # ruleid: skops-trust-everything
    return load(path, trusted=unknown)
