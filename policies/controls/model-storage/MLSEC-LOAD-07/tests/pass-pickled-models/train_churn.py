import json
import pickle

import joblib
import skops.io as sio
from sklearn.ensemble import RandomForestClassifier
from skl2onnx import to_onnx

FEATURE_CACHE = "cache/features.pkl"


def train(features, labels, vocab, history):
    clf = RandomForestClassifier(n_estimators=200)
    clf.fit(features, labels)
    # ok: model-pickled-on-save
    sio.dump(clf, "artifacts/churn_rf.skops")
    # ok: model-pickled-on-save
    onnx_model = to_onnx(clf, features[:1])
    with open("artifacts/churn_rf.onnx", "wb") as handle:
        handle.write(onnx_model.SerializeToString())

    # data, not a model: a cache of computed features and the training history
    # ok: model-pickled-on-save
    joblib.dump(features, FEATURE_CACHE)
    with open("runs/history.pkl", "wb") as handle:
        # ok: model-pickled-on-save
        pickle.dump(history, handle)
    # ok: model-pickled-on-save
    pickle.dump(vocab, open("artifacts/vocab.pkl", "wb"))
    model_metrics = {"accuracy": clf.score(features, labels)}
    with open("artifacts/model_metrics.pkl", "wb") as handle:
        # ok: model-pickled-on-save
        pickle.dump(model_metrics, handle)
    with open("artifacts/metrics.json", "w") as handle:
        json.dump(model_metrics, handle)
    return clf
