import skops.io
from sklearn.externals import joblib


def legacy_model(path):
    # ruleid: joblib-load
    return joblib.load(path)


def trusting(path):
    # ruleid: skops-trust-everything
    return skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))
