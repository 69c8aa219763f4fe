import joblib
import skops.io as sio


def load_classifier(path):
    # ok: skops-trust-everything
    return sio.load(path, trusted=["sklearn.linear_model._logistic.LogisticRegression"])


def save_classifier(model, path):
    # ok: joblib-load
    joblib.dump(model, path)
    sio.dump(model, path + ".skops")
